import { HETZNER_LABEL_CLUSTER, HETZNER_LABEL_ROLE } from '../constants.js'
import { isRole } from '../tags.js'
import type { Machine, MachineState } from '../types.js'
import type { HetznerServer } from './hetzner-types.js'

const STATES: Record<string, MachineState> = {
  initializing: 'pending',
  starting: 'pending',
  running: 'running',
  stopping: 'stopping',
  off: 'stopped',
  deleting: 'terminating',
}

export function machineFromServer(server: HetznerServer): Machine {
  const role = server.labels[HETZNER_LABEL_ROLE]
  const ip = server.public_net?.ipv4?.ip
  return {
    cloud: 'hetzner',
    id: String(server.id),
    name: server.name,
    cluster: server.labels[HETZNER_LABEL_CLUSTER] ?? '',
    role: isRole(role) ? role : 'worker',
    instanceType: server.server_type.name,
    region: server.datacenter.location.name,
    zone: server.datacenter.name,
    state: STATES[server.status] ?? 'unknown',
    // Hetzner has no spot market: every server is on-demand.
    spot: false,
    ...(ip === undefined ? {} : { publicIp: ip }),
  }
}

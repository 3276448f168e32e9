import { parseOvhName } from '../tags.js'
import type { Machine, MachineState } from '../types.js'
import type { OvhInstance } from './ovh-types.js'

const STATES: Record<string, MachineState> = {
  BUILD: 'pending',
  BUILDING: 'pending',
  REBOOT: 'pending',
  HARD_REBOOT: 'pending',
  ACTIVE: 'running',
  STOPPED: 'stopped',
  SHUTOFF: 'stopped',
  DELETING: 'terminating',
  DELETED: 'terminated',
}

export function machineFromInstance(instance: OvhInstance, flavorName: string): Machine | undefined {
  const owner = parseOvhName(instance.name)
  if (owner === undefined) return undefined
  const ip = instance.ipAddresses?.find((a) => a.type === 'public' && a.version === 4)?.ip
  return {
    cloud: 'ovh',
    id: instance.id,
    name: instance.name,
    cluster: owner.cluster,
    role: owner.role,
    instanceType: flavorName,
    region: instance.region,
    state: STATES[instance.status] ?? 'unknown',
    // OVH Public Cloud has no spot market: every instance is on-demand.
    spot: false,
    ...(ip === undefined ? {} : { publicIp: ip }),
  }
}

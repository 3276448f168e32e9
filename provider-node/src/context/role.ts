/**
 * What this process is for, from where it runs: on a cloud machine the node is a worker (it
 * serves leases); on a workstation it is a deployer (it provisions and watches workers). A
 * workstation with a GPU may serve anyway, but only when told to (`--role worker`).
 */
import type { RuntimeContext } from '@synkti/cloud'
import type { NodeStatus } from '@synkti/jobs'
import { InvalidRoleOverrideError } from './errors.js'

export type NodeRole = 'worker' | 'deployer'
export const NODE_ROLES: readonly NodeRole[] = ['worker', 'deployer']

/** The command that makes a node serve leases where it would not: on one's own machine, say. */
export const SERVE_COMMAND = 'synkti-provider run --role worker'

/**
 * The role and why: shown at start-up (the `context` line), by `doctor` and `status`, so nobody
 * wonders why a node did not serve. A node that will not serve says how to make it serve.
 */
export interface RoleDecision {
  role: NodeRole
  reason: string
  /** a deployer's: the exact command that serves leases instead (it is not listed to consumers) */
  toServe?: string
}

export function parseRoleOverride(value: string): NodeRole {
  if (!(NODE_ROLES as readonly string[]).includes(value)) throw new InvalidRoleOverrideError(value)
  return value as NodeRole
}

export function roleOf(context: RuntimeContext, override?: NodeRole): RoleDecision {
  const notServing = `serves no leases and is not listed to consumers; to serve: ${SERVE_COMMAND}`
  if (override === 'deployer')
    return { role: 'deployer', reason: `--role deployer: ${notServing}`, toServe: SERVE_COMMAND }
  if (override !== undefined) return { role: override, reason: `--role ${override}` }
  if (context.kind === 'workstation') {
    return {
      role: 'deployer',
      reason: `workstation: deploys and watches workers; ${notServing}`,
      toServe: SERVE_COMMAND,
    }
  }
  return { role: 'worker', reason: `${context.kind} instance ${context.instanceId}: serves leases` }
}

/** `NodeStatus.context`: where the node runs, as peers and consumers see it. */
export type ContextView = NodeStatus['context']

/**
 * `override` means asserted, not observed: only `--context workstation` skips every probe. A cloud
 * named by `--context aws` must still answer its metadata service, so it is reported as that cloud.
 */
export function contextView(context: RuntimeContext): ContextView {
  switch (context.kind) {
    case 'aws':
      return { kind: 'aws', region: context.region, zone: context.zone, spot: context.lifecycle === 'spot' }
    case 'hetzner':
      return { kind: 'hetzner', region: context.region, zone: context.zone, spot: false }
    case 'ovh':
      return { kind: 'ovh', zone: context.zone, spot: false }
    case 'workstation': {
      const asserted = context.evidence.length > 0 && context.evidence.every((e) => e.source === 'override')
      return { kind: asserted ? 'override' : 'workstation', spot: false }
    }
  }
}

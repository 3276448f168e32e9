import type { CloudKind, Machine, Market } from '@synkti/cloud'
import { InvalidFleetTargetError } from './errors.js'
import { launchedAt } from './naming.js'

/** What the operator wants of one cluster on one cloud. */
export interface FleetTarget {
  cloud: CloudKind
  cluster: string
  /** AWS region, Hetzner location or OVH region. */
  region: string
  zone?: string
  count: number
  instanceType: string
  image: string
  market: Market
}

/** Why a machine of the cluster does not count towards the target. */
export type MismatchReason = 'other-instance-type' | 'other-market' | 'other-zone' | 'not-running'

export type FleetExtra = { machine: Machine; reason: MismatchReason | 'surplus' }

export interface FleetPlan {
  target: FleetTarget
  /** Machines that already are what the target asks for, up to `count`. */
  keep: Machine[]
  /** How many machines to launch. */
  create: number
  /** Machines beyond the target (surplus or mismatched), in the order to destroy them. */
  extra: FleetExtra[]
}

/** What no cloud could launch; the cloud's own limits (spot, price format) are `@synkti/cloud`'s validatePlan. */
export function assertTarget(target: FleetTarget): void {
  if (!Number.isInteger(target.count) || target.count < 0) {
    throw new InvalidFleetTargetError('count', target.count, 'a whole number, 0 or more')
  }
  if (target.instanceType.trim() === '')
    throw new InvalidFleetTargetError('instance type', target.instanceType, 'a name')
  if (target.image.trim() === '') throw new InvalidFleetTargetError('image', target.image, 'an image id or name')
}

function mismatch(m: Machine, target: FleetTarget): MismatchReason | undefined {
  if (m.instanceType !== target.instanceType) return 'other-instance-type'
  if (m.spot !== (target.market.kind === 'spot')) return 'other-market'
  if (target.zone !== undefined && m.zone !== undefined && m.zone !== target.zone) return 'other-zone'
  if (m.state !== 'pending' && m.state !== 'running') return 'not-running'
  return undefined
}

/**
 * Surplus goes youngest first: a machine still booting has served nothing, and an older worker
 * has had time to take leases. Names without a launch stamp count as oldest; ids break ties so
 * the same fleet always gives the same plan.
 */
function destroyOrder(a: Machine, b: Machine): number {
  const booting = Number(b.state === 'pending') - Number(a.state === 'pending')
  if (booting !== 0) return booting
  const age = (launchedAt(b.name)?.getTime() ?? 0) - (launchedAt(a.name)?.getTime() ?? 0)
  return age !== 0 ? age : a.id.localeCompare(b.id)
}

/**
 * The change that turns the cluster's machines into the target: keep what matches (up to
 * `count`), launch the difference, and name everything else with the reason it does not count.
 * Machines already terminating are neither kept nor extra: they are on their way out.
 */
export function planFleet(target: FleetTarget, machines: readonly Machine[]): FleetPlan {
  const live = machines.filter((m) => m.state !== 'terminating' && m.state !== 'terminated')
  const matching: Machine[] = []
  const extra: FleetExtra[] = []
  for (const machine of live) {
    const reason = mismatch(machine, target)
    if (reason === undefined) matching.push(machine)
    else extra.push({ machine, reason })
  }
  matching.sort(destroyOrder)
  const surplus = Math.max(0, matching.length - target.count)
  const keep = matching.slice(surplus)
  return {
    target,
    keep,
    create: target.count - keep.length,
    extra: [...extra, ...matching.slice(0, surplus).map((machine) => ({ machine, reason: 'surplus' as const }))],
  }
}

import type { CloudKind, Machine, Market } from '@synkti/cloud'
import { MAX_PROVIDER_INDEX } from './constants.js'
import { InvalidFleetTargetError } from './errors.js'
import { launchedAt, workerIndex } from './naming.js'

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

/**
 * Why the provider account at a machine's index cannot be that machine's: it is exiting, its
 * operator is not this cluster's key for the index, or it does not exist and no key is here to
 * register it with.
 */
export type ChainReason = 'provider-exiting' | 'provider-taken' | 'no-operator-key'

/**
 * Why a machine of the cluster does not count towards the target. `no-index`: its name carries no
 * provider index (an older `up`, another tool), so it cannot be joined to a provider account;
 * `duplicate-index`: an older machine of the cluster carries the same index (one operator key
 * must run on one machine).
 */
export type MismatchReason =
  | 'other-instance-type'
  | 'other-market'
  | 'other-zone'
  | 'not-running'
  | 'no-index'
  | 'duplicate-index'
  | ChainReason

/**
 * What the chain says about the provider indexes of the fleet's authority. Without one the cloud
 * alone decides (every index is free), which is what the library's cloud-only callers get.
 */
export interface IndexView {
  /** Why a machine carrying `index` cannot serve, if it cannot. */
  machineProblem(index: number): ChainReason | undefined
  /** Whether a new machine may take `index` (no account there, or this cluster's own, not exiting). */
  available(index: number): boolean
}

const CLOUD_ONLY: IndexView = { machineProblem: () => undefined, available: () => true }

export type FleetExtra = { machine: Machine; reason: MismatchReason | 'surplus' }

export interface FleetPlan {
  target: FleetTarget
  /** Machines that already are what the target asks for, up to `count`. */
  keep: Machine[]
  /** How many machines to launch. */
  create: number
  /** The provider index of each machine to launch: the lowest that no machine of the cluster holds and the chain allows. */
  indexes: number[]
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

function mismatch(m: Machine, target: FleetTarget, view: IndexView): MismatchReason | undefined {
  if (m.instanceType !== target.instanceType) return 'other-instance-type'
  if (m.spot !== (target.market.kind === 'spot')) return 'other-market'
  if (target.zone !== undefined && m.zone !== undefined && m.zone !== target.zone) return 'other-zone'
  if (m.state !== 'pending' && m.state !== 'running') return 'not-running'
  const index = workerIndex(m.name)
  if (index === undefined) return 'no-index'
  return view.machineProblem(index)
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
 * `count`), launch the difference at the lowest free provider indexes, and name everything else
 * with the reason it does not count. Machines already terminating are neither kept nor extra:
 * they are on their way out (but still hold their index until they are gone).
 */
export function planFleet(target: FleetTarget, machines: readonly Machine[], view: IndexView = CLOUD_ONLY): FleetPlan {
  const live = machines.filter((m) => m.state !== 'terminating' && m.state !== 'terminated')
  let matching: Machine[] = []
  const extra: FleetExtra[] = []
  for (const machine of live) {
    const reason = mismatch(machine, target, view)
    if (reason === undefined) matching.push(machine)
    else extra.push({ machine, reason })
  }
  // One machine per index: the oldest keeps it.
  matching.sort(destroyOrder)
  const seen = new Set<number>()
  for (const machine of [...matching].reverse()) {
    const index = workerIndex(machine.name) ?? -1
    if (seen.has(index)) extra.push({ machine, reason: 'duplicate-index' })
    seen.add(index)
  }
  matching = matching.filter((m) => !extra.some((e) => e.machine === m))
  const surplus = Math.max(0, matching.length - target.count)
  const keep = matching.slice(surplus)
  const create = target.count - keep.length
  return {
    target,
    keep,
    create,
    indexes: freeIndexes(machines, view, create),
    extra: [...extra, ...matching.slice(0, surplus).map((machine) => ({ machine, reason: 'surplus' as const }))],
  }
}

/** The `count` lowest indexes that no machine of the cluster (short of terminated) holds and the chain allows. */
function freeIndexes(machines: readonly Machine[], view: IndexView, count: number): number[] {
  const held = new Set(machines.filter((m) => m.state !== 'terminated').map((m) => workerIndex(m.name) ?? -1))
  const out: number[] = []
  for (let index = 0; out.length < count; index++) {
    if (index > MAX_PROVIDER_INDEX) {
      throw new InvalidFleetTargetError(
        'count',
        count,
        `at most ${out.length} more: provider indexes end at ${MAX_PROVIDER_INDEX}`,
      )
    }
    if (!held.has(index) && view.available(index)) out.push(index)
  }
  return out
}

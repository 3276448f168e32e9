/// <reference lib="esnext.disposable" />
import type { Keypair } from '@solana/web3.js'
import {
  CleanupFailedError,
  type CloudAdapter,
  type CloudKind,
  type LaunchSpec,
  MachineNotFoundError,
  type ResourceRef,
  validatePlan,
} from '@synkti/cloud'
import {
  applyChain,
  type ChainReport,
  type ChainView,
  chainReport,
  type FleetChainInit,
  type FleetChainRead,
  type FleetChainState,
  idleIndexes,
  observeChain,
  type ProviderRow,
  pausePlan,
  pauseProviders,
  planChain,
  providerRow,
  readFleetChain,
  type WorkerIdentity,
} from './chain.js'
import { DOWN_NOTICE, HETZNER_MAX_NAME, KEY_NOTICE, WORKER_P2P_PORT } from './constants.js'
import { InvalidFleetTargetError, PauseNeedsChainError } from './errors.js'
import { workerIndex, workerSuffix } from './naming.js'
import { assertTarget, type FleetTarget, type MismatchReason, planFleet } from './plan.js'
import { type FleetRow, fleetRow } from './rows.js'
import type { WorkerSlot } from './user-data.js'

interface Clock {
  now?: () => Date
  random?: () => number
}

export interface FleetUpInit extends Clock {
  adapter: CloudAdapter
  target: FleetTarget
  /** Each new worker's user data (its index, provider and operator filled in), or one script for every worker. */
  userData: string | ((worker: WorkerSlot) => string)
  /**
   * The fleet's side on chain: observed before any cloud request, carried out (keys written,
   * providers registered, resumed and staked) once the plan is complete and before any launch.
   * Without it `up` is cloud-only: indexes are still given, no account is made.
   */
  chain?: FleetChainInit
  /** Destroy machines beyond the target (surplus, other type or market); otherwise they are only reported. */
  prune?: boolean
  /** Plan and report, create and destroy nothing (no key, no account, no machine). */
  dryRun?: boolean
  /** OpenSSH public key for the workers, imported once per cluster. */
  sshPublicKey?: string
}

/** A shared resource of the cluster: `created` is true when this run made it (or, dry, would). */
export type SharedResource = { id: string | null; created: boolean }

export interface FleetUpResult {
  cloud: CloudKind
  cluster: string
  region: string
  dryRun: boolean
  desired: number
  kept: FleetRow[]
  created: FleetRow[]
  /** Would launch (dry run) or did launch. */
  toCreate: number
  /** The provider index of each machine to launch (would or did). */
  indexes: number[]
  /** Every worker the cluster has after this run (kept, then new): index, provider account, operator; empty when cloud-only. */
  workers: WorkerIdentity[]
  /** What was done (or, dry, would be done) on chain; null when cloud-only. */
  chain: ChainReport | null
  extra: { id: string; reason: MismatchReason | 'surplus'; destroyed: boolean }[]
  firewall: SharedResource | null
  sshKey: SharedResource | null
  keyNotice: string
}

/** Where the chain side of ls/down came from, or why it is not shown. */
export interface ChainSide {
  market: string | null
  authority: string | null
  keyDir: string | null
  /** Why the chain side is missing: no config, an unreachable RPC, a missing market (name, message, remedy). */
  error: { name: string; message: string; remedy?: string } | null
}

export interface FleetListResult {
  cloud: CloudKind
  cluster: string
  machines: FleetRow[]
  /** This cluster's provider accounts that no machine serves (left by `down`, or a launch that failed). */
  idle: ProviderRow[]
  chain: ChainSide | null
}

export interface FleetDownResult {
  cloud: CloudKind
  cluster: string
  /** What the machines were, as `fleet ls` would have shown them. */
  machines: FleetRow[]
  destroyed: ResourceRef[]
  /** Providers paused (`--pause`) before their machines went. */
  paused: { index: number; provider: string; signature: string }[]
  /** The accounts the destroyed machines served (and, for the whole cluster, the idle ones): left on chain. */
  left: ProviderRow[]
  chain: ChainSide | null
  notice: string
}

export interface ChainSideInit {
  /** What to read; absent when there is no config to read it from. */
  read?: FleetChainRead
  /** Why it is absent (e.g. no node config), shown instead. */
  skipped?: { name: string; message: string; remedy?: string }
}

export interface FleetDownOptions extends Clock {
  chain?: ChainSideInit
  /**
   * Pause the destroyed machines' providers first (and, with no ids, the cluster's idle ones):
   * no new leases go to an account without a machine. Each is signed by its own operator key
   * when this workstation holds it; `authority` is asked for only when one is not.
   */
  pause?: { authority: () => Promise<Keypair> }
}

const existing = (owned: readonly ResourceRef[], kind: ResourceRef['kind']) => owned.find((r) => r.kind === kind)?.id

/**
 * Brings the cluster to the target: observe (the chain: market, authority, stake wallet, this
 * cluster's keys; then the cloud: credentials, the cluster's machines and shared resources),
 * plan (machines, provider indexes, chain actions, the stake check), then act: keys and
 * provider accounts first, then the launches inside one all-or-nothing scope (a failure
 * releases what this run created in the cloud, in reverse; accounts stay and are reused), and
 * only then prune (make before break).
 */
export async function fleetUp(init: FleetUpInit): Promise<FleetUpResult> {
  const { adapter, target } = init
  const now = init.now ?? (() => new Date())
  const userData = (w: WorkerSlot) => (typeof init.userData === 'string' ? init.userData : init.userData(w))
  const slot = (index: number, w?: WorkerIdentity): WorkerSlot => ({
    cluster: adapter.cluster,
    index,
    provider: w?.provider ?? null,
    operator: w?.operator ?? null,
  })
  const spec = (index: number, w?: WorkerIdentity): LaunchSpec => ({
    instanceType: target.instanceType,
    image: target.image,
    userData: userData(slot(index, w)),
    region: target.region,
    market: target.market,
    nameSuffix: workerSuffix(index, now(), init.random),
    ...(target.zone !== undefined ? { zone: target.zone } : {}),
  })
  assertTarget(target)
  validatePlan(adapter, { machines: [spec(0)] })
  // The chain first: an unreachable RPC, a missing market or too few stake tokens cost no cloud request.
  const view: ChainView | undefined = init.chain && (await observeChain(init.chain, target.count))
  await adapter.checkCredentials()
  const owned = await adapter.listOwned()
  const plan = planFleet(target, await adapter.list(), view)
  const kept = plan.keep.map((m) => workerIndex(m.name) ?? -1)
  const chainPlan = init.chain && view && planChain(init.chain, view, kept, plan.indexes)
  if (adapter.cloud === 'hetzner') {
    for (const index of plan.indexes) {
      const name = `synkti-${adapter.cluster}-worker-${workerSuffix(index, now(), init.random)}`
      if (name.length > HETZNER_MAX_NAME) {
        throw new InvalidFleetTargetError(
          'cluster',
          adapter.cluster,
          `a shorter name: Hetzner server names are at most ${HETZNER_MAX_NAME} characters (${name})`,
        )
      }
    }
  }
  const needShared = plan.create > 0
  const firewallId = existing(owned, 'firewall')
  const keyId = existing(owned, 'ssh-key')
  const result: FleetUpResult = {
    cloud: adapter.cloud,
    cluster: adapter.cluster,
    region: target.region,
    dryRun: init.dryRun === true,
    desired: target.count,
    kept: plan.keep.map((m) => fleetRow(m, now())),
    created: [],
    toCreate: plan.create,
    indexes: plan.indexes,
    workers: chainPlan?.workers ?? [],
    chain: init.chain && view && chainPlan ? chainReport(init.chain, view, chainPlan) : null,
    extra: plan.extra.map((e) => ({ id: e.machine.id, reason: e.reason, destroyed: false })),
    firewall: adapter.capabilities.firewall
      ? { id: firewallId ?? null, created: needShared && firewallId === undefined }
      : null,
    sshKey:
      keyId !== undefined || init.sshPublicKey !== undefined
        ? { id: keyId ?? null, created: needShared && keyId === undefined }
        : null,
    keyNotice: KEY_NOTICE,
  }
  if (result.dryRun) return result

  // The accounts before the machines: a worker that boots finds its provider registered and staked.
  if (init.chain && view && chainPlan) result.chain = await applyChain(init.chain, view, chainPlan)
  const worker = (index: number) => chainPlan?.workers.find((w) => w.index === index)

  const stack = new AsyncDisposableStack()
  const made: ResourceRef[] = []
  const track = (ref: ResourceRef) => {
    made.push(ref)
    stack.defer(async () => {
      await adapter.release(ref)
      made.splice(made.indexOf(ref), 1)
    })
    return ref.id
  }
  try {
    if (result.firewall?.created) {
      result.firewall.id = track(
        await adapter.createFirewall({
          ingress: [{ protocol: 'tcp', port: WORKER_P2P_PORT, sources: ['0.0.0.0/0'] }],
        }),
      )
    }
    if (result.sshKey?.created && init.sshPublicKey !== undefined) {
      result.sshKey.id = track(await adapter.createSshKey({ publicKey: init.sshPublicKey }))
    }
    for (const index of plan.indexes) {
      const machine = await adapter.launch({
        ...spec(index, worker(index)),
        ...(result.firewall?.id ? { firewallIds: [result.firewall.id] } : {}),
        ...(result.sshKey?.id ? { sshKeyId: result.sshKey.id } : {}),
      })
      track({ cloud: adapter.cloud, kind: 'machine', id: machine.id })
      result.created.push(fleetRow(machine, now()))
    }
  } catch (err) {
    await stack.disposeAsync().catch((cleanupErr: unknown) => {
      throw new CleanupFailedError([...made], { cause: new AggregateError([err, cleanupErr]) })
    })
    throw err
  }
  // Everything exists: the cluster owns it now (tagged), `fleet down` gives it back.
  stack.move()

  if (init.prune === true) {
    for (const e of result.extra) {
      await adapter.release({ cloud: adapter.cloud, kind: 'machine', id: e.id })
      e.destroyed = true
    }
  }
  return result
}

function failure(err: unknown): NonNullable<ChainSide['error']> {
  const e = err instanceof Error ? err : new Error(String(err))
  const remedy = (e as { remedy?: unknown }).remedy
  return { name: e.name, message: e.message, ...(typeof remedy === 'string' ? { remedy } : {}) }
}

/** Reads the chain side for ls/down; a chain that cannot be read is shown as such, not thrown. */
async function chainSide(
  init: ChainSideInit | undefined,
): Promise<{ side: ChainSide | null; state: FleetChainState | null; cause?: unknown }> {
  if (init === undefined) return { side: null, state: null }
  const base = {
    market: init.read?.market.toBase58() ?? null,
    authority: init.read?.authority.toBase58() ?? null,
    keyDir: init.read?.keyDir ?? null,
  }
  if (init.read === undefined) return { side: { ...base, error: init.skipped ?? null }, state: null }
  try {
    return { side: { ...base, error: null }, state: await readFleetChain(init.read) }
  } catch (err) {
    return { side: { ...base, error: failure(err) }, state: null, cause: err }
  }
}

/** Machine rows with their accounts, and the cluster's accounts no live machine serves. */
function joined(rows: FleetRow[], state: FleetChainState | null, read: FleetChainRead | undefined) {
  if (state === null || read === undefined) return { rows, idle: [] as ProviderRow[] }
  const withChain = rows.map((r) => ({
    ...r,
    provider: r.index === null ? null : providerRow(state, read.market, r.index),
  }))
  const held = new Set(rows.filter((r) => r.state !== 'terminated' && r.index !== null).map((r) => r.index as number))
  return { rows: withChain, idle: idleIndexes(state, held).map((i) => providerRow(state, read.market, i)) }
}

/**
 * The cluster's machines, each with its provider account when `chain` says where to look
 * (status, stake, open leases, price, operator), and the cluster's accounts no machine serves.
 * The cloud is observed first (its errors are thrown); a chain that cannot be read is reported
 * in `chain.error` and the machines are still shown.
 */
export async function fleetList(
  adapter: CloudAdapter,
  opts: Clock & { chain?: ChainSideInit } = {},
): Promise<FleetListResult> {
  const now = opts.now ?? (() => new Date())
  await adapter.checkCredentials()
  const machines = await adapter.list()
  // Oldest first: names carry the launch stamp, so this is launch order for machines `up` made.
  const sorted = [...machines].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  const { side, state } = await chainSide(opts.chain)
  const { rows, idle } = joined(
    sorted.map((m) => fleetRow(m, now())),
    state,
    opts.chain?.read,
  )
  return { cloud: adapter.cloud, cluster: adapter.cluster, machines: rows, idle, chain: side }
}

/**
 * Gives the cluster's resources back: the machines named by `ids`, or everything tagged with the
 * cluster (machines first, then keys and firewalls). Every id is checked against the cluster's
 * own machines before anything is destroyed: an id from another cluster destroys nothing.
 * Provider accounts stay on chain (`left`, with how to exit them in `notice`); with `pause`
 * they are paused first, and a chain that cannot be read or a pause that fails destroys nothing.
 */
export async function fleetDown(
  adapter: CloudAdapter,
  ids: readonly string[] = [],
  opts: FleetDownOptions = {},
): Promise<FleetDownResult> {
  const now = opts.now ?? (() => new Date())
  await adapter.checkCredentials()
  const machines = await adapter.list()
  const chosen =
    ids.length === 0
      ? machines
      : ids.map((id) => {
          const machine = machines.find((m) => m.id === id)
          if (machine === undefined) throw new MachineNotFoundError(id, adapter.cluster)
          return machine
        })
  const { side, state, cause } = await chainSide(opts.chain)
  // Pausing needs the chain: one that cannot be read (or no config) destroys nothing.
  if (opts.pause !== undefined && state === null) throw cause ?? new PauseNeedsChainError(side?.error?.message)
  const rows = chosen.map((m) => fleetRow(m, now()))
  const indexes = rows.flatMap((r) => (r.index === null ? [] : [r.index]))
  const stays = new Set(
    machines.filter((m) => !chosen.includes(m) && m.state !== 'terminated').map((m) => workerIndex(m.name) ?? -1),
  )
  const left = state === null ? [] : [...indexes, ...(ids.length === 0 ? idleIndexes(state, stays) : [])]

  let paused: FleetDownResult['paused'] = []
  if (opts.pause !== undefined && state !== null && opts.chain?.read !== undefined) {
    const plan = pausePlan(state, [...new Set(left)])
    const authority = plan.some((p) => p.signer === 'authority') ? await opts.pause.authority() : undefined
    paused = await pauseProviders(opts.chain.read.client, plan, authority)
    for (const p of paused) {
      const provider = state.providers.get(p.index)
      if (provider !== undefined) provider.status = { kind: 'paused' }
    }
  }

  let destroyed: ResourceRef[]
  if (ids.length === 0) {
    destroyed = await adapter.destroyCluster()
  } else {
    destroyed = []
    for (const m of chosen) {
      const ref: ResourceRef = { cloud: adapter.cloud, kind: 'machine', id: m.id }
      await adapter.release(ref)
      destroyed.push(ref)
    }
  }
  const joinedRows = joined(rows, state, opts.chain?.read)
  const read = opts.chain?.read
  return {
    cloud: adapter.cloud,
    cluster: adapter.cluster,
    machines: joinedRows.rows,
    destroyed,
    paused,
    left: state === null || read === undefined ? [] : [...new Set(left)].map((i) => providerRow(state, read.market, i)),
    chain: side,
    notice: DOWN_NOTICE,
  }
}

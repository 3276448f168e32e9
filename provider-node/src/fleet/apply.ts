/// <reference lib="esnext.disposable" />
import {
  CleanupFailedError,
  type CloudAdapter,
  type CloudKind,
  type LaunchSpec,
  MachineNotFoundError,
  type ResourceRef,
  validatePlan,
} from '@synkti/cloud'
import { KEY_NOTICE, WORKER_P2P_PORT } from './constants.js'
import { launchSuffix } from './naming.js'
import { assertTarget, type FleetTarget, type MismatchReason, planFleet } from './plan.js'
import { type FleetRow, fleetRow } from './rows.js'

interface Clock {
  now?: () => Date
  random?: () => number
}

export interface FleetUpInit extends Clock {
  adapter: CloudAdapter
  target: FleetTarget
  userData: string
  /** Destroy machines beyond the target (surplus, other type or market); otherwise they are only reported. */
  prune?: boolean
  /** Plan and report, create and destroy nothing. */
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
  extra: { id: string; reason: MismatchReason | 'surplus'; destroyed: boolean }[]
  firewall: SharedResource | null
  sshKey: SharedResource | null
  keyNotice: string
}

export interface FleetListResult {
  cloud: CloudKind
  cluster: string
  machines: FleetRow[]
}

export interface FleetDownResult {
  cloud: CloudKind
  cluster: string
  /** What the machines were, as `fleet ls` would have shown them. */
  machines: FleetRow[]
  destroyed: ResourceRef[]
}

const existing = (owned: readonly ResourceRef[], kind: ResourceRef['kind']) => owned.find((r) => r.kind === kind)?.id

/**
 * Brings the cluster to the target: observe (credentials, the cluster's machines and shared
 * resources), plan, then launch the difference inside one all-or-nothing scope (a failure
 * releases what this run created, in reverse), and only then prune (make before break).
 */
export async function fleetUp(init: FleetUpInit): Promise<FleetUpResult> {
  const { adapter, target } = init
  const now = init.now ?? (() => new Date())
  const spec = (): LaunchSpec => ({
    instanceType: target.instanceType,
    image: target.image,
    userData: init.userData,
    region: target.region,
    market: target.market,
    nameSuffix: launchSuffix(now(), init.random),
    ...(target.zone !== undefined ? { zone: target.zone } : {}),
  })
  assertTarget(target)
  validatePlan(adapter, { machines: [spec()] })
  await adapter.checkCredentials()
  const owned = await adapter.listOwned()
  const plan = planFleet(target, await adapter.list())
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
    for (let i = 0; i < plan.create; i++) {
      const machine = await adapter.launch({
        ...spec(),
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

export async function fleetList(adapter: CloudAdapter, clock: Clock = {}): Promise<FleetListResult> {
  const now = clock.now ?? (() => new Date())
  await adapter.checkCredentials()
  const machines = await adapter.list()
  // Oldest first: names carry the launch stamp, so this is launch order for machines `up` made.
  const sorted = [...machines].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  return { cloud: adapter.cloud, cluster: adapter.cluster, machines: sorted.map((m) => fleetRow(m, now())) }
}

/**
 * Gives the cluster's resources back: the machines named by `ids`, or everything tagged with the
 * cluster (machines first, then keys and firewalls). Every id is checked against the cluster's
 * own machines before anything is destroyed: an id from another cluster destroys nothing.
 */
export async function fleetDown(
  adapter: CloudAdapter,
  ids: readonly string[] = [],
  clock: Clock = {},
): Promise<FleetDownResult> {
  const now = clock.now ?? (() => new Date())
  await adapter.checkCredentials()
  const machines = await adapter.list()
  const base = { cloud: adapter.cloud, cluster: adapter.cluster }
  if (ids.length === 0) {
    const destroyed = await adapter.destroyCluster()
    return { ...base, machines: machines.map((m) => fleetRow(m, now())), destroyed }
  }
  const chosen = ids.map((id) => {
    const machine = machines.find((m) => m.id === id)
    if (machine === undefined) throw new MachineNotFoundError(id, adapter.cluster)
    return machine
  })
  const destroyed: ResourceRef[] = []
  for (const m of chosen) {
    const ref: ResourceRef = { cloud: adapter.cloud, kind: 'machine', id: m.id }
    await adapter.release(ref)
    destroyed.push(ref)
  }
  return { ...base, machines: chosen.map((m) => fleetRow(m, now())), destroyed }
}

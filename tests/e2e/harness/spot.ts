import { setTimeout as sleep } from 'node:timers/promises'
import { jobOfLease, type NodeStatus, parseNodeStatus } from '@synkti/jobs'
import { SynktiNode } from '@synkti/p2p'
import { type NodeLine, nodeEvent } from './processes.js'
import { type RunningProvider, runProvider } from './provider.js'
import { type Cast, type FailoverResult, failoverResult, interrupt, type Progress } from './story.js'

/**
 * A spot machine taken back and replaced, again and again: every lease it served leaves by its
 * own failover, then the cloud's new instance (same provider account, keys and state
 * directory; instance metadata quiet again) joins the network. The failover benchmark and the
 * chaos run repeat this; the node is asked about itself (signed status), never guessed at.
 */

/** A node starting while others fail over on two shared cores can take a while. */
const START_TIMEOUT_MS = 180_000

export class RecordNotPublishedError extends Error {
  override name = 'RecordNotPublishedError'
  constructor(
    readonly providers: string[],
    readonly timeoutMs: number,
    message = `no current record of ${providers.join(', ')} in the DHT within ${timeoutMs} ms`,
  ) {
    super(message)
  }
}

/**
 * Waits until the consumer's node finds each provider's record in the DHT with the provider's
 * current addresses (a restarted node's new record has superseded the old one): what
 * `synkti job run --provider` and the failover planner look up.
 */
export async function awaitRecords(
  cast: Cast,
  providers: readonly RunningProvider[],
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let missing = [...providers]
  while (missing.length > 0) {
    const found = await Promise.all(
      missing.map((p) =>
        cast.p2p
          .getRecord(cast.world.market.toBase58(), p.operator.publicKey.toBase58(), {
            signal: AbortSignal.timeout(10_000),
          })
          .then(
            (r) => r.record.addresses.some((a) => p.addrs.includes(a)),
            () => false,
          ),
      ),
    )
    missing = missing.filter((_, i) => !found[i])
    if (missing.length === 0) return
    if (Date.now() > deadline) {
      // what each missing node said about its own publishing
      const said = missing.map((p) => {
        const last = p.proc.lines.filter((l) => nodeEvent('published')(l) || nodeEvent('publish-deferred')(l)).at(-1)
        return `${p.spec.name} (${last === undefined ? 'never published' : JSON.stringify(last)})`
      })
      throw new RecordNotPublishedError(said, timeoutMs)
    }
    await sleep(1_000)
  }
}

/** One lease's failover off a preempted node. */
export interface LeaseFailover extends FailoverResult {
  lease: string
  /** the operator the failover handed the lease to, or null */
  target: string | null
  /** the failover got past the on-chain migration (it reached spawning on the taker) */
  migrated: boolean
  /** why it failed, as the node put it (null when restored) */
  reason: unknown
}

/** `provider`'s own signed status document, asked over P2P as a consumer would. */
export async function askStatus(cast: Cast, provider: RunningProvider): Promise<NodeStatus> {
  for (const address of provider.addrs.slice(0, 1)) await cast.p2p.connect(address).catch(() => undefined)
  const signed = await cast.p2p.protocols.askStatus(SynktiNode.peerIdOf(provider.operator.publicKey.toBase58()))
  return parseNodeStatus(signed.body.status)
}

/** The leases whose jobs `provider` runs now (starting, healthy or draining), by its own account. */
export async function liveLeases(cast: Cast, provider: RunningProvider): Promise<string[]> {
  const status = await askStatus(cast, provider)
  return status.jobs
    .filter((j) => j.state === 'starting' || j.state === 'healthy' || j.state === 'draining')
    .map((j) => j.lease)
}

/** The job `provider` runs for `lease`, by its own account; undefined when it has none. */
export async function jobOn(cast: Cast, provider: RunningProvider, lease: string) {
  return jobOfLease(await askStatus(cast, provider), lease)
}

/**
 * Interrupts `victim` and waits for the failover of every lease it served at the notice
 * (the node runs one failover per live job, side by side).
 */
export async function preemptAll(cast: Cast, progress: Progress, victim: RunningProvider): Promise<LeaseFailover[]> {
  const leases = await liveLeases(cast, victim)
  const from = victim.proc.lines.length
  await interrupt(cast, progress, victim)
  const ends: NodeLine<'failover-end'>[] = []
  for (const lease of leases) {
    const isEnd = nodeEvent('failover-end', (l) => l.lease === lease)
    ends.push(await victim.proc.waitFor(`failover end of ${lease}`, isEnd, 150_000, from))
  }
  return ends.map((end, i) => ({
    ...failoverResult(cast, victim, end),
    lease: leases[i] as string,
    target: end.target ?? null,
    migrated: end.phases.some((p) => p.kind === 'spawning'),
    reason: end.reason ?? null,
  }))
}

/**
 * The cloud's new instance of a preempted spot machine: the old process stops, the metadata
 * mock goes quiet, and `synkti-provider run` starts again on the same registered provider,
 * bootstrapping from the nodes still up. Replaces `victim` in `cast.providers`.
 */
export async function respawnSpot(cast: Cast, progress: Progress, victim: RunningProvider): Promise<RunningProvider> {
  const index = cast.providers.indexOf(victim)
  if (index < 0) throw new Error(`${victim.spec.name} is not in the cast`)
  await victim.proc.stop()
  await (cast.imdsOf.get(victim.spec.name) ?? cast.imds).quiet()
  const bootstrap = cast.providers
    .filter((p) => p !== victim && p.proc.running)
    .slice(0, 2)
    .flatMap((p) => p.addrs.slice(0, 1))
  const { spec, operator, authority, provider, payout, earningsVault, configPath } = victim
  const fresh = await runProvider(
    cast.group,
    { spec: { ...spec, bootstrap }, operator, authority, provider, payout, earningsVault, configPath },
    START_TIMEOUT_MS,
  )
  cast.providers[index] = fresh
  // the consumer's own node last saw the old instance's address
  for (const address of fresh.addrs.slice(0, 1)) await cast.p2p.connect(address).catch(() => undefined)
  progress(`${spec.name} is back as a new spot instance (same provider, api ${fresh.apiUrl})`)
  return fresh
}

import { setTimeout as sleep } from 'node:timers/promises'
import { PublicKey } from '@solana/web3.js'
import { isModelJob, type JobSpec, jobOfLease, parseNodeStatus } from '@synkti/jobs'
import { chainNow, type MarketClient } from '@synkti/market'
import { PeerUnreachableError, SynktiNode } from '@synkti/p2p'
import { type Capability, fraction, gbPerSecond, seconds, totalVramGb, usdPerSecond } from '@synkti/planner'
import {
  checkHandoff,
  type FailoverCandidate,
  type FailoverEffects,
  type FailoverJob,
  type FailoverTarget,
  type PlanChoice,
} from '../failover/index.js'
import { RecordNamesAnotherProviderError } from './errors.js'
import type { NodeLog } from './events.js'

/** How often the giver asks the taker whether the job is there / healthy yet. */
const POLL_MS = 250
/** Candidates fetched per failover: the chain lists every registered provider of the market. */
const MAX_CANDIDATES = 20
/** Payment-mint base units per USD (a 6-decimal stablecoin), for the planner's cost in USD. */
const BASE_UNITS_PER_USD = 1_000_000
/**
 * A peer's bandwidth for weights when no transfer with it was measured (NodeWeights keeps the
 * rate of the last one, either way): every such peer is assumed equal.
 */
const ASSUMED_BANDWIDTH_GBPS = 1
/**
 * A candidate that does not answer a ping within this is left out: a record outlives its node by
 * up to its TTL, and an offer to a dead node would cost a whole request timeout of the notice.
 */
const PROBE_TIMEOUT_MS = 2_000
/**
 * The taker stamps the hand-off with the chain's time when it builds the transaction; the giver
 * accepts it within this of its own reading (one offer's round trip, with room for a slow RPC).
 */
const HANDOFF_SKEW_SEC = 60

/** The planner's bandwidth (GB/s) for a peer: the measured rate, else the assumed one. */
export function bandwidthGbps(bytesPerSecond: number | undefined): number {
  return bytesPerSecond !== undefined && Number.isFinite(bytesPerSecond) && bytesPerSecond > 0
    ? bytesPerSecond / 1e9
    : ASSUMED_BANDWIDTH_GBPS
}

function freeVramGb(capability: Capability, load: number): number {
  return totalVramGb(capability) * (1 - load)
}

export interface NodeFailoverDeps {
  client: MarketClient
  p2p: SynktiNode
  market: string
  /** this node's operator key and provider account (base58) */
  self: string
  selfProvider: string
  stopAdmitting(): void
  /** co-signs and submits the taker's migrate_lease; returns its signature */
  coSign(transaction: Uint8Array): Promise<string>
  drainOld(lease: string, to: string | null): Promise<void>
  /** the weights this node caches (and serves over /synkti/weights/1.0.0); absent: none said */
  cachedWeights?: () => readonly string[]
  /** bytes per second of the last weights transfer with a peer (NodeWeights), when measured */
  measuredBandwidth?: (operator: string) => number | undefined
  plan(job: FailoverJob, candidates: readonly FailoverCandidate[]): PlanChoice
  log: NodeLog
}

/**
 * The failover's effects on the real world: candidates are the market's registered providers
 * (the chain is the list) whose signed DHT record could be fetched over P2P (the record gives
 * capability, price and addresses); the offer is the hand-off protocol; progress on the taker
 * is read from its signed status.
 */
export function nodeFailoverEffects(deps: NodeFailoverDeps, leaseAddress: string): FailoverEffects {
  const lease = () => leaseAddress
  const { client, p2p } = deps
  const weightsAtGiver = (spec: JobSpec) =>
    isModelJob(spec) && (deps.cachedWeights?.() ?? []).includes(spec.model.sha256)

  async function targetStatus(target: FailoverTarget, leaseAddress: string) {
    const signed = await p2p.protocols.askStatus(SynktiNode.peerIdOf(target.operator))
    return jobOfLease(parseNodeStatus(signed.body.status), leaseAddress)
  }

  return {
    async stopAdmitting() {
      deps.stopAdmitting()
    },

    async findCandidates(job, signal) {
      const [providers, onChain] = await Promise.all([
        client.findProviders({ market: new PublicKey(deps.market) }),
        client.fetchLease(new PublicKey(lease())),
      ])
      // the consumer's policy caps the price at the chain's price, which is what the lease would pay
      const cap = onChain.policy.maxPricePerSecond
      const overCap = providers.filter((p) => p.pricePerSecond > cap).map((p) => p.operator.toBase58())
      const others = providers
        .filter((p) => p.operator.toBase58() !== deps.self && p.pricePerSecond <= cap)
        .slice(0, MAX_CANDIDATES)
      const found = await Promise.allSettled(
        others.map(async (p): Promise<FailoverCandidate> => {
          const operator = p.operator.toBase58()
          const { record } = await p2p.getRecord(deps.market, operator, { signal })
          // a record speaks for the account it names; one naming another account than the chain
          // gives its operator says something false about itself, and is not planned with
          if (record.provider !== undefined && record.provider !== p.address.toBase58()) {
            throw new RecordNamesAnotherProviderError(operator, record.provider, p.address.toBase58())
          }
          // the record is the provider's word on capability, load and addresses; the price that
          // would be paid is the chain's, so the planner ranks by that
          // the round trip from here stands for the distance to the consumer this node served
          const rttMs = await p2p.probe(operator, record.addresses, {
            signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]),
          })
          return {
            target: { operator, provider: p.address.toBase58(), addresses: record.addresses },
            slot: {
              id: operator,
              capability: record.capability,
              price: usdPerSecond(Number(p.pricePerSecond) / BASE_UNITS_PER_USD),
              bandwidth: gbPerSecond(bandwidthGbps(deps.measuredBandwidth?.(operator))),
              latency: seconds(rttMs / 1000),
              load: fraction(Math.min(1, record.load.gpuUtilization)),
            },
          }
        }),
      )
      // a record's load is the share of its VRAM that running jobs hold: a full machine would only decline
      const candidates = found
        .flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
        .filter((c) => freeVramGb(c.slot.capability, c.slot.load) + 1e-6 >= job.spec.model.vramGb)
      const unreachable = found.flatMap((r) =>
        r.status === 'rejected' && r.reason instanceof PeerUnreachableError ? [r.reason.operator] : [],
      )
      const misnamed = found.flatMap((r) =>
        r.status === 'rejected' && r.reason instanceof RecordNamesAnotherProviderError ? [r.reason.operator] : [],
      )
      deps.log({
        event: 'failover-candidates',
        lease: lease(),
        registered: others.length,
        overCap,
        reachable: candidates.map((c) => c.target.operator),
        unreachable,
        misnamed,
      })
      return candidates
    },

    plan: (job, candidates) => deps.plan(job, candidates),

    async offer(target, request) {
      for (const address of target.addresses) await p2p.connect(address).catch(() => undefined)
      const outcome = await p2p.protocols.handoff(
        SynktiNode.peerIdOf(target.operator),
        {
          lease: request.lease,
          // a model job whose weights this node caches: the taker may fetch them from here first
          job: { spec: request.job.spec, ...(weightsAtGiver(request.job.spec) ? { weightsAtGiver: true } : {}) },
          deadline: Math.ceil(request.deadline / 1000),
        },
        async (transaction) => {
          // the taker built this transaction: nothing in it is signed for before it matches our plan
          checkHandoff(client.describeTransaction(transaction), {
            programId: client.programId,
            lease: new PublicKey(request.lease),
            oldProvider: new PublicKey(deps.selfProvider),
            oldOperator: new PublicKey(deps.self),
            newProvider: new PublicKey(target.provider),
            newOperator: new PublicKey(target.operator),
            feePayer: new PublicKey(deps.self),
            now: await chainNow(client.connection),
            maxSkewSec: HANDOFF_SKEW_SEC,
          })
          return deps.coSign(transaction)
        },
      )
      return outcome.accepted
        ? { accepted: true, migrateSignature: outcome.transactionSignature }
        : { accepted: false, reason: outcome.reason }
    },

    async leaseProviderOnChain(leaseAddress) {
      const onChain = await client.fetchLease(new PublicKey(leaseAddress))
      const provider = await client.fetchProvider(onChain.provider)
      return provider.operator.toBase58()
    },

    async awaitJob(target, leaseAddress, signal) {
      for (;;) {
        signal.throwIfAborted()
        const job = await targetStatus(target, leaseAddress).catch(() => undefined)
        if (job !== undefined) return job.jobId
        await sleep(POLL_MS, undefined, { signal })
      }
    },

    async awaitHealthy(target, leaseAddress, signal) {
      for (;;) {
        signal.throwIfAborted()
        const job = await targetStatus(target, leaseAddress).catch(() => undefined)
        if (job?.state === 'healthy' && job.endpoint !== null) return job.endpoint
        if (job?.state === 'failed' || job?.state === 'stopped') return null
        await sleep(POLL_MS, undefined, { signal })
      }
    },

    async drainOld() {
      const onChain = await client
        .fetchLease(new PublicKey(lease()))
        .then((l) => client.fetchProvider(l.provider))
        .then((p) => p.operator.toBase58())
        .catch(() => null)
      await deps.drainOld(lease(), onChain === deps.self ? null : onChain)
    },

    now: () => Date.now(),

    log(entry) {
      // the entry's own `at` would overwrite the log line's time: the drain's is `drainedAt`
      if (entry.event === 'phase') {
        deps.log({
          event: 'failover-phase',
          id: entry.id,
          lease: entry.lease,
          phase: entry.ended.kind,
          durationMs: entry.durationMs,
          next: entry.next,
        })
      } else if (entry.event === 'resumed') {
        deps.log({ event: 'failover-resumed', id: entry.id, lease: entry.lease, phase: entry.phase })
      } else if (entry.event === 'declined') {
        const { id, lease, target, reason } = entry
        deps.log({ event: 'failover-declined', id, lease, target, reason })
      } else {
        const { id, lease, at, outcome } = entry
        deps.log({ event: 'failover-old-drained', id, lease, drainedAt: at, outcome })
      }
    },
  }
}

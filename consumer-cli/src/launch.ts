/**
 * Putting a job on a provider, step by step, shared by `synkti job run` and the moves of
 * `synkti job move` and the gateway: choose the provider (the one named, or the cheapest that
 * fits within the price cap), open the lease with the escrow and the spec's hash, submit the
 * spec over P2P (a provider that declines gets its lease closed again), and follow the job
 * until its provider reports it healthy.
 */
import { PublicKey, type Signer } from '@solana/web3.js'
import { type JobSpec, type JobView, jobSpecHash, requirementOf } from '@synkti/jobs'
import { type MigrationPolicy, ProgramErrors } from '@synkti/market'
import { type JsonObject, SynktiNode } from '@synkti/p2p'
import type { Requirement } from '@synkti/planner'
import { askJob } from './ask.js'
import { findProvider, requireFunds } from './chain.js'
import { checkOffer, chooseOffer } from './choose.js'
import { DEFAULT_DEPOSIT_SECONDS, STATUS_POLL_MS, WAIT_MARGIN_SEC } from './constants.js'
import type { Deps } from './context.js'
import { JobNotSubmittedError, JobRejectedError, NoSuitableProviderError } from './errors.js'
import { findOffers, joinOffers, type Offer, type OfferFilters } from './offers.js'
import { rememberAddresses } from './p2p.js'
import { waitHealthy } from './progress.js'

/**
 * The capability key to discover by, when the spec pins exactly one GPU model and one region;
 * otherwise none, so every registered provider is a candidate and `fits` says why each fails.
 */
export function discoveryFilters(spec: JobSpec): OfferFilters {
  const gpus = spec.gpus.models ?? []
  const regions = spec.regions ?? []
  const [gpu] = gpus
  const [region] = regions
  return gpus.length === 1 && regions.length === 1 && gpu !== undefined && region !== undefined ? { gpu, region } : {}
}

/** The deposit: as given, or an hour (DEFAULT_DEPOSIT_SECONDS) at the provider's price. */
export function depositFor(price: bigint, given: bigint | undefined): bigint {
  return given ?? price * DEFAULT_DEPOSIT_SECONDS
}

/** A provider the user named (account or operator), checked against the spec before any lease. */
export async function namedOffer(
  node: SynktiNode,
  deps: Deps,
  market: PublicKey,
  value: string,
  req: Requirement,
  cap: bigint,
): Promise<Offer> {
  const providers = await deps.client.findProviders({ market, status: 'any' })
  const chain = findProvider(providers, value, market)
  const record = await node.getRecord(market.toBase58(), chain.operator.toBase58())
  await rememberAddresses(node, record.record.operator, record.record.addresses)
  const offer = joinOffers([record], [chain]).offers[0]
  // the chain's own refusal, raised before a lease is sent to be refused
  if (offer === undefined) throw new ProgramErrors.ProviderNotActive()
  checkOffer(offer, req, cap)
  return offer
}

export interface Choice {
  /** provider account or operator address; default: the cheapest that fits */
  provider?: string
  /** provider accounts not to choose (a move leaves the one it is on), with the reason */
  exclude?: { provider: string; reason: string }[]
}

/** The offer to open a lease with, for `spec` in `market`. */
export async function pickOffer(
  node: SynktiNode,
  deps: Deps,
  market: PublicKey,
  spec: JobSpec,
  choice: Choice = {},
): Promise<Offer> {
  const req = requirementOf(spec)
  const cap = BigInt(spec.priceCap.perSecond)
  if (choice.provider !== undefined) return namedOffer(node, deps, market, choice.provider, req, cap)
  const { offers, rejected } = await findOffers(node, deps.client, market, discoveryFilters(spec))
  const excluded = choice.exclude ?? []
  const left = offers.filter((o) => !excluded.some((e) => e.provider === o.provider))
  try {
    return chooseOffer(left, req, cap, rejected)
  } catch (err) {
    if (!(err instanceof NoSuitableProviderError)) throw err
    const passed = offers
      .filter((o) => !left.includes(o))
      .map((o) => ({
        operator: o.operator,
        reason: excluded.find((e) => e.provider === o.provider)?.reason ?? 'excluded',
      }))
    throw new NoSuitableProviderError([...passed, ...err.rejected])
  }
}

export interface Opened {
  lease: PublicKey
  signature: string
  deposit: bigint
}

/** Opens the lease with `offer`: the escrow, the spec's hash and the spec's price cap. */
export async function openLeaseFor(
  deps: Deps,
  consumer: Signer,
  offer: Offer,
  spec: JobSpec,
  o: { deposit?: bigint; policy?: MigrationPolicy; receiptSigner?: PublicKey } = {},
): Promise<Opened> {
  const deposit = depositFor(offer.pricePerSecond, o.deposit)
  // the token program would refuse an escrow above the balance with a bare "custom program error 1"
  const provider = await deps.client.fetchProvider(new PublicKey(offer.provider))
  await requireFunds(deps.client, consumer.publicKey, await deps.client.fetchMarket(provider.market), deposit)
  deps.progress(`opening a lease with ${offer.operator} at ${offer.pricePerSecond}/s, deposit ${deposit}`)
  const { signature, lease } = await deps.client.openLease({
    consumer,
    provider: new PublicKey(offer.provider),
    jobSpecHash: jobSpecHash(spec),
    maxPricePerSecond: BigInt(spec.priceCap.perSecond),
    deposit,
    ...(o.policy !== undefined ? { policy: o.policy } : {}),
    ...(o.receiptSigner !== undefined ? { receiptSigner: o.receiptSigner } : {}),
  })
  deps.progress(`opened lease ${lease.toBase58()}`)
  return { lease, signature, deposit }
}

/**
 * Hands the spec to the provider. One that declines gets its lease closed so the deposit comes
 * back (JobRejectedError); one that cannot be reached leaves it open (JobNotSubmittedError).
 */
export async function submitJob(
  node: SynktiNode,
  deps: Deps,
  operator: string,
  lease: PublicKey,
  spec: JobSpec,
): Promise<void> {
  deps.progress(`submitting ${spec.name} to ${operator}`)
  let decision: Awaited<ReturnType<SynktiNode['protocols']['submitJob']>>
  try {
    decision = await node.protocols.submitJob(SynktiNode.peerIdOf(operator), {
      lease: lease.toBase58(),
      spec: spec as JsonObject,
    })
  } catch (err) {
    throw new JobNotSubmittedError(operator, lease.toBase58(), (err as Error).message, err)
  }
  if (decision.accepted) return
  let refunded = false
  try {
    await deps.client.closeLease({ signer: await deps.wallet(), lease })
    refunded = true
  } catch {
    // the remedy then tells the user to close it
  }
  throw new JobRejectedError(operator, decision.reason, lease.toBase58(), refunded)
}

/**
 * Follows the job on whichever provider the chain names until it is healthy with an endpoint
 * (the spec's ready timeout plus a margin); progress lines on the way.
 */
export async function followUntilHealthy(
  node: SynktiNode,
  deps: Deps,
  lease: PublicKey,
  spec: JobSpec,
  /** stops the polling (Ctrl-C): nothing else keeps the process alive */
  signal?: AbortSignal,
): Promise<{ operator: string; job: JobView }> {
  const leaseId = lease.toBase58()
  return waitHealthy({
    lease: leaseId,
    ask: async () => {
      const report = await askJob(node, deps.client, lease)
      return {
        operator: report.operator,
        job: report.job,
        failover: report.status.failovers.filter((f) => f.lease === leaseId).at(-1),
      }
    },
    onProgress: deps.progress,
    sleep: (ms) => deps.sleep(ms, signal),
    now: deps.now,
    timeoutMs: (spec.health.readyTimeoutSec + WAIT_MARGIN_SEC) * 1_000,
    pollMs: STATUS_POLL_MS,
  })
}

/**
 * `synkti job run spec.yaml`: validate the spec, pick a provider that fits it within the price
 * cap (or check the one given), open the lease with the escrow and the spec's hash, submit the
 * spec to the provider over P2P (it accepts the lease on chain itself), and with --wait follow
 * the job until it is healthy. Nothing is lost on the way: a provider that declines gets the
 * lease closed again (the deposit comes back), any other failure names the open lease.
 */
import { PublicKey } from '@solana/web3.js'
import { type JobSpec, type JobView, jobSpecHash, requirementOf } from '@synkti/jobs'
import { ProgramErrors } from '@synkti/market'
import { type JsonObject, SynktiNode } from '@synkti/p2p'
import type { Requirement } from '@synkti/planner'
import { askJob } from '../ask.js'
import { findProvider } from '../chain.js'
import { checkOffer, chooseOffer } from '../choose.js'
import { DEFAULT_DEPOSIT_SECONDS, STATUS_POLL_MS, WAIT_MARGIN_SEC } from '../constants.js'
import type { Deps } from '../context.js'
import { JobNotSubmittedError, JobRejectedError } from '../errors.js'
import { findOffers, joinOffers, type Offer, type OfferFilters } from '../offers.js'
import { rememberAddresses } from '../p2p.js'
import { waitHealthy } from '../progress.js'
import { readSpec } from '../spec.js'

export interface RunOptions {
  spec: string
  /** provider account or operator address; default: the cheapest that fits */
  provider?: string
  /** escrow in base units; default DEFAULT_DEPOSIT_SECONDS at the provider's price */
  deposit?: bigint
  wait: boolean
}

export interface RunResult {
  kind: 'job-run'
  /** the job id: the node keys jobs by lease */
  lease: string
  name: string
  provider: string
  operator: string
  pricePerSecond: bigint
  deposit: bigint
  signature: string
  /** 'submitted' without --wait; the job's state once --wait returns */
  state: 'submitted' | JobView['state']
  endpoint: string | null
}

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

async function namedOffer(
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

export async function run(options: RunOptions, deps: Deps): Promise<RunResult> {
  const spec = await readSpec(options.spec)
  const req = requirementOf(spec)
  const cap = BigInt(spec.priceCap.perSecond)
  const market = deps.market()
  const consumer = await deps.wallet()
  const node = await deps.p2p('wallet')

  const offer =
    options.provider !== undefined
      ? await namedOffer(node, deps, market, options.provider, req, cap)
      : await findOffers(node, deps.client, market, discoveryFilters(spec)).then(({ offers, rejected }) =>
          chooseOffer(offers, req, cap, rejected),
        )
  const deposit = depositFor(offer.pricePerSecond, options.deposit)
  deps.progress(`opening a lease with ${offer.operator} at ${offer.pricePerSecond}/s, deposit ${deposit}`)
  const { signature, lease } = await deps.client.openLease({
    consumer,
    provider: new PublicKey(offer.provider),
    jobSpecHash: jobSpecHash(spec),
    maxPricePerSecond: cap,
    deposit,
  })
  const leaseId = lease.toBase58()
  deps.progress(`opened lease ${leaseId}`)
  const base = {
    kind: 'job-run',
    lease: leaseId,
    name: spec.name,
    provider: offer.provider,
    operator: offer.operator,
    pricePerSecond: offer.pricePerSecond,
    deposit,
    signature,
  } as const

  deps.progress(`submitting ${spec.name} to ${offer.operator}`)
  await submit(node, deps, offer.operator, lease, spec)
  if (!options.wait) return { ...base, state: 'submitted', endpoint: null }

  const { operator, job } = await waitHealthy({
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
    sleep: (ms) => deps.sleep(ms),
    now: deps.now,
    timeoutMs: (spec.health.readyTimeoutSec + WAIT_MARGIN_SEC) * 1_000,
    pollMs: STATUS_POLL_MS,
  })
  return { ...base, operator, state: job.state, endpoint: job.endpoint }
}

/** Submits the spec; a provider that declines gets its lease closed so the deposit comes back. */
async function submit(node: SynktiNode, deps: Deps, operator: string, lease: PublicKey, spec: JobSpec): Promise<void> {
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

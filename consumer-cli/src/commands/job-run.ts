/**
 * `synkti job run spec.yaml`: validate the spec, pick a provider that fits it within the price
 * cap (or check the one given), open the lease with the escrow and the spec's hash, submit the
 * spec to the provider over P2P (it accepts the lease on chain itself), and with --wait follow
 * the job until it is healthy. Nothing is lost on the way: a provider that declines gets the
 * lease closed again (the deposit comes back), any other failure names the open lease, and so
 * does Ctrl-C (InterruptedError, exit 130, with the command that ends the lease).
 */
import type { JobView } from '@synkti/jobs'
import { fetchMarketNamed } from '../chain.js'
import type { Deps } from '../context.js'
import { InterruptedError } from '../errors.js'
import { interruption } from '../interrupt.js'
import { followUntilHealthy, openLeaseFor, pickOffer, submitJob } from '../launch.js'
import { readSpec } from '../spec.js'

// kept here too: other commands and tests know them as job run's
export { depositFor, discoveryFilters } from '../launch.js'

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

export async function run(options: RunOptions, deps: Deps): Promise<RunResult> {
  // what an interrupt would leave behind, kept current step by step
  let step = 'choosing a provider'
  let lease: string | null = null
  let leaseInFlight = false
  const interrupt = interruption((signal) => new InterruptedError(signal, step, lease, leaseInFlight))
  try {
    const spec = await interrupt.race(readSpec(options.spec))
    const market = deps.market()
    const consumer = await interrupt.race(deps.wallet())
    await interrupt.race(fetchMarketNamed(deps.client, market))
    const node = await interrupt.race(deps.p2p('wallet'))

    const offer = await interrupt.race(
      pickOffer(node, deps, market, spec, {
        ...(options.provider !== undefined ? { provider: options.provider } : {}),
      }),
    )
    step = `opening a lease with ${offer.operator}`
    leaseInFlight = true
    const opened = await interrupt.race(
      openLeaseFor(deps, consumer, offer, spec, {
        ...(options.deposit !== undefined ? { deposit: options.deposit } : {}),
      }),
    )
    lease = opened.lease.toBase58()
    const base = {
      kind: 'job-run',
      lease,
      name: spec.name,
      provider: offer.provider,
      operator: offer.operator,
      pricePerSecond: offer.pricePerSecond,
      deposit: opened.deposit,
      signature: opened.signature,
    } as const

    step = `submitting ${spec.name} to ${offer.operator}`
    await interrupt.race(submitJob(node, deps, offer.operator, opened.lease, spec))
    if (!options.wait) return { ...base, state: 'submitted', endpoint: null }

    step = `waiting for ${spec.name} to become healthy`
    const { operator, job } = await interrupt.race(followUntilHealthy(node, deps, opened.lease, spec, interrupt.signal))
    return { ...base, operator, state: job.state, endpoint: job.endpoint }
  } finally {
    interrupt.dispose()
  }
}

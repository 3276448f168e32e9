/**
 * `synkti job run spec.yaml`: validate the spec, pick a provider that fits it within the price
 * cap (or check the one given), open the lease with the escrow and the spec's hash, submit the
 * spec to the provider over P2P (it accepts the lease on chain itself), and with --wait follow
 * the job until it is healthy. Nothing is lost on the way: a provider that declines gets the
 * lease closed again (the deposit comes back), any other failure names the open lease.
 */
import type { JobView } from '@synkti/jobs'
import type { Deps } from '../context.js'
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
  const spec = await readSpec(options.spec)
  const market = deps.market()
  const consumer = await deps.wallet()
  const node = await deps.p2p('wallet')

  const offer = await pickOffer(node, deps, market, spec, {
    ...(options.provider !== undefined ? { provider: options.provider } : {}),
  })
  const { lease, signature, deposit } = await openLeaseFor(deps, consumer, offer, spec, {
    ...(options.deposit !== undefined ? { deposit: options.deposit } : {}),
  })
  const base = {
    kind: 'job-run',
    lease: lease.toBase58(),
    name: spec.name,
    provider: offer.provider,
    operator: offer.operator,
    pricePerSecond: offer.pricePerSecond,
    deposit,
    signature,
  } as const

  await submitJob(node, deps, offer.operator, lease, spec)
  if (!options.wait) return { ...base, state: 'submitted', endpoint: null }

  const { operator, job } = await followUntilHealthy(node, deps, lease, spec)
  return { ...base, operator, state: job.state, endpoint: job.endpoint }
}

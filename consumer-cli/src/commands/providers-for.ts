/**
 * `synkti providers --for spec.yaml`: every provider found, and whether it could take this job;
 * when not, each reason (the ones `job run` would pass it over for, and the chain's stake rule).
 */
import { requirementOf } from '@synkti/jobs'
import { fetchMarketNamed } from '../chain.js'
import type { Deps } from '../context.js'
import { assessFits, type ProviderFit } from '../fit.js'
import { findOffers } from '../offers.js'
import { readSpec } from '../spec.js'
import { discoveryFilters } from './job-run.js'

export interface FitOptions {
  spec: string
  minStake?: bigint
}

export interface ProviderFitResult {
  kind: 'provider-fit'
  market: string
  spec: string
  name: string
  /** the spec's price cap per second */
  cap: bigint
  marketMinStake: bigint
  minStake: bigint | null
  providers: ProviderFit[]
}

export async function run(options: FitOptions, deps: Deps): Promise<ProviderFitResult> {
  const spec = await readSpec(options.spec)
  const market = deps.market()
  const account = await fetchMarketNamed(deps.client, market)
  const node = await deps.p2p()
  const found = await findOffers(node, deps.client, market, discoveryFilters(spec))
  const cap = BigInt(spec.priceCap.perSecond)
  const providers = assessFits(found, {
    req: requirementOf(spec),
    cap,
    marketMinStake: account.minStake,
    ...(options.minStake !== undefined ? { minStake: options.minStake } : {}),
  })
  return {
    kind: 'provider-fit',
    market: market.toBase58(),
    spec: options.spec,
    name: spec.name,
    cap,
    marketMinStake: account.minStake,
    minStake: options.minStake ?? null,
    providers,
  }
}

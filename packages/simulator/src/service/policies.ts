import type { Strategy } from '@synkti/planner'
import { UnknownPolicyError } from '../errors.js'

/**
 * Policies for a service of N replicas on a trace-driven fleet. `planned` policies place every
 * replica through the planner and differ in which markets they may use, whether replicas on
 * on-demand (or a dear spot pool) are offered cheaper spot slots as they appear (return to spot),
 * whether the cost of a slot counts the replicas its zone already holds (spread), and whether
 * the preemption risk comes from the hazard learnt from observed history (prognostics).
 * `spothedge` is the SpotHedge baseline (SkyServe, EuroSys '25) as this simulator models it.
 */
export type ServicePolicyName =
  | 'on-demand'
  | 'spot-only'
  | 'best-zone'
  | 'naive'
  | 'greedy'
  | 'km'
  | 'km-return'
  | 'km-return-spread'
  | 'km-return-spread-prognostics'
  | 'spothedge'

/** Which markets a planned policy may place replicas on. */
export type Markets = 'on-demand' | 'spot' | 'spot-then-on-demand'

export type ServicePolicy =
  | {
      kind: 'planned'
      name: ServicePolicyName
      label: string
      strategy: Strategy
      markets: Markets
      /** 'best': only the zone with the most spot availability over the run (chosen in hindsight) */
      zones: 'all' | 'best'
      returnToSpot: boolean
      spread: boolean
      prognostics: boolean
    }
  | {
      kind: 'spothedge'
      name: ServicePolicyName
      label: string
    }

const planned = (
  name: ServicePolicyName,
  label: string,
  p: Partial<Omit<Extract<ServicePolicy, { kind: 'planned' }>, 'kind' | 'name' | 'label'>>,
): ServicePolicy => ({
  kind: 'planned',
  name,
  label,
  strategy: 'optimal',
  markets: 'spot-then-on-demand',
  zones: 'all',
  returnToSpot: false,
  spread: false,
  prognostics: false,
  ...p,
})

export const SERVICE_POLICIES: readonly ServicePolicy[] = [
  planned('on-demand', 'on-demand only', { markets: 'on-demand' }),
  planned('spot-only', 'spot only (spread, no fallback)', { markets: 'spot', spread: true }),
  planned('best-zone', 'best single zone (+ on-demand, return)', { zones: 'best', returnToSpot: true }),
  planned('naive', 'naive (first feasible), as built', { strategy: 'naive' }),
  planned('greedy', 'greedy (cheapest feasible), as built', { strategy: 'greedy' }),
  planned('km', 'KM, as built', {}),
  planned('km-return', 'KM + return to spot', { returnToSpot: true }),
  planned('km-return-spread', 'KM + return + spread', { returnToSpot: true, spread: true }),
  planned('km-return-spread-prognostics', 'KM + return + spread + prognostics', {
    returnToSpot: true,
    spread: true,
    prognostics: true,
  }),
  { kind: 'spothedge', name: 'spothedge', label: 'SpotHedge-style (spread, +1 spot, on-demand fallback)' },
]

export function servicePolicyByName(name: string): ServicePolicy {
  const p = SERVICE_POLICIES.find((x) => x.name === name)
  if (p === undefined) throw new UnknownPolicyError(name)
  return p
}

import type { Strategy } from '@synkti/planner'
import { UnknownPolicyError } from './errors.js'

/**
 * The policies compared. All of them place jobs through the planner package; they differ in
 * the strategy (optimal assignment, greedy or naive baseline), in the candidates they accept,
 * and in whether they use the prognostics package's hazard estimator.
 */
export type PolicyName = 'on-demand' | 'naive' | 'greedy' | 'km' | 'km-prognostics'

export interface Policy {
  name: PolicyName
  label: string
  strategy: Strategy
  /** only on-demand and provider machines: never preempted */
  onDemandOnly: boolean
  /** risk from the hazard estimator, pre-warmed spares for jobs at risk */
  prognostics: boolean
}

export const POLICIES: readonly Policy[] = [
  { name: 'on-demand', label: 'on-demand only', strategy: 'optimal', onDemandOnly: true, prognostics: false },
  { name: 'naive', label: 'naive (first feasible)', strategy: 'naive', onDemandOnly: false, prognostics: false },
  { name: 'greedy', label: 'greedy (cheapest feasible)', strategy: 'greedy', onDemandOnly: false, prognostics: false },
  { name: 'km', label: 'KM (optimal assignment)', strategy: 'optimal', onDemandOnly: false, prognostics: false },
  {
    name: 'km-prognostics',
    label: 'KM + prognostics',
    strategy: 'optimal',
    onDemandOnly: false,
    prognostics: true,
  },
]

export function policyByName(name: string): Policy {
  const p = POLICIES.find((x) => x.name === name)
  if (p === undefined) throw new UnknownPolicyError(name)
  return p
}

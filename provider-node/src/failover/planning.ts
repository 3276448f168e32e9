import { type CostBreakdown, type Planner, type Risk, seconds, type UnplacedReason } from '@synkti/planner'
import type { FailoverCandidate, FailoverJob, FailoverTarget } from './phases.js'

/** The planner's answer for one displaced job. */
export type PlanChoice = { ok: true; target: FailoverTarget; cost: CostBreakdown } | { ok: false; detail: string }

/**
 * The `plan` effect backed by the planner: the one job against every candidate, costed with
 * `risk` (the prognostics' preemption estimate and the zones being preempted right now).
 */
export function planWith(
  planner: Planner,
  risk?: Risk,
): (job: FailoverJob, candidates: readonly FailoverCandidate[]) => PlanChoice {
  return (job, candidates) => {
    // Slots are keyed by operator, so the placement names the target directly.
    const slots = candidates.map((c) => ({ ...c.slot, id: c.target.operator }))
    const plan = planner.plan({
      jobs: [{ id: job.jobId, requirement: job.requirement, expectedDuration: seconds(job.expectedDurationSec) }],
      slots,
      ...(risk === undefined ? {} : { risk }),
    })
    const placed = plan.placements[0]
    const chosen = placed && candidates.find((c) => c.target.operator === placed.slotId)
    if (placed && chosen) return { ok: true, target: chosen.target, cost: placed.cost }
    return { ok: false, detail: describeUnplaced(plan.unplaced[0]?.reason) }
  }
}

function describeUnplaced(reason: UnplacedReason | undefined): string {
  if (reason === undefined) return 'no placement'
  if (reason.kind === 'outcompeted') return `outcompeted on ${reason.feasibleSlots} feasible slots`
  const rules = Object.entries(reason.byRule).map(([rule, n]) => `${rule}×${n}`)
  return `no feasible slot (${rules.join(', ') || 'no slots'})`
}

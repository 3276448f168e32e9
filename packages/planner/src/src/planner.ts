import { type Assignment, solveAssignment } from './assignment.js'
import { greedyAssignment, naiveAssignment } from './baselines.js'
import { type InfeasibleKind, type InfeasibleReason, validateCapability, validateRequirement } from './capability.js'
import { DEFAULT_WEIGHTS } from './constants.js'
import {
  type CostBreakdown,
  type CostWeights,
  candidateCost,
  checkWeights,
  type Job,
  NO_RISK,
  type Risk,
  type Slot,
} from './cost-model.js'
import { DuplicateIdError, InvalidJobError, InvalidSlotError } from './errors.js'
import type { Usd } from './units.js'

export type Strategy = 'optimal' | 'greedy' | 'naive'

/** Why a job was not placed. */
export type UnplacedReason =
  /** no slot fits the job; `byRule` counts the first failing rule over all slots */
  | { kind: 'no-feasible-slot'; byRule: Partial<Record<InfeasibleKind, number>>; example?: InfeasibleReason }
  /** feasible slots exist but the plan gives all of them to other jobs */
  | { kind: 'outcompeted'; feasibleSlots: number }

export interface Placement {
  jobId: string
  slotId: string
  cost: CostBreakdown
}

export interface Plan {
  strategy: Strategy
  placements: Placement[]
  totalCost: Usd
  unplaced: { jobId: string; reason: UnplacedReason }[]
}

export interface PlannerInit {
  weights?: Partial<CostWeights>
}

export interface PlanRequest {
  jobs: readonly Job[]
  slots: readonly Slot[]
  risk?: Risk
  strategy?: Strategy
}

export interface Planner {
  readonly weights: CostWeights
  plan(request: PlanRequest): Plan
}

/**
 * Builds the cost matrix of jobs × slots from `fits` and the cost model, then solves it with
 * the chosen strategy. Jobs are rows in the order given (their arrival order, which the
 * baselines follow).
 */
export function createPlanner(init: PlannerInit = {}): Planner {
  const weights = checkWeights({ ...DEFAULT_WEIGHTS, ...init.weights })
  return {
    weights,
    plan({ jobs, slots, risk = NO_RISK, strategy = 'optimal' }) {
      checkInputs(jobs, slots)
      const rows = jobs.length
      const cols = slots.length
      const data = new Float64Array(rows * cols)
      const breakdown: (CostBreakdown | undefined)[] = new Array(rows * cols)
      const reasons: InfeasibleReason[][] = jobs.map(() => [])
      jobs.forEach((job, i) => {
        slots.forEach((slot, j) => {
          const c = candidateCost(job, slot, risk, weights)
          if (c.ok) {
            data[i * cols + j] = c.cost.total
            breakdown[i * cols + j] = c.cost
          } else {
            data[i * cols + j] = Number.POSITIVE_INFINITY
            reasons[i]!.push(c.reason)
          }
        })
      })
      const matrix = { rows, cols, data }
      const solved: Assignment =
        strategy === 'optimal'
          ? solveAssignment(matrix)
          : strategy === 'greedy'
            ? greedyAssignment(matrix)
            : naiveAssignment(matrix)
      const placements = solved.pairs.map((p) => ({
        jobId: jobs[p.row]!.id,
        slotId: slots[p.col]!.id,
        cost: breakdown[p.row * cols + p.col]!,
      }))
      const unplaced = solved.unassigned.map(({ row, cause }) => ({
        jobId: jobs[row]!.id,
        reason:
          cause.kind === 'outcompeted'
            ? ({ kind: 'outcompeted', feasibleSlots: cause.feasibleColumns } as const)
            : noFeasibleSlot(reasons[row]!),
      }))
      return { strategy, placements, totalCost: solved.total as Usd, unplaced }
    },
  }
}

function noFeasibleSlot(reasons: InfeasibleReason[]): UnplacedReason {
  const byRule: Partial<Record<InfeasibleKind, number>> = {}
  for (const r of reasons) byRule[r.kind] = (byRule[r.kind] ?? 0) + 1
  const example = reasons[0]
  return example === undefined ? { kind: 'no-feasible-slot', byRule } : { kind: 'no-feasible-slot', byRule, example }
}

function checkInputs(jobs: readonly Job[], slots: readonly Slot[]) {
  const seen = new Set<string>()
  for (const job of jobs) {
    if (seen.has(job.id)) throw new DuplicateIdError(job.id)
    seen.add(job.id)
    validateRequirement(job.requirement)
    if (!(Number.isFinite(job.expectedDuration) && job.expectedDuration >= 0)) {
      throw new InvalidJobError(job.id, 'expectedDuration')
    }
  }
  seen.clear()
  for (const slot of slots) {
    if (seen.has(slot.id)) throw new DuplicateIdError(slot.id)
    seen.add(slot.id)
    validateCapability(slot.capability)
    if (!(slot.bandwidth > 0 && Number.isFinite(slot.bandwidth))) throw new InvalidSlotError(slot.id, 'bandwidth')
    for (const f of ['price', 'latency'] as const) {
      if (!(slot[f] >= 0 && Number.isFinite(slot[f]))) throw new InvalidSlotError(slot.id, f)
    }
    if (!(slot.load >= 0 && slot.load <= 1)) throw new InvalidSlotError(slot.id, 'load')
  }
}

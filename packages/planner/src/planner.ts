import { type Assignment, solveAssignment } from './assignment.js'
import { greedyAssignment, naiveAssignment } from './baselines.js'
import {
  fits,
  type InfeasibleKind,
  type InfeasibleReason,
  validateCapability,
  validateRequirement,
} from './capability.js'
import { DEFAULT_WEIGHTS } from './constants.js'
import {
  type CostBreakdown,
  type CostWeights,
  checkWeights,
  costAtRisk,
  effectiveRisk,
  type Job,
  NO_RISK,
  type Risk,
  type Slot,
} from './cost-model.js'
import { DuplicateIdError, InvalidJobError, InvalidSlotError } from './errors.js'
import type { Fraction, Usd } from './units.js'

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
      const { data, riskAt, refusals } = priceAll(jobs, slots, risk, weights)
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
        cost: costAtRisk(jobs[p.row]!, slots[p.col]!, riskAt[p.row * cols + p.col]! as Fraction, weights),
      }))
      const unplaced = solved.unassigned.map(({ row, cause }) => ({
        jobId: jobs[row]!.id,
        reason:
          cause.kind === 'outcompeted'
            ? ({ kind: 'outcompeted', feasibleSlots: cause.feasibleColumns } as const)
            : noFeasibleSlot(refusals[row]),
      }))
      return { strategy, placements, totalCost: solved.total as Usd, unplaced }
    },
  }
}

/** Why the slots refused one job: the first failing rule of each slot, counted, and the first refusal. */
interface Refusals {
  byRule: Partial<Record<InfeasibleKind, number>>
  example: InfeasibleReason
}

/**
 * The cost matrix of jobs × slots, and what the plan needs afterwards: the risk each priced pair
 * used (a placement's breakdown is rebuilt from it) and per job the refusals. Nothing per pair is
 * kept as an object: at 1,500 × 1,000 pairs, keeping 1.5 million breakdowns and reasons alive
 * cost more garbage collection than the assignment itself.
 */
function priceAll(jobs: readonly Job[], slots: readonly Slot[], risk: Risk, weights: CostWeights) {
  const cols = slots.length
  const data = new Float64Array(jobs.length * cols)
  const riskAt = new Float64Array(jobs.length * cols)
  const refusals: (Refusals | undefined)[] = new Array(jobs.length)
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!
    let refused: Refusals | undefined
    for (let j = 0, k = i * cols; j < cols; j++, k++) {
      const slot = slots[j]!
      const fit = fits(job.requirement, slot.capability)
      if (!fit.ok) {
        data[k] = Number.POSITIVE_INFINITY
        refused ??= { byRule: {}, example: fit.reason }
        refused.byRule[fit.reason.kind] = (refused.byRule[fit.reason.kind] ?? 0) + 1
        continue
      }
      const p = effectiveRisk(slot, job.expectedDuration, risk, weights)
      riskAt[k] = p
      data[k] = costAtRisk(job, slot, p, weights).total
    }
    refusals[i] = refused
  }
  return { data, riskAt, refusals }
}

function noFeasibleSlot(refused: Refusals | undefined): UnplacedReason {
  return refused === undefined
    ? { kind: 'no-feasible-slot', byRule: {} }
    : { kind: 'no-feasible-slot', byRule: refused.byRule, example: refused.example }
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

import type { Assignment } from './assignment.js'
import { at, type CostMatrix, checkedMatrix, feasibleCount } from './matrix.js'

/**
 * The baselines the optimal assignment is measured against. Both take rows in arrival order and
 * never revisit a choice; they differ only in which free feasible column a row takes.
 */
export type BaselinePick = 'first' | 'cheapest'

function sequential(input: CostMatrix, pick: BaselinePick): Assignment {
  const m = checkedMatrix(input)
  const taken = new Uint8Array(m.cols)
  const out: Assignment = { pairs: [], total: 0, unassigned: [] }
  for (let i = 0; i < m.rows; i++) {
    let best = -1
    for (let j = 0; j < m.cols; j++) {
      if (taken[j] === 1 || at(m, i, j) === Number.POSITIVE_INFINITY) continue
      if (best === -1 || at(m, i, j) < at(m, i, best)) best = j
      if (pick === 'first') break
    }
    if (best >= 0) {
      taken[best] = 1
      out.pairs.push({ row: i, col: best, cost: at(m, i, best) })
      out.total += at(m, i, best)
    } else {
      const feasibleColumns = feasibleCount(m, i)
      out.unassigned.push({
        row: i,
        cause: feasibleColumns === 0 ? { kind: 'no-feasible-column' } : { kind: 'outcompeted', feasibleColumns },
      })
    }
  }
  return out
}

/** Naive: each row takes the first free feasible column. */
export const naiveAssignment = (m: CostMatrix): Assignment => sequential(m, 'first')
/** Greedy: each row takes the cheapest free feasible column. */
export const greedyAssignment = (m: CostMatrix): Assignment => sequential(m, 'cheapest')

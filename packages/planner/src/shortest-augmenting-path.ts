/**
 * Rectangular linear assignment by shortest augmenting paths: which starting point, which
 * searches, and when to change method. The pieces:
 *
 * - square problems (and nearly square ones, padded) start from Jonker–Volgenant column
 *   reduction, run the searches on each row's few cheapest columns (sparse-core.ts) and finish
 *   with dense searches (dense-search.ts);
 * - other rectangular problems start from row reduction and the auction-like row reduction
 *   (starts.ts), which keep the free columns' duals at zero as a rectangular optimum needs;
 * - when the dense searches need far more row scans than usual (costs like price × duration,
 *   where every row walks past every earlier one), the problem is padded to square if needed and
 *   restarted from auction prices (auction.ts).
 *
 * Each of these only decides how much work the exact searches have left; the searches and their
 * duals decide the optimum.
 */

import { auctionPrices } from './auction.js'
import { DenseSearch, UNPLACED, unplacedPrice } from './dense-search.js'
import { MatrixShapeError } from './errors.js'
import { augmentOnCore, buildCore, repairAgainstDense } from './sparse-core.js'
import {
  augmentingRowReduction,
  type ColumnMinima,
  columnReductionStart,
  FREE,
  rowReductionStart,
  type SearchState,
} from './starts.js'

export { UNPLACED }

/** Columns in each row's core in the square path: enough that the core usually holds the optimum. */
const CORE_SIZE = 8
/** Free rows after the column reduction from which the core pays for itself. */
const CORE_MIN_FREE_ROWS = 40
/** A rectangular problem this close to square is padded and solved by the square path. */
const NEAR_SQUARE = 1 / 16
/** Work cap of the augmenting row reduction, in row scans per row. */
const ROW_REDUCTION_SCANS = 4
/**
 * Row scans per row of the dense searches after which the problem counts as hard for them. On
 * random, tied, all-equal and partly forbidden matrices they need less than one; costs with
 * price × duration structure need about half the number of rows.
 */
const SCAN_BUDGET = 4
/** Bids per row the auction may spend on prices. */
const AUCTION_BIDS = 256

export interface SolveHints {
  /** a rectangular-safe starting point for this problem (see starts.ts) */
  start?: SearchState
  /** the column minima, when the caller has them already */
  columnMinima?: ColumnMinima
}

/**
 * Minimum-cost assignment of every row of a rows × cols row-major matrix (rows ≤ cols), with
 * +Infinity for forbidden pairs. The objective is lexicographic: as many rows placed as
 * possible, then the least total cost. Returns the column of each row, or UNPLACED.
 * Costs must be finite or +Infinity (the caller checks).
 */
export function shortestAugmentingPath(
  cost: Float64Array,
  rows: number,
  cols: number,
  hints: SolveHints = {},
): Int32Array {
  if (rows > cols) throw new MatrixShapeError('shortestAugmentingPath needs rows <= cols; transpose the matrix')
  if (cost.length !== rows * cols) throw new MatrixShapeError('cost matrix data length must be rows × cols')
  if (rows === 0) return new Int32Array(0)
  if (cols - rows <= rows * NEAR_SQUARE) {
    const square = solveSquare(rows === cols ? cost : padToSquare(cost, rows, cols), cols, hints.columnMinima)
    if (square !== undefined) return square.slice(0, rows)
  } else {
    const state = hints.start ?? rowReductionStart(newState(cost, rows, cols))
    augmentingRowReduction(state, 2, ROW_REDUCTION_SCANS * rows)
    const outcome = searchFreeRows(state, SCAN_BUDGET * rows)
    if (outcome === 'placed') return state.colOfRow
    // The searches so far are valid; the rest goes on with private columns from where they stopped.
    if (outcome === 'stuck') return completeWithUnplaced(state)
    const square = solveSquare(padToSquare(cost, rows, cols), cols, undefined, true)
    if (square !== undefined) return square.slice(0, rows)
  }
  // Some rows cannot be placed (Hall's condition fails) and the square method's state does not
  // allow that: the rectangular method with private "unplaced" columns, from a fresh start.
  const state = rowReductionStart(newState(cost, rows, cols))
  augmentingRowReduction(state, 2, ROW_REDUCTION_SCANS * rows)
  return completeWithUnplaced(state)
}

/**
 * Square problems where every row can be placed: Jonker–Volgenant column reduction, then the
 * searches on each row's core, then the dense searches for what the core got wrong; or, for a
 * problem known or found to be hard for the searches, auction prices first. Returns undefined
 * when some row cannot be placed.
 */
function solveSquare(cost: Float64Array, n: number, minima?: ColumnMinima, hard = false): Int32Array | undefined {
  if (!hard) {
    const state = columnReductionStart(newState(cost, n, n), minima)
    let free = 0
    for (let i = 0; i < n; i++) if (state.colOfRow[i] === FREE) free++
    if (free === 0) return state.colOfRow
    // Building the core and checking it against the whole matrix costs about three passes over
    // the data; below some tens of free rows the dense searches alone are cheaper (measured).
    if (free >= CORE_MIN_FREE_ROWS) {
      augmentOnCore(state, buildCore(state, Math.min(CORE_SIZE, n)))
      repairAgainstDense(state)
    } else {
      // A few free rows: let them bid for columns first (cheap), the searches then have less to do.
      augmentingRowReduction(state, 2, n)
    }
    const outcome = searchFreeRows(state, SCAN_BUDGET * n)
    if (outcome === 'placed') return state.colOfRow
    if (outcome === 'stuck') return undefined
  }
  // In a square problem any prices make a valid start: every column ends up matched.
  const state = newState(cost, n, n)
  auctionPrices(cost, n, n, state.v, AUCTION_BIDS * n)
  rowReductionStart(state)
  return searchFreeRows(state, Number.POSITIVE_INFINITY) === 'placed' ? state.colOfRow : undefined
}

/**
 * Dense searches for every free row, in row order. 'stuck': a row reached no free column
 * (Hall's condition fails); 'hard': the scans went over the budget. Both leave the state to be
 * thrown away.
 */
function searchFreeRows(state: SearchState, budget: number): 'placed' | 'stuck' | 'hard' {
  const search = new DenseSearch(state)
  for (let row = 0; row < state.rows; row++) {
    if (state.colOfRow[row] !== FREE) continue
    if (!search.run(row)) return 'stuck'
    if (search.scans > budget) return 'hard'
  }
  return 'placed'
}

/** Rows of one constant cost added below: every full assignment pays the same for them. */
function padToSquare(cost: Float64Array, rows: number, cols: number): Float64Array {
  let highest = 0
  for (let k = 0; k < cost.length; k++) {
    const c = cost[k]!
    if (c > highest && c < Number.POSITIVE_INFINITY) highest = c
  }
  const square = new Float64Array(cols * cols)
  square.set(cost)
  // Above every real cost, so the padding never wins a column minimum of the column reduction.
  square.fill(highest + 1, rows * cols)
  return square
}

/** Dense searches for the free rows; when Hall's condition fails, rows may stay unplaced. */
function completeWithUnplaced(state: SearchState): Int32Array {
  const { cost, rows, cols, colOfRow, u } = state
  const free: number[] = []
  for (let row = 0; row < rows; row++) if (colOfRow[row] === FREE) free.push(row)
  const search = new DenseSearch(state)
  for (const row of free) {
    if (search.run(row)) continue
    // No free column is reachable from this row: some rows must stay unplaced. From here on
    // every row has its private column; the search that failed changed nothing, so run it again.
    search.allowUnplaced(unplacedPrice(cost, rows, cols, u))
    search.run(row)
  }
  return colOfRow
}

export function newState(cost: Float64Array, rows: number, cols: number): SearchState {
  return {
    cost,
    rows,
    cols,
    u: new Float64Array(rows),
    v: new Float64Array(cols),
    colOfRow: new Int32Array(rows).fill(FREE),
    rowOfCol: new Int32Array(cols).fill(FREE),
  }
}

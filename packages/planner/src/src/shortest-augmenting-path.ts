/**
 * Rectangular linear assignment by shortest augmenting paths (the Jonker–Volgenant family, in
 * the form Crouse describes in "On implementing 2D rectangular assignment algorithms", 2016).
 *
 * Rows are added one at a time. Each row starts a Dijkstra search over the columns on reduced
 * costs c(i,j) − u(i) − v(j) ≥ 0, stops at the nearest free column and flips the path. The duals
 * (u, v) certify after every row that the matching is the cheapest one of the rows so far, so the
 * last one is optimal. Three details keep it free of slow corners:
 *
 * - the columns not yet reached are kept in a compact list, so a search never skips over the
 *   finished ones, and each scanned row costs one pass over that list;
 * - among columns at the same distance a free one wins, so all-equal and integer-tied matrices
 *   end most searches after one row instead of walking long chains of equal-cost swaps;
 * - when a row cannot reach any free column (Hall's condition fails: jobs compete for too few
 *   slots), every row gets a private "unplaced" column priced above any saving. These columns are
 *   never stored: a row's own column is only reachable from that row, so the search keeps the
 *   cheapest one it has seen as one more candidate. Nothing is padded and nothing loops.
 */

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

/** colOfRow value of a row the optimum leaves unplaced (it took its private column). */
export const UNPLACED = -2

/** Columns in each row's core in the square path: enough that the core usually holds the optimum. */
const CORE_SIZE = 8
/** Free rows after the column reduction from which the core pays for itself. */
const CORE_MIN_FREE_ROWS = 40
/** A rectangular problem this close to square is padded and solved by the square path. */
const NEAR_SQUARE = 1 / 16
/** Work cap of the augmenting row reduction, in row scans per row. */
const ROW_REDUCTION_SCANS = 4

/**
 * Minimum-cost assignment of every row of a rows × cols row-major matrix (rows ≤ cols), with
 * +Infinity for forbidden pairs. The objective is lexicographic: as many rows placed as
 * possible, then the least total cost. Returns the column of each row, or UNPLACED.
 * Costs must be finite or +Infinity (the caller checks).
 */
export interface SolveHints {
  /** a rectangular-safe starting point for this problem (see starts.ts) */
  start?: SearchState
  /** the column minima, when the caller has them already */
  columnMinima?: ColumnMinima
}

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
    // The padding rows cost more than any real cell, so they change no column minimum.
    const square =
      rows === cols
        ? solveSquare(cost, cols, hints.columnMinima)
        : solveSquare(padToSquare(cost, rows, cols), cols, hints.columnMinima)
    if (square !== undefined) return rows === cols ? square : square.slice(0, rows)
  }
  const state = hints.start ?? rowReductionStart(newState(cost, rows, cols))
  augmentingRowReduction(state, 2, ROW_REDUCTION_SCANS * rows)
  return completeWithUnplaced(state)
}

/**
 * The fast path for square problems where every row can be placed: Jonker–Volgenant column
 * reduction, then the searches on each row's core, then the dense searches for what the core
 * got wrong. Returns undefined when some row cannot be placed (the caller then uses the
 * rectangular path, whose starting point allows unplaced rows).
 */
function solveSquare(cost: Float64Array, n: number, minima?: ColumnMinima): Int32Array | undefined {
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
  const search = new Search(state)
  for (let row = 0; row < n; row++) {
    if (state.colOfRow[row] === FREE && !search.run(row)) return undefined
  }
  return state.colOfRow
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
  const search = new Search(state)
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

/**
 * The price of leaving a row unplaced. It must exceed the cost of any set of placed rows after
 * shifting all costs by the same amount (so one more placed row always beats any saving), and
 * keep the private columns of the rows already placed dual-feasible (price − u(i) ≥ 0).
 */
function unplacedPrice(cost: Float64Array, rows: number, cols: number, u: Float64Array): number {
  let lowest = Number.POSITIVE_INFINITY
  const highest = new Float64Array(rows).fill(Number.NEGATIVE_INFINITY)
  for (let i = 0; i < rows; i++) {
    for (let k = i * cols, end = k + cols; k < end; k++) {
      const c = cost[k]!
      if (c === Number.POSITIVE_INFINITY) continue
      if (c < lowest) lowest = c
      if (c > highest[i]!) highest[i] = c
    }
  }
  let spread = 0
  for (let i = 0; i < rows; i++) if (highest[i]! > lowest) spread += highest[i]! - lowest
  let price = lowest + spread + Math.max(1, spread * 1e-9)
  for (let i = 0; i < rows; i++) if (u[i]! + 1 > price) price = u[i]! + 1
  return price
}

/**
 * One Dijkstra search from a new row, over the shared state. The columns not yet settled are
 * kept in a compact list, with their distance and v stored alongside in the same order, so the
 * scan of a row reads memory in sequence; only the row's own costs are read by column index.
 */
class Search {
  private readonly cost: Float64Array
  private readonly cols: number
  private readonly u: Float64Array
  private readonly v: Float64Array
  private readonly colOfRow: Int32Array
  private readonly rowOfCol: Int32Array
  /** the row from which each column was reached in the current search */
  private readonly via: Int32Array
  /** unsettled columns (the first `remainingCount`), their distance so far, and their v */
  private readonly remainingCol: Int32Array
  private readonly remainingDist: Float64Array
  private readonly remainingV: Float64Array
  /** rows scanned in this search and the distance at which each was reached */
  private readonly scannedRows: Int32Array
  private readonly scannedDist: Float64Array
  /** columns settled in this search and their final distance */
  private readonly settledCols: Int32Array
  private readonly settledDist: Float64Array
  /** price of a row's private "unplaced" column; +Infinity until some row needs it */
  private unplaced = Number.POSITIVE_INFINITY

  constructor(state: SearchState) {
    const { cost, rows, cols } = state
    this.cost = cost
    this.cols = cols
    this.u = state.u
    this.v = state.v
    this.colOfRow = state.colOfRow
    this.rowOfCol = state.rowOfCol
    this.via = new Int32Array(cols)
    this.remainingCol = new Int32Array(cols)
    this.remainingDist = new Float64Array(cols)
    this.remainingV = new Float64Array(cols)
    this.scannedRows = new Int32Array(rows)
    this.scannedDist = new Float64Array(rows)
    this.settledCols = new Int32Array(cols)
    this.settledDist = new Float64Array(cols)
  }

  allowUnplaced(price: number) {
    this.unplaced = price
  }

  /**
   * Adds `start` to the matching along a shortest augmenting path. Returns false, changing
   * nothing, when no free column can be reached and rows may not yet stay unplaced.
   */
  run(start: number): boolean {
    const { cost, cols, u, v, rowOfCol, colOfRow, via } = this
    const { remainingCol, remainingDist, remainingV, scannedRows, scannedDist, settledCols, settledDist } = this
    const unplaced = this.unplaced
    for (let j = 0; j < cols; j++) {
      remainingCol[j] = j
      remainingV[j] = v[j]!
    }
    remainingDist.fill(Number.POSITIVE_INFINITY)
    let remainingCount = cols
    let scannedCount = 0
    let settledCount = 0
    let reached = 0 // distance of the last settled column: the search's frontier
    let row = start
    let sink = -1
    // the cheapest private column seen, by the row it belongs to
    let unplacedDist = Number.POSITIVE_INFINITY
    let unplacedRow = -1

    while (sink === -1) {
      scannedRows[scannedCount] = row
      scannedDist[scannedCount++] = reached
      const offset = reached - u[row]!
      const base = row * cols
      if (offset + unplaced < unplacedDist) {
        unplacedDist = offset + unplaced
        unplacedRow = row
      }
      let lowest = Number.POSITIVE_INFINITY
      let lowestAt = -1
      for (let k = 0; k < remainingCount; k++) {
        const j = remainingCol[k]!
        let d = remainingDist[k]!
        const r = offset + cost[base + j]! - remainingV[k]!
        if (r < d) {
          remainingDist[k] = r
          via[j] = row
          d = r
        }
        // Ties go to a free column: the search can stop there.
        if (d < lowest || (d === lowest && rowOfCol[j] === FREE)) {
          lowest = d
          lowestAt = k
        }
      }
      if (unplacedDist < lowest) {
        reached = unplacedDist
        break
      }
      if (lowest === Number.POSITIVE_INFINITY) return false
      reached = lowest
      const j = remainingCol[lowestAt]!
      settledCols[settledCount] = j
      settledDist[settledCount++] = lowest
      const last = --remainingCount
      remainingCol[lowestAt] = remainingCol[last]!
      remainingDist[lowestAt] = remainingDist[last]!
      remainingV[lowestAt] = remainingV[last]!
      if (rowOfCol[j] === FREE) sink = j
      else row = rowOfCol[j]!
    }

    // Dual update: every scanned row and settled column moves by how much nearer it was than
    // the end of the path, which keeps all reduced costs ≥ 0 and makes the path's pairs tight.
    u[start]! += reached
    for (let k = 1; k < scannedCount; k++) u[scannedRows[k]!]! += reached - scannedDist[k]!
    for (let k = 0; k < settledCount; k++) v[settledCols[k]!]! -= reached - settledDist[k]!

    // Flip the path. When it ends in a private column, that column's row leaves its real one.
    let col: number
    if (sink === -1) {
      col = colOfRow[unplacedRow]!
      colOfRow[unplacedRow] = UNPLACED
      if (unplacedRow === start) return true
    } else {
      col = sink
    }
    for (;;) {
      const i = via[col]!
      rowOfCol[col] = i
      const previous = colOfRow[i]!
      colOfRow[i] = col
      if (i === start) return true
      col = previous
    }
  }
}

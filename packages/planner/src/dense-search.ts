/**
 * The dense search of the shortest augmenting path method (the Jonker–Volgenant family, in the
 * form Crouse describes in "On implementing 2D rectangular assignment algorithms", 2016): one
 * Dijkstra search over the columns from a new row, on reduced costs c(i,j) − u(i) − v(j) ≥ 0,
 * to the nearest free column, then the path is flipped and the duals updated so that they
 * certify the matching of the rows so far. Two details keep it free of slow corners:
 *
 * - among columns at the same distance a free one wins, so all-equal and integer-tied matrices
 *   end most searches after one row instead of walking long chains of equal-cost swaps;
 * - when a row cannot reach any free column (Hall's condition fails: jobs compete for too few
 *   slots), every row gets a private "unplaced" column priced above any saving. These columns are
 *   never stored: a row's own column is only reachable from that row, so the search keeps the
 *   cheapest one it has seen as one more candidate. Nothing is padded and nothing loops.
 */

import { FREE, type SearchState } from './starts.js'

/** colOfRow value of a row the optimum leaves unplaced (it took its private column). */
export const UNPLACED = -2

/**
 * The price of leaving a row unplaced. It must exceed the cost of any set of placed rows after
 * shifting all costs by the same amount (so one more placed row always beats any saving), and
 * keep the private columns of the rows already placed dual-feasible (price − u(i) ≥ 0).
 */
export function unplacedPrice(cost: Float64Array, rows: number, cols: number, u: Float64Array): number {
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
export class DenseSearch {
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
  /** rows scanned by all searches so far: the measure of how hard the problem is for this method */
  scans = 0

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
      this.scans++
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

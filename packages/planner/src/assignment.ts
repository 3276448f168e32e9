import { type CostMatrix, type CostScan, scanCosts } from './matrix.js'
import { newState, shortestAugmentingPath, UNPLACED } from './shortest-augmenting-path.js'
import { FREE, tightColumnMatch } from './starts.js'

/** Why a row was left without a column. */
export type UnassignedCause =
  /** every column is +Infinity for this row */
  | { kind: 'no-feasible-column' }
  /** feasible columns exist, but a better plan gives all of them to other rows */
  | { kind: 'outcompeted'; feasibleColumns: number }

export interface Assignment {
  /** in row order */
  pairs: { row: number; col: number; cost: number }[]
  /** sum of the pairs' costs; always finite */
  total: number
  /** in row order */
  unassigned: { row: number; cause: UnassignedCause }[]
}

/**
 * Minimum-cost assignment with infeasible pairs. The objective is lexicographic: first place as
 * many rows as possible, then minimise the total cost of the placed ones. Never returns an
 * infeasible pair, never loops on a row without a feasible column, never returns NaN.
 *
 * Rows and columns without any finite cost are set aside first. The rest is solved with the
 * shorter side as rows: the objective and the answer are the same either way, and the solver
 * is fast when rows ≤ cols (a search then rarely has to leave a row unplaced).
 */
export function solveAssignment(input: CostMatrix): Assignment {
  const scan = scanCosts(input)
  const liveRows = live(scan.feasibleInRow)
  const liveCols = live(scan.feasibleInCol)
  const whole = liveRows.length === input.rows && liveCols.length === input.cols
  const cost = whole ? input.data : compact(input, liveRows, liveCols)
  const colOfLiveRow =
    liveRows.length <= liveCols.length
      ? shortestAugmentingPath(cost, liveRows.length, liveCols.length)
      : solveTall(cost, liveRows, liveCols, scan)

  const colOfRow = new Int32Array(input.rows).fill(UNPLACED)
  for (let r = 0; r < liveRows.length; r++) {
    const c = colOfLiveRow[r]!
    if (c >= 0) colOfRow[liveRows[r]!] = liveCols[c]!
  }
  const pairs: Assignment['pairs'] = []
  const unassigned: Assignment['unassigned'] = []
  let total = 0
  for (let row = 0; row < input.rows; row++) {
    const col = colOfRow[row]!
    if (col !== UNPLACED) {
      const c = input.data[row * input.cols + col]!
      pairs.push({ row, col, cost: c })
      total += c
      continue
    }
    const feasibleColumns = scan.feasibleInRow[row]!
    unassigned.push({
      row,
      cause: feasibleColumns === 0 ? { kind: 'no-feasible-column' } : { kind: 'outcompeted', feasibleColumns },
    })
  }
  return { pairs, total, unassigned }
}

/**
 * More rows than columns: the columns are the side that gets fully placed, so they become the
 * solver's rows. When every column can take a row at its own minimum (all-equal costs, for one)
 * that is already optimal and the matrix is never transposed. Returns the column of each row.
 */
function solveTall(cost: Float64Array, liveRows: number[], liveCols: number[], scan: CostScan): Int32Array {
  const rows = liveRows.length
  const cols = liveCols.length
  // The scan numbers rows and columns of the whole matrix; a live column's best row is live.
  const liveIndexOfRow = new Int32Array(scan.feasibleInRow.length)
  for (let r = 0; r < rows; r++) liveIndexOfRow[liveRows[r]!] = r
  const colMin = new Float64Array(cols)
  const colArgmin = new Int32Array(cols)
  for (let c = 0; c < cols; c++) {
    colMin[c] = scan.colMin[liveCols[c]!]!
    colArgmin[c] = liveIndexOfRow[scan.colArgmin[liveCols[c]!]!]!
  }
  const { rowOfColumn, matched } = tightColumnMatch(cost, rows, cols, colMin, colArgmin, scan.minimumTies)
  let colOfRowOfTranspose = rowOfColumn
  if (matched < cols) {
    // The tight matching is the row reduction start of the transposed problem: u = column minima, v = 0.
    const state = newState(transpose(cost, rows, cols), cols, rows)
    state.u.set(colMin)
    state.colOfRow.set(rowOfColumn)
    for (let c = 0; c < cols; c++) if (rowOfColumn[c] !== FREE) state.rowOfCol[rowOfColumn[c]!] = c
    colOfRowOfTranspose = shortestAugmentingPath(state.cost, cols, rows, state)
  }
  const colOfRow = new Int32Array(rows).fill(UNPLACED)
  for (let c = 0; c < cols; c++) {
    const r = colOfRowOfTranspose[c]!
    if (r >= 0) colOfRow[r] = c
  }
  return colOfRow
}

function live(feasible: Int32Array): number[] {
  const out: number[] = []
  for (let k = 0; k < feasible.length; k++) if (feasible[k]! > 0) out.push(k)
  return out
}

/** The sub-matrix of the given rows and columns. */
function compact(m: CostMatrix, rows: number[], cols: number[]): Float64Array {
  const out = new Float64Array(rows.length * cols.length)
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r]! * m.cols
    const dst = r * cols.length
    for (let c = 0; c < cols.length; c++) out[dst + c] = m.data[src + cols[c]!]!
  }
  return out
}

function transpose(cost: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) {
    const src = i * cols
    for (let j = 0; j < cols; j++) out[j * rows + i] = cost[src + j]!
  }
  return out
}

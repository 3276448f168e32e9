import { type CostMatrix, type CostScan, scanCosts } from './matrix.js'
import { newState, shortestAugmentingPath, UNPLACED } from './shortest-augmenting-path.js'
import { type ColumnMinima, FREE, tightColumnMatch } from './starts.js'

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
  const liveRows: number[] = []
  for (let i = 0; i < input.rows; i++) if (scan.feasibleInRow[i]! > 0) liveRows.push(i)
  const liveCols: number[] = []
  for (let j = 0; j < input.cols; j++) if (scan.colMin[j]! < Number.POSITIVE_INFINITY) liveCols.push(j)
  const whole = liveRows.length === input.rows && liveCols.length === input.cols
  const cost = whole ? input.data : compact(input, liveRows, liveCols)
  const minima = whole ? { min: scan.colMin, argmin: scan.colArgmin } : liveColumnMinima(scan, liveRows, liveCols)
  const colOfLiveRow =
    liveRows.length <= liveCols.length
      ? shortestAugmentingPath(cost, liveRows.length, liveCols.length, { columnMinima: minima })
      : solveTall(cost, liveRows.length, minima, scan.minimumTies)

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
function solveTall(cost: Float64Array, rows: number, minima: ColumnMinima, minimumTies: number): Int32Array {
  const cols = minima.min.length
  const { rowOfColumn, matched } = tightColumnMatch(cost, rows, cols, minima, minimumTies)
  let rowOfCol = rowOfColumn
  if (matched < cols) {
    // The tight matching is the row reduction start of the transposed problem: u = column minima, v = 0.
    const start = newState(transpose(cost, rows, cols), cols, rows)
    start.u.set(minima.min)
    start.colOfRow.set(rowOfColumn)
    for (let c = 0; c < cols; c++) if (rowOfColumn[c] !== FREE) start.rowOfCol[rowOfColumn[c]!] = c
    rowOfCol = shortestAugmentingPath(start.cost, cols, rows, { start })
  }
  const colOfRow = new Int32Array(rows).fill(UNPLACED)
  for (let c = 0; c < cols; c++) {
    const r = rowOfCol[c]!
    if (r >= 0) colOfRow[r] = c
  }
  return colOfRow
}

/** The scan's column minima for the live columns, with their rows numbered among the live rows. */
function liveColumnMinima(scan: CostScan, liveRows: number[], liveCols: number[]): ColumnMinima {
  const liveIndexOfRow = new Int32Array(scan.feasibleInRow.length)
  for (let r = 0; r < liveRows.length; r++) liveIndexOfRow[liveRows[r]!] = r
  const min = new Float64Array(liveCols.length)
  const argmin = new Int32Array(liveCols.length)
  for (let c = 0; c < liveCols.length; c++) {
    min[c] = scan.colMin[liveCols[c]!]!
    // a live column's least cost is finite, so the row that has it is live
    argmin[c] = liveIndexOfRow[scan.colArgmin[liveCols[c]!]!]!
  }
  return { min, argmin }
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

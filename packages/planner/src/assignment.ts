import { munkres } from 'munkres'
import { at, type CostMatrix, checkedMatrix, feasibleCount } from './matrix.js'
import { shortestAugmentingPath } from './sap.js'

/** Why a row was left without a column. */
export type UnassignedCause =
  /** every column is +Infinity for this row */
  | { kind: 'no-feasible-column' }
  /** feasible columns exist, but a better plan gives all of them to other rows */
  | { kind: 'outcompeted'; feasibleColumns: number }

export interface Assignment {
  pairs: { row: number; col: number; cost: number }[]
  /** sum of the pairs' costs; always finite */
  total: number
  unassigned: { row: number; cause: UnassignedCause }[]
}

/**
 * 'munkres' is the npm `munkres` package (the fastest correct solver we measured);
 * 'sap' is our shortest augmenting path, kept as an independent second solver to check it.
 */
export type Engine = 'munkres' | 'sap'

export interface SolveOptions {
  engine?: Engine
}

/**
 * Minimum-cost assignment with infeasible pairs. The objective is lexicographic: first place as
 * many rows as possible, then minimise the total cost of the placed ones. Never returns an
 * infeasible pair, never loops on a row without a feasible column, never returns NaN.
 */
export function solveAssignment(input: CostMatrix, options: SolveOptions = {}): Assignment {
  const m = checkedMatrix(input)
  const engine = options.engine ?? 'munkres'
  // Rows with no feasible column are answered up front: no solver needs to look at them.
  const live: number[] = []
  const dead: number[] = []
  const colUsed = new Uint8Array(m.cols)
  for (let i = 0; i < m.rows; i++) {
    let any = false
    for (let j = 0, k = i * m.cols; j < m.cols; j++, k++) {
      if (m.data[k]! < Number.POSITIVE_INFINITY) {
        colUsed[j] = 1
        any = true
      }
    }
    ;(any ? live : dead).push(i)
  }
  const liveCols: number[] = []
  for (let j = 0; j < m.cols; j++) if (colUsed[j] === 1) liveCols.push(j)

  let colOf: Int32Array | undefined
  if (live.length <= liveCols.length) colOf = solveDense(m, live, liveCols, 0, engine)
  // Some rows compete for too few columns (Hall's condition fails): give every row a private
  // "unplaced" column whose price exceeds any saving, so the solver first places as many rows
  // as possible and then minimises cost.
  if (colOf === undefined) colOf = solveDense(m, live, liveCols, unplacedPenalty(m, live, liveCols), engine)!

  const pairs: Assignment['pairs'] = []
  const unassigned: Assignment['unassigned'] = dead.map((row) => ({ row, cause: { kind: 'no-feasible-column' } }))
  live.forEach((row, r) => {
    const c = colOf[r]!
    if (c >= 0 && c < liveCols.length) {
      const col = liveCols[c]!
      pairs.push({ row, col, cost: at(m, row, col) })
    } else {
      unassigned.push({ row, cause: { kind: 'outcompeted', feasibleColumns: feasibleCount(m, row) } })
    }
  })
  unassigned.sort((a, b) => a.row - b.row)
  let total = 0
  for (const p of pairs) total += p.cost
  return { pairs, total, unassigned }
}

/** S + 1 where S bounds the cost of any set of placed rows, after shifting costs to ≥ 0. */
function unplacedPenalty(m: CostMatrix, rows: number[], cols: number[]): number {
  let lo = Number.POSITIVE_INFINITY
  for (const i of rows) for (const j of cols) lo = Math.min(lo, at(m, i, j))
  let bound = 0
  for (const i of rows) {
    let hi = 0
    for (const j of cols) {
      const x = at(m, i, j)
      if (x < Number.POSITIVE_INFINITY) hi = Math.max(hi, x - lo)
    }
    bound += hi
  }
  return bound + 1
}

/**
 * Solves the sub-matrix rows × cols. With penalty 0 it asks for every row placed and returns
 * undefined when that is impossible; with a penalty it appends one private column per row.
 * Returns, per row, the index into `cols`, or ≥ cols.length for "unplaced".
 */
function solveDense(
  m: CostMatrix,
  rows: number[],
  cols: number[],
  penalty: number,
  engine: Engine,
): Int32Array | undefined {
  const n = rows.length
  const out = new Int32Array(n).fill(-1)
  if (n === 0) return out
  if (engine === 'sap') {
    const width = cols.length + (penalty > 0 ? n : 0)
    const res = shortestAugmentingPath(subMatrix(m, rows, cols, penalty, width), n, width)
    return res.stuckRow >= 0 ? undefined : res.colOfRow
  }
  // The common case (all columns live, no penalty) hands munkres views of the caller's rows.
  const inPlace = penalty === 0 && cols.length === m.cols
  const width = inPlace ? m.cols : cols.length + (penalty > 0 ? n : 0)
  const data = inPlace ? m.data : subMatrix(m, rows, cols, penalty, width)
  const views = new Array<Float64Array>(n)
  for (let r = 0; r < n; r++) {
    const start = (inPlace ? rows[r]! : r) * width
    views[r] = data.subarray(start, start + width)
  }
  for (const [r, c] of munkres(views)) {
    if (views[r]![c]! < Number.POSITIVE_INFINITY) out[r] = c
  }
  if (penalty === 0 && out.includes(-1)) return undefined
  return out
}

function subMatrix(m: CostMatrix, rows: number[], cols: number[], penalty: number, width: number): Float64Array {
  const shift = penalty > 0 ? minCost(m, rows, cols) : 0
  const data = new Float64Array(rows.length * width).fill(Number.POSITIVE_INFINITY)
  rows.forEach((i, r) => {
    const base = r * width
    const src = i * m.cols
    for (let c = 0; c < cols.length; c++) data[base + c] = m.data[src + cols[c]!]! - shift
    if (penalty > 0) data[base + cols.length + r] = penalty
  })
  return data
}

function minCost(m: CostMatrix, rows: number[], cols: number[]): number {
  let lo = Number.POSITIVE_INFINITY
  for (const i of rows) for (const j of cols) lo = Math.min(lo, at(m, i, j))
  return Number.isFinite(lo) ? lo : 0
}

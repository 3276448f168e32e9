import { MatrixShapeError, NaNCostError } from './errors.js'

/**
 * A dense row-major cost matrix: rows are displaced jobs, columns candidate slots.
 * +Infinity marks an infeasible pair; NaN and -Infinity are refused at construction so that
 * no solver ever sees them.
 */
export interface CostMatrix {
  readonly rows: number
  readonly cols: number
  readonly data: Float64Array
}

export function costMatrix(rows: readonly (readonly number[])[]): CostMatrix {
  const cols = rows[0]?.length ?? 0
  const data = new Float64Array(rows.length * cols)
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new MatrixShapeError()
    data.set(row, i * cols)
  })
  return checkedMatrix({ rows: rows.length, cols, data })
}

export function checkedMatrix(m: CostMatrix): CostMatrix {
  checkShape(m)
  for (let k = 0; k < m.data.length; k++) {
    const x = m.data[k]!
    if (Number.isNaN(x) || x === Number.NEGATIVE_INFINITY) throw new NaNCostError(Math.floor(k / m.cols), k % m.cols)
  }
  return m
}

export const at = (m: CostMatrix, row: number, col: number): number => m.data[row * m.cols + col]!

export function feasibleCount(m: CostMatrix, row: number): number {
  let n = 0
  for (let j = 0, k = row * m.cols; j < m.cols; j++, k++) if (m.data[k]! < Number.POSITIVE_INFINITY) n++
  return n
}

function checkShape(m: CostMatrix) {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new MatrixShapeError('cost matrix dimensions must be non-negative integers')
  }
  if (m.data.length !== m.rows * m.cols) throw new MatrixShapeError('cost matrix data length must be rows × cols')
}

/** What the solver needs to know about a matrix before it starts, from one pass over it. */
export interface CostScan {
  /** finite cells per row (0: the row has no feasible column) */
  feasibleInRow: Int32Array
  /** least cost per column (+Infinity: the column has no feasible row), and the first row that has it */
  colMin: Float64Array
  colArgmin: Int32Array
  /** cells that equalled their column's least cost so far: zero means no ties at the minima */
  minimumTies: number
}

/**
 * Checks the matrix like `checkedMatrix` and collects, in the same pass, the counts and column
 * minima the solver uses. On a large matrix this one pass costs about as much as the easy cases
 * of the assignment itself, so it reads two rows at a time: each column's running minimum is then
 * loaded and stored once per two cells.
 */
export function scanCosts(m: CostMatrix): CostScan {
  checkShape(m)
  const { rows, cols, data } = m
  const INF = Number.POSITIVE_INFINITY
  const feasibleInRow = new Int32Array(rows)
  const colMin = new Float64Array(cols).fill(INF)
  const colArgmin = new Int32Array(cols).fill(-1)
  let minimumTies = 0
  const pairedRows = rows - (rows % 2)
  for (let i = 0; i < pairedRows; i += 2) {
    const top = i * cols
    const bottom = top + cols
    let feasibleTop = 0
    let feasibleBottom = 0
    for (let j = 0; j < cols; j++) {
      const x = data[top + j]!
      const y = data[bottom + j]!
      // NaN fails every comparison, so it is caught with the cells that are not +Infinity.
      if (x < INF) feasibleTop++
      else if (x !== INF) throw new NaNCostError(i, j)
      if (y < INF) feasibleBottom++
      else if (y !== INF) throw new NaNCostError(i + 1, j)
      let least = colMin[j]!
      let at = -1
      if (x <= least) {
        if (x < least) {
          least = x
          at = i
        } else if (x < INF) minimumTies++
      }
      if (y <= least) {
        if (y < least) {
          least = y
          at = i + 1
        } else if (y < INF) minimumTies++
      }
      if (at >= 0) {
        colMin[j] = least
        colArgmin[j] = at
      }
    }
    feasibleInRow[i] = feasibleTop
    feasibleInRow[i + 1] = feasibleBottom
  }
  if (pairedRows < rows) {
    const i = pairedRows
    let feasible = 0
    for (let j = 0, k = i * cols; j < cols; j++, k++) {
      const x = data[k]!
      if (x < INF) feasible++
      else if (x !== INF) throw new NaNCostError(i, j)
      if (x < colMin[j]!) {
        colMin[j] = x
        colArgmin[j] = i
      } else if (x === colMin[j] && x < INF) minimumTies++
    }
    feasibleInRow[i] = feasible
  }
  // -Infinity passed as finite above, and always becomes its column's minimum.
  for (let j = 0; j < cols; j++) if (colMin[j] === Number.NEGATIVE_INFINITY) throw new NaNCostError(colArgmin[j]!, j)
  return { feasibleInRow, colMin, colArgmin, minimumTies }
}

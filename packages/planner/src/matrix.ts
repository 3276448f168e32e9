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
  /** finite cells per column */
  feasibleInCol: Int32Array
  /** least cost per column (+Infinity when none), and the first row that has it */
  colMin: Float64Array
  colArgmin: Int32Array
  /** cells that equalled their column's least cost so far: zero means no ties at the minima */
  minimumTies: number
}

/**
 * Checks the matrix like `checkedMatrix` and collects, in the same pass, the counts and column
 * minima the solver uses: on a large matrix each pass over the data costs about as much as the
 * easy cases of the assignment itself.
 */
export function scanCosts(m: CostMatrix): CostScan {
  checkShape(m)
  const { rows, cols, data } = m
  const feasibleInRow = new Int32Array(rows)
  const feasibleInCol = new Int32Array(cols)
  const colMin = new Float64Array(cols).fill(Number.POSITIVE_INFINITY)
  const colArgmin = new Int32Array(cols).fill(-1)
  let minimumTies = 0
  for (let i = 0; i < rows; i++) {
    let feasible = 0
    for (let j = 0, k = i * cols; j < cols; j++, k++) {
      const x = data[k]!
      if (x === Number.POSITIVE_INFINITY) continue
      // NaN fails every comparison, so it lands here with -Infinity.
      if (!(x > Number.NEGATIVE_INFINITY)) throw new NaNCostError(i, j)
      feasible++
      feasibleInCol[j]!++
      if (x < colMin[j]!) {
        colMin[j] = x
        colArgmin[j] = i
      } else if (x === colMin[j]) {
        minimumTies++
      }
    }
    feasibleInRow[i] = feasible
  }
  return { feasibleInRow, feasibleInCol, colMin, colArgmin, minimumTies }
}

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
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new MatrixShapeError('cost matrix dimensions must be non-negative integers')
  }
  if (m.data.length !== m.rows * m.cols) throw new MatrixShapeError('cost matrix data length must be rows × cols')
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

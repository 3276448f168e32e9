/**
 * Shortest augmenting path assignment (the Jonker–Volgenant family; Hungarian method with
 * potentials and Dijkstra over reduced costs). Dense, flat Float64Array, rows ≤ cols.
 *
 * Each row is added by one Dijkstra search from that row over the columns, using reduced
 * costs c(i,j) − u(i) − v(j) ≥ 0 (dual feasibility), then the path to the nearest free column
 * is flipped. After every row the matching is a minimum-cost matching of the rows so far and
 * (u, v) certifies it (complementary slackness), which is why the result is optimal.
 * +Infinity marks infeasible pairs: such a column is never reached through that row. When a row
 * reaches no free column at all, the search reports it instead of looping.
 */

import { MatrixShapeError } from './errors.js'

export interface SapResult {
  /** colOfRow[i] = column of row i */
  colOfRow: Int32Array
  /** index of the first row that could not be augmented, or -1 when all rows were assigned */
  stuckRow: number
}

export function shortestAugmentingPath(cost: Float64Array, rows: number, cols: number): SapResult {
  if (rows > cols) throw new MatrixShapeError('shortestAugmentingPath needs rows <= cols; transpose or pad the matrix')
  if (cost.length !== rows * cols) throw new MatrixShapeError('cost matrix data length must be rows × cols')
  const n = rows
  const m = cols
  // 1-indexed columns, column 0 is the virtual start of each search.
  const u = new Float64Array(n + 1)
  const v = new Float64Array(m + 1)
  const rowOfCol = new Int32Array(m + 1) // 0 = free; rows are 1-indexed here
  const way = new Int32Array(m + 1)
  const minv = new Float64Array(m + 1)
  const used = new Uint8Array(m + 1)
  const INF = Number.POSITIVE_INFINITY

  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i
    let j0 = 0
    minv.fill(INF)
    used.fill(0)
    do {
      used[j0] = 1
      const i0 = rowOfCol[j0]!
      const base = (i0 - 1) * m - 1
      const ui = u[i0]!
      let delta = INF
      let j1 = -1
      for (let j = 1; j <= m; j++) {
        if (used[j] === 1) continue
        const cur = cost[base + j]! - ui - v[j]!
        if (cur < minv[j]!) {
          minv[j] = cur
          way[j] = j0
        }
        if (minv[j]! < delta) {
          delta = minv[j]!
          j1 = j
        }
      }
      if (j1 === -1) return { colOfRow: colsOf(rowOfCol, n, m), stuckRow: i - 1 }
      for (let j = 0; j <= m; j++) {
        if (used[j] === 1) {
          u[rowOfCol[j]!]! += delta
          v[j]! -= delta
        } else {
          minv[j]! -= delta
        }
      }
      j0 = j1
    } while (rowOfCol[j0] !== 0)
    do {
      const j1 = way[j0]!
      rowOfCol[j0] = rowOfCol[j1]!
      j0 = j1
    } while (j0 !== 0)
  }
  return { colOfRow: colsOf(rowOfCol, n, m), stuckRow: -1 }
}

function colsOf(rowOfCol: Int32Array, n: number, m: number): Int32Array {
  const colOfRow = new Int32Array(n).fill(-1)
  for (let j = 1; j <= m; j++) {
    const r = rowOfCol[j]!
    if (r > 0) colOfRow[r - 1] = j - 1
  }
  return colOfRow
}

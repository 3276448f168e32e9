/**
 * Starting points for the shortest augmenting path: a partial matching on tight pairs with
 * dual-feasible potentials, found in one or two passes, so that the searches have less to do.
 */

export interface SearchState {
  readonly cost: Float64Array
  readonly rows: number
  readonly cols: number
  readonly u: Float64Array
  readonly v: Float64Array
  readonly colOfRow: Int32Array
  readonly rowOfCol: Int32Array
}

export const FREE = -1

/** Least cost of each column and the first row that has it. */
export interface ColumnMinima {
  readonly min: Float64Array
  readonly argmin: Int32Array
}

/** Column minima in one row-major pass (reading down the columns would stride through memory). */
export function columnMinima(cost: Float64Array, rows: number, cols: number): ColumnMinima {
  const min = new Float64Array(cols).fill(Number.POSITIVE_INFINITY)
  const argmin = new Int32Array(cols).fill(-1)
  for (let i = 0; i < rows; i++) {
    const base = i * cols
    for (let j = 0; j < cols; j++) {
      const c = cost[base + j]!
      if (c < min[j]!) {
        min[j] = c
        argmin[j] = i
      }
    }
  }
  return { min, argmin }
}

/**
 * Row reduction: u(i) = min over j of c(i,j) − v(j), and each row takes a free column at its
 * minimum when there is one (a free one wins among equal minima). With v = 0 it is valid for
 * rows < cols too: free columns keep v = 0. With prices in v (a square problem) it starts the
 * searches where the prices say each row belongs.
 */
export function rowReductionStart(s: SearchState): SearchState {
  const { cost, rows, cols, u, v, rowOfCol, colOfRow } = s
  for (let i = 0; i < rows; i++) {
    const base = i * cols
    let lowest = Number.POSITIVE_INFINITY
    let freeAt = -1
    for (let j = 0; j < cols; j++) {
      const c = cost[base + j]! - v[j]!
      if (c < lowest) {
        lowest = c
        freeAt = rowOfCol[j] === FREE ? j : -1
      } else if (c === lowest && freeAt === -1 && rowOfCol[j] === FREE) {
        freeAt = j
      }
    }
    u[i] = lowest
    if (freeAt >= 0 && lowest < Number.POSITIVE_INFINITY) {
      colOfRow[i] = freeAt
      rowOfCol[freeAt] = i
    }
  }
  return s
}

/**
 * Jonker–Volgenant column reduction with reduction transfer, for square matrices only: v(j) is
 * the column minimum, which a rectangular optimum may not keep on its free columns.
 */
export function columnReductionStart(s: SearchState, minima?: ColumnMinima): SearchState {
  const { cost, rows, cols, u, v, rowOfCol, colOfRow } = s
  const { min, argmin } = minima ?? columnMinima(cost, rows, cols)
  v.set(min)
  const taken = new Int32Array(rows)
  for (let j = cols - 1; j >= 0; j--) {
    if (v[j] === Number.POSITIVE_INFINITY) {
      v[j] = 0
      continue
    }
    const i = argmin[j]!
    taken[i]!++
    if (colOfRow[i] === FREE) {
      colOfRow[i] = j
      rowOfCol[j] = i
    } else if (v[j]! < v[colOfRow[i]!]!) {
      rowOfCol[colOfRow[i]!] = FREE
      colOfRow[i] = j
      rowOfCol[j] = i
    }
  }
  // Reduction transfer: a row that got one column lowers that column's v to its second best, so
  // other rows see it as less attractive.
  for (let i = 0; i < rows; i++) {
    if (taken[i] !== 1) continue
    const j1 = colOfRow[i]!
    const base = i * cols
    let second = Number.POSITIVE_INFINITY
    for (let j = 0; j < cols; j++) {
      if (j === j1) continue
      const r = cost[base + j]! - v[j]!
      if (r < second) second = r
    }
    if (second < Number.POSITIVE_INFINITY) v[j1] = v[j1]! - (second - (cost[base + j1]! - v[j1]!))
  }
  // Free rows take a free column at their minimum. Every reduced cost is ≥ 0 here, so a free
  // column at 0 ends the row's scan: on all-equal or integer-tied costs most rows stop early.
  let firstFree = 0
  for (let i = 0; i < rows; i++) {
    const j = colOfRow[i]!
    if (j !== FREE) {
      u[i] = cost[i * cols + j]! - v[j]!
      continue
    }
    const base = i * cols
    let lowest = Number.POSITIVE_INFINITY
    let freeAt = -1
    // Columns before the first free one are all taken: start there, wrap around for the minimum.
    while (firstFree < cols && rowOfCol[firstFree] !== FREE) firstFree++
    for (let t = 0, k = firstFree % cols; t < cols; t++, k = k + 1 === cols ? 0 : k + 1) {
      const r = cost[base + k]! - v[k]!
      if (r < lowest) {
        lowest = r
        freeAt = rowOfCol[k] === FREE ? k : -1
        if (r <= 0 && freeAt >= 0) break
      } else if (r === lowest && freeAt === -1 && rowOfCol[k] === FREE) {
        freeAt = k
        if (r <= 0) break
      }
    }
    u[i] = lowest
    if (freeAt >= 0 && lowest < Number.POSITIVE_INFINITY) {
      colOfRow[i] = freeAt
      rowOfCol[freeAt] = i
    }
  }
  return s
}

/**
 * Jonker–Volgenant augmenting row reduction over the free rows: each takes the column where
 * c(i,j) − v(j) is least, lowering that column's v to its second best (an auction bid without
 * a minimum increment) and displacing the row that had it. It keeps every matched row at its
 * minimum, so u(i) = that minimum stays dual-feasible. Free columns keep their v. Work is capped.
 */
export function augmentingRowReduction(s: SearchState, passes: number, maxScans: number): void {
  const { cost, rows, cols, u, v, rowOfCol, colOfRow } = s
  let free = new Int32Array(rows)
  let freeCount = 0
  for (let i = 0; i < rows; i++) if (colOfRow[i] === FREE) free[freeCount++] = i
  let next = new Int32Array(rows)
  let scans = 0
  for (let pass = 0; pass < passes && freeCount > 0; pass++) {
    let nextCount = 0
    let k = 0
    while (k < freeCount) {
      const i = free[k++]!
      if (scans >= maxScans) {
        next[nextCount++] = i
        continue
      }
      scans++
      const base = i * cols
      let u1 = Number.POSITIVE_INFINITY
      let u2 = Number.POSITIVE_INFINITY
      let j1 = -1
      let j2 = -1
      for (let j = 0; j < cols; j++) {
        const h = cost[base + j]! - v[j]!
        if (h < u1 || (h === u1 && h < Number.POSITIVE_INFINITY && rowOfCol[j] === FREE && rowOfCol[j1] !== FREE)) {
          u2 = u1
          j2 = j1
          u1 = h
          j1 = j
        } else if (h < u2) {
          u2 = h
          j2 = j
        }
      }
      if (j1 === -1) {
        next[nextCount++] = i
        continue
      }
      let j = j1
      let i0 = rowOfCol[j1]!
      if (u1 < u2) {
        if (u2 < Number.POSITIVE_INFINITY) v[j1] = v[j1]! - (u2 - u1)
        else if (i0 !== FREE) {
          // its only column is taken: leave it to the searches
          next[nextCount++] = i
          continue
        }
      } else if (i0 !== FREE) {
        j = j2
        i0 = rowOfCol[j2]!
      }
      colOfRow[i] = j
      rowOfCol[j] = i
      if (i0 !== FREE) {
        colOfRow[i0] = FREE
        if (u1 < u2) free[--k] = i0
        else next[nextCount++] = i0
      }
    }
    ;[free, next] = [next, free]
    freeCount = nextCount
  }
  for (let i = 0; i < rows; i++) {
    const j = colOfRow[i]!
    if (j !== FREE) u[i] = cost[i * cols + j]! - v[j]!
  }
}

/**
 * For a tall matrix (rows > cols), the row reduction start of its transpose, found without
 * transposing: each column's minimum is its u, and each column takes a free row at that
 * minimum. Columns first take the row the scan found (no pass over the data); only when the
 * minima have ties do the rows look for more. Returns the row of each column, or FREE.
 */
export function tightColumnMatch(
  cost: Float64Array,
  rows: number,
  cols: number,
  minima: ColumnMinima,
  minimumTies: number,
): { rowOfColumn: Int32Array; matched: number } {
  const { min, argmin } = minima
  const rowOfColumn = new Int32Array(cols).fill(FREE)
  const rowTaken = new Uint8Array(rows)
  let matched = 0
  for (let j = 0; j < cols; j++) {
    const i = argmin[j]!
    if (i < 0 || rowTaken[i] === 1) continue
    rowTaken[i] = 1
    rowOfColumn[j] = i
    matched++
  }
  if (minimumTies === 0) return { rowOfColumn, matched }
  // Columns before the first free one are all taken: a row's search for a tight free column starts there.
  let firstFree = 0
  for (let i = 0; i < rows && matched < cols; i++) {
    if (rowTaken[i] === 1) continue
    while (rowOfColumn[firstFree] !== FREE) firstFree++
    const base = i * cols
    for (let j = firstFree; j < cols; j++) {
      if (rowOfColumn[j] === FREE && cost[base + j] === min[j]) {
        rowTaken[i] = 1
        rowOfColumn[j] = i
        matched++
        break
      }
    }
  }
  return { rowOfColumn, matched }
}

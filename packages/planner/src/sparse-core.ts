/**
 * The "core" speed-up for dense square problems: almost every row of an optimal assignment
 * uses one of its few cheapest columns, so the searches first run on a sparse graph of each
 * row's k cheapest columns (by reduced cost), where a scan costs k instead of n. The duals this
 * produces are then checked against the whole matrix; rows that would rather have a column
 * outside their core are set free again and finished by the dense search. The check is what
 * makes the result exact: the core only decides how much work the dense search has left.
 */

import { FREE, type SearchState } from './starts.js'

/** Per row, its k columns with the least c(i,j) − v(j), in no particular order. */
export interface Core {
  readonly k: number
  readonly col: Int32Array
  readonly cost: Float64Array
}

/** A stride coprime with most sizes, spreading the rows' starting columns. */
const SPREAD = 7919

export function buildCore(s: SearchState, k: number): Core {
  const { cost, rows, cols, v } = s
  const col = new Int32Array(rows * k).fill(-1)
  const coreCost = new Float64Array(rows * k).fill(Number.POSITIVE_INFINITY)
  // A max-heap of size k per row, keyed by reduced cost: most columns fail the first compare.
  const key = new Float64Array(k)
  const at = new Int32Array(k)
  for (let i = 0; i < rows; i++) {
    const base = i * cols
    let size = 0
    // Each row starts at its own column, so that among equal costs different rows keep
    // different columns: cores that all hold the same few columns would rarely reach a free one.
    const first = (i * SPREAD) % cols
    for (let t = 0, j = first; t < cols; t++, j = j + 1 === cols ? 0 : j + 1) {
      const c = cost[base + j]!
      if (c === Number.POSITIVE_INFINITY) continue
      const r = c - v[j]!
      if (size < k) {
        siftUp(key, at, size++, r, j)
      } else if (r < key[0]!) {
        siftDown(key, at, size, r, j)
      }
    }
    const out = i * k
    for (let t = 0; t < size; t++) {
      const j = at[t]!
      col[out + t] = j
      coreCost[out + t] = cost[base + j]!
    }
  }
  return { k, col, cost: coreCost }
}

function siftUp(key: Float64Array, at: Int32Array, index: number, r: number, j: number) {
  let i = index
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (key[parent]! >= r) break
    key[i] = key[parent]!
    at[i] = at[parent]!
    i = parent
  }
  key[i] = r
  at[i] = j
}

/** Replaces the largest key with (r, j) and restores the max-heap order. */
function siftDown(key: Float64Array, at: Int32Array, size: number, r: number, j: number) {
  let i = 0
  for (;;) {
    const left = 2 * i + 1
    if (left >= size) break
    const right = left + 1
    const child = right < size && key[right]! > key[left]! ? right : left
    if (key[child]! <= r) break
    key[i] = key[child]!
    at[i] = at[child]!
    i = child
  }
  key[i] = r
  at[i] = j
}

/**
 * Shortest augmenting paths on the core from every free row. A row that reaches no free column
 * inside the core stays free (the dense search will handle it); nothing else changes for it.
 */
export function augmentOnCore(s: SearchState, core: Core): void {
  const search = new CoreSearch(s, core)
  for (let i = 0; i < s.rows; i++) if (s.colOfRow[i] === FREE) search.run(i)
}

/**
 * Makes the duals feasible on the whole matrix again: u(i) becomes min over j of c(i,j) − v(j),
 * and a matched row whose column is no longer at that minimum is set free. Returns how many rows
 * are free afterwards.
 */
export function repairAgainstDense(s: SearchState): number {
  const { cost, rows, cols, u, v, colOfRow, rowOfCol } = s
  let free = 0
  for (let i = 0; i < rows; i++) {
    const base = i * cols
    let lowest = Number.POSITIVE_INFINITY
    for (let j = 0; j < cols; j++) {
      const r = cost[base + j]! - v[j]!
      if (r < lowest) lowest = r
    }
    u[i] = lowest
    const j = colOfRow[i]!
    if (j === FREE) free++
    else if (cost[base + j]! - v[j]! > lowest) {
      colOfRow[i] = FREE
      rowOfCol[j] = FREE
      free++
    }
  }
  return free
}

/** Dijkstra on the core with a binary heap (lazy deletion); ties prefer a free column. */
class CoreSearch {
  private readonly dist: Float64Array
  /** search number in which dist/settled of a column were last written */
  private readonly seen: Int32Array
  private readonly settled: Int32Array
  private readonly via: Int32Array
  private readonly scannedRows: Int32Array
  private readonly scannedDist: Float64Array
  private readonly settledCols: Int32Array
  private readonly settledDist: Float64Array
  private readonly heap: Heap
  private epoch = 0

  constructor(
    private readonly s: SearchState,
    private readonly core: Core,
  ) {
    const { rows, cols } = s
    this.dist = new Float64Array(cols)
    this.seen = new Int32Array(cols)
    this.settled = new Int32Array(cols)
    this.via = new Int32Array(cols)
    this.scannedRows = new Int32Array(rows)
    this.scannedDist = new Float64Array(rows)
    this.settledCols = new Int32Array(cols)
    this.settledDist = new Float64Array(cols)
    this.heap = new Heap(rows * core.k + 1)
  }

  run(start: number): boolean {
    const { u, v, colOfRow, rowOfCol } = this.s
    const { k, col: coreCol, cost: coreCost } = this.core
    const { dist, seen, settled, via, scannedRows, scannedDist, settledCols, settledDist, heap } = this
    const epoch = ++this.epoch
    heap.clear()
    let scannedCount = 0
    let settledCount = 0
    let reached = 0
    let row = start
    let sink = -1
    for (;;) {
      scannedRows[scannedCount] = row
      scannedDist[scannedCount++] = reached
      const offset = reached - u[row]!
      for (let t = row * k, end = t + k; t < end; t++) {
        const j = coreCol[t]!
        if (j < 0) break
        if (settled[j] === epoch) continue
        const r = offset + coreCost[t]! - v[j]!
        if (seen[j] !== epoch || r < dist[j]!) {
          seen[j] = epoch
          dist[j] = r
          via[j] = row
          heap.push(r, j, rowOfCol[j] === FREE)
        }
      }
      let next = -1
      while (heap.size > 0) {
        const j = heap.topCol()
        const d = heap.topDist()
        heap.pop()
        if (settled[j] === epoch || d > dist[j]!) continue
        next = j
        break
      }
      if (next === -1) return false
      reached = dist[next]!
      settled[next] = epoch
      settledCols[settledCount] = next
      settledDist[settledCount++] = reached
      if (rowOfCol[next] === FREE) {
        sink = next
        break
      }
      row = rowOfCol[next]!
    }
    u[start]! += reached
    for (let t = 1; t < scannedCount; t++) u[scannedRows[t]!]! += reached - scannedDist[t]!
    for (let t = 0; t < settledCount; t++) v[settledCols[t]!]! -= reached - settledDist[t]!
    let col = sink
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

/** A binary min-heap of (distance, column); among equal distances a free column comes first. */
class Heap {
  private readonly dist: Float64Array
  private readonly col: Int32Array
  private readonly free: Uint8Array
  size = 0

  constructor(capacity: number) {
    this.dist = new Float64Array(capacity)
    this.col = new Int32Array(capacity)
    this.free = new Uint8Array(capacity)
  }

  clear() {
    this.size = 0
  }

  topCol(): number {
    return this.col[0]!
  }

  topDist(): number {
    return this.dist[0]!
  }

  private before(d: number, f: number, at: number): boolean {
    const other = this.dist[at]!
    return d < other || (d === other && f > this.free[at]!)
  }

  push(d: number, j: number, isFree: boolean) {
    const f = isFree ? 1 : 0
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(d, f, parent)) break
      this.dist[i] = this.dist[parent]!
      this.col[i] = this.col[parent]!
      this.free[i] = this.free[parent]!
      i = parent
    }
    this.dist[i] = d
    this.col[i] = j
    this.free[i] = f
  }

  pop() {
    const last = --this.size
    if (last === 0) return
    const d = this.dist[last]!
    const j = this.col[last]!
    const f = this.free[last]!
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= last) break
      const right = left + 1
      const child = right < last && this.before(this.dist[right]!, this.free[right]!, left) ? right : left
      if (!this.lessThan(child, d, f)) break
      this.dist[i] = this.dist[child]!
      this.col[i] = this.col[child]!
      this.free[i] = this.free[child]!
      i = child
    }
    this.dist[i] = d
    this.col[i] = j
    this.free[i] = f
  }

  /** whether the entry at `at` comes before (d, f) */
  private lessThan(at: number, d: number, f: number): boolean {
    const other = this.dist[at]!
    return other < d || (other === d && this.free[at]! > f)
  }
}

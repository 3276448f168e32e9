import { munkres } from 'munkres'
import { type CostMatrix, costMatrix } from '../src/matrix.js'

const INF = Number.POSITIVE_INFINITY

/** mulberry32: a tiny seeded generator so every random test case can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomMatrix(rows: number, cols: number, infeasibleShare: number, next: () => number): CostMatrix {
  return matrixOf(rows, cols, () => (next() < infeasibleShare ? INF : Math.round(next() * 1000) / 10))
}

export function matrixOf(rows: number, cols: number, cell: (i: number, j: number) => number): CostMatrix {
  return costMatrix(Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => cell(i, j))))
}

/** Small integer costs: most cells tie with many others. */
export function integerTies(rows: number, cols: number, values: number, next: () => number): CostMatrix {
  return matrixOf(rows, cols, () => Math.floor(next() * values))
}

/**
 * The planner's cost structure: job duration × slot rate, plus a per-slot constant (what the
 * transfer and preemption terms add). Every row ranks the columns the same way.
 */
export function productMatrix(rows: number, cols: number, next: () => number): CostMatrix {
  const duration = Array.from({ length: rows }, () => 1 + next())
  const rate = Array.from({ length: cols }, () => 1 + 3 * next())
  const fixed = Array.from({ length: cols }, () => next())
  return matrixOf(rows, cols, (i, j) => duration[i]! * rate[j]! + fixed[j]!)
}

/** Exhaustive optimum: most rows placed, then least cost. Exponential, for n ≤ 7 only. */
export function bruteForce(m: CostMatrix): { placed: number; total: number } {
  let best = { placed: -1, total: INF }
  const used = new Array<boolean>(m.cols).fill(false)
  const visit = (row: number, placed: number, total: number) => {
    if (row === m.rows) {
      if (placed > best.placed || (placed === best.placed && total < best.total)) best = { placed, total }
      return
    }
    visit(row + 1, placed, total)
    for (let j = 0; j < m.cols; j++) {
      const c = m.data[row * m.cols + j]!
      if (used[j] || c === INF) continue
      used[j] = true
      visit(row + 1, placed + 1, total + c)
      used[j] = false
    }
  }
  visit(0, 0, 0)
  return best
}

/**
 * The same lexicographic optimum from the npm `munkres` package, an independent solver: every
 * row gets a private "unplaced" column priced above any possible saving, forbidden cells get a
 * price above that, and only finite pairs of the answer count.
 */
export function munkresOptimum(m: CostMatrix): { placed: number; total: number } {
  let lo = INF
  let spread = 0
  for (let i = 0; i < m.rows; i++) {
    let hi = -INF
    for (let j = 0; j < m.cols; j++) {
      const c = m.data[i * m.cols + j]!
      if (c === INF) continue
      lo = Math.min(lo, c)
      hi = Math.max(hi, c)
    }
    if (hi > -INF) spread += hi
  }
  if (lo === INF) return { placed: 0, total: 0 }
  spread -= lo * m.rows
  const unplaced = spread + 1
  const forbidden = (m.rows + 1) * unplaced
  const padded = Array.from({ length: m.rows }, (_, i) => {
    const row = new Array<number>(m.cols + m.rows).fill(forbidden)
    for (let j = 0; j < m.cols; j++) {
      const c = m.data[i * m.cols + j]!
      if (c !== INF) row[j] = c - lo
    }
    row[m.cols + i] = unplaced
    return row
  })
  let placed = 0
  let total = 0
  for (const [i, j] of munkres(padded)) {
    if (j >= m.cols) continue
    const c = m.data[i * m.cols + j]!
    if (c === INF) throw new Error(`munkres paired a forbidden cell (${i}, ${j})`)
    placed++
    total += c
  }
  return { placed, total }
}

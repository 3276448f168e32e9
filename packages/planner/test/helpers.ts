import { type CostMatrix, costMatrix } from '../src/matrix.js'

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
  return costMatrix(
    Array.from({ length: rows }, () =>
      Array.from({ length: cols }, () =>
        next() < infeasibleShare ? Number.POSITIVE_INFINITY : Math.round(next() * 1000) / 10,
      ),
    ),
  )
}

/** Exhaustive optimum: most rows placed, then least cost. Exponential, for n ≤ 7 only. */
export function bruteForce(m: CostMatrix): { placed: number; total: number } {
  let best = { placed: -1, total: Number.POSITIVE_INFINITY }
  const used = new Array<boolean>(m.cols).fill(false)
  const visit = (row: number, placed: number, total: number) => {
    if (row === m.rows) {
      if (placed > best.placed || (placed === best.placed && total < best.total)) best = { placed, total }
      return
    }
    visit(row + 1, placed, total)
    for (let j = 0; j < m.cols; j++) {
      const c = m.data[row * m.cols + j]!
      if (used[j] || c === Number.POSITIVE_INFINITY) continue
      used[j] = true
      visit(row + 1, placed + 1, total + c)
      used[j] = false
    }
  }
  visit(0, 0, 0)
  return best
}

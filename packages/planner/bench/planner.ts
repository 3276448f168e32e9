/**
 * `npm run bench:planner`: our solveAssignment against the npm `munkres` package on the same
 * matrices, in the same process, one shape at a time. One stdout line per shape; the ratio is
 * ours ÷ munkres from this run only. Per-run times go to stderr.
 */
import { munkres } from 'munkres'
import { type CostMatrix, createPlanner, solveAssignment } from '../src/index.js'
import { syntheticFleet } from './fleet.js'

const INF = Number.POSITIVE_INFINITY
const WARM_UP_MS = 300
const WARM_UP_RUNS = 5
/** timed runs per solver and shape: MIN_RUNS to MAX_RUNS, and no more once BUDGET_MS is spent */
const BUDGET_MS = 3000
const MIN_RUNS = 5
const MAX_RUNS = 31

function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function matrix(rows: number, cols: number, cell: (i: number, j: number) => number): CostMatrix {
  const data = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = cell(i, j)
  return { rows, cols, data }
}

const uniform = (rows: number, cols: number, seed: number) => {
  const next = mulberry32(seed)
  return matrix(rows, cols, () => next() * 100)
}

interface Shape {
  name: string
  make: () => CostMatrix
  /** munkres takes seconds here: one timed run each, after the warm-up the other shapes gave */
  slow?: true
}

/** Job duration × slot rate plus a per-slot constant: the structure of the planner's own costs. */
function priceTimesDuration(rows: number, cols: number, seed: number): CostMatrix {
  const next = mulberry32(seed)
  const duration = Array.from({ length: rows }, () => 3600 * (1 + next()))
  const rate = Array.from({ length: cols }, () => (1 + 3 * next()) / 3600)
  const fixed = Array.from({ length: cols }, () => next() * 0.2)
  return matrix(rows, cols, (i, j) => duration[i]! * rate[j]! + fixed[j]!)
}

const SHAPES: Shape[] = [
  { name: 'square-100', make: () => uniform(100, 100, 1) },
  { name: 'square-500', make: () => uniform(500, 500, 2) },
  { name: 'square-1000', make: () => uniform(1000, 1000, 3) },
  { name: 'wide-1000x1500', make: () => uniform(1000, 1500, 4) },
  { name: 'tall-1500x1000', make: () => uniform(1500, 1000, 5) },
  { name: 'all-equal-1500x1000', make: () => matrix(1500, 1000, () => 7) },
  {
    name: 'int-ties-1000',
    make: () => {
      const next = mulberry32(6)
      return matrix(1000, 1000, () => Math.floor(next() * 10))
    },
  },
  {
    name: 'forbidden-30pct-1000',
    make: () => {
      const next = mulberry32(7)
      return matrix(1000, 1000, () => (next() < 0.3 ? INF : next() * 100))
    },
  },
  {
    name: 'impossible-row-1000',
    make: () => {
      const next = mulberry32(8)
      return matrix(1000, 1000, (i) => (i === 500 ? INF : next() * 100))
    },
  },
  { name: 'price-x-duration-1000', make: () => priceTimesDuration(1000, 1000, 9), slow: true },
  { name: 'price-x-duration-1500x1000', make: () => priceTimesDuration(1500, 1000, 10), slow: true },
]

/**
 * Median times of the two solvers on one matrix. Both first run until the JIT has had
 * WARM_UP_MS and WARM_UP_RUNS runs to settle, then they take turns, so that a change in the
 * machine's load (other processes) falls on both alike.
 */
function race<A, B>(ours: () => A, theirs: () => B, slow = false): { oursMs: number; theirsMs: number; a: A; b: B } {
  if (slow) {
    let t = performance.now()
    const a = ours()
    const oursMs = performance.now() - t
    t = performance.now()
    const b = theirs()
    return { oursMs, theirsMs: performance.now() - t, a, b }
  }
  let a = ours()
  let b = theirs()
  const warmUpEnd = performance.now() + WARM_UP_MS
  for (let k = 1; k < WARM_UP_RUNS || performance.now() < warmUpEnd; k++) {
    a = ours()
    b = theirs()
  }
  const oursTimes: number[] = []
  const theirsTimes: number[] = []
  let spent = 0
  while (oursTimes.length < MAX_RUNS && (oursTimes.length < MIN_RUNS || spent < BUDGET_MS)) {
    let t = performance.now()
    ours()
    oursTimes.push(performance.now() - t)
    t = performance.now()
    theirs()
    theirsTimes.push(performance.now() - t)
    spent += oursTimes.at(-1)! + theirsTimes.at(-1)!
  }
  return { oursMs: median(oursTimes), theirsMs: median(theirsTimes), a, b }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Cost and count of the finite pairs munkres returned (it may pair +Infinity cells). */
function finiteTotal(m: CostMatrix, pairs: [number, number][]) {
  let total = 0
  let placed = 0
  for (const [i, j] of pairs) {
    const c = m.data[i * m.cols + j]!
    if (c < INF) {
      total += c
      placed++
    }
  }
  return { total, placed }
}

const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a))

for (const shape of SHAPES) {
  const m = shape.make()
  // munkres gets plain arrays, its fastest input form; building them is not timed.
  const plain: number[][] = []
  for (let i = 0; i < m.rows; i++) plain.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)))
  const {
    oursMs,
    theirsMs,
    a: ours,
    b: raw,
  } = race(
    () => solveAssignment(m),
    () => munkres(plain),
    shape.slow,
  )
  const theirs = finiteTotal(m, raw)
  const equal = same(ours.total, theirs.total) && ours.pairs.length === theirs.placed
  console.error(
    `  ${shape.name}: placed=${ours.pairs.length} unplaced=${ours.unassigned.length} ` +
      `total=${ours.total.toFixed(6)} munkres_total=${theirs.total.toFixed(6)}`,
  )
  console.log(
    `planner shape=${shape.name} n=${m.rows}x${m.cols} ours_ms=${oursMs.toFixed(1)} munkres_ms=${theirsMs.toFixed(1)} ` +
      `ratio=${(oursMs / theirsMs).toFixed(2)} cost_equal=${equal}`,
  )
}

// The whole plan() on a synthetic fleet: pricing every pair, the assignment, the reasons. The
// naive strategy prices the same pairs and assigns in one pass, so the difference is the
// optimal assignment's share.
{
  const { jobs, slots, risk } = syntheticFleet(1500, 1000, mulberry32(11))
  const planner = createPlanner()
  const time = (strategy: 'optimal' | 'naive') => {
    planner.plan({ jobs, slots, risk, strategy })
    const t = performance.now()
    const plan = planner.plan({ jobs, slots, risk, strategy })
    return { ms: performance.now() - t, plan }
  }
  const optimal = time('optimal')
  const naive = time('naive')
  console.log(
    `planner plan jobs=${jobs.length} slots=${slots.length} plan_ms=${optimal.ms.toFixed(0)} ` +
      `naive_plan_ms=${naive.ms.toFixed(0)} placed=${optimal.plan.placements.length} ` +
      `total_usd=${optimal.plan.totalCost.toFixed(2)} naive_total_usd=${naive.plan.totalCost.toFixed(2)}`,
  )
}

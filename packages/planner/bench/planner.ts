/**
 * `npm run bench:planner`: our solveAssignment (munkres engine behind our infeasibility handling)
 * against the raw `munkres` package and the `munkres-js` baseline, on random feasible and partly
 * infeasible matrices. One line per size and matrix kind; ratios come from this run only.
 */
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { munkres } from 'munkres'
import { type CostMatrix, solveAssignment } from '../src/index.js'

const SIZES = [
  [100, 100],
  [500, 500],
  [1000, 1000],
  [2000, 2000],
  [1000, 5000],
] as const
const MUNKRES_JS_TIMEOUT_MS = 15_000
const INFEASIBLE_CELLS = 0.3
const DEAD_ROWS = 0.01

function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomMatrix(rows: number, cols: number, infeasible: boolean, seed: number): CostMatrix {
  const next = mulberry32(seed)
  const data = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) {
    const dead = infeasible && next() < DEAD_ROWS
    for (let j = 0; j < cols; j++) {
      data[i * cols + j] = dead || (infeasible && next() < INFEASIBLE_CELLS) ? Number.POSITIVE_INFINITY : next() * 100
    }
  }
  return { rows, cols, data }
}

/** Cost and count of the finite pairs a raw solver returned (raw solvers may pair +Infinity cells). */
function finiteTotal(m: CostMatrix, pairs: [number, number][]) {
  let total = 0
  let placed = 0
  for (const [i, j] of pairs) {
    const c = m.data[i * m.cols + j]!
    if (c < Number.POSITIVE_INFINITY) {
      total += c
      placed++
    }
  }
  return { total, placed }
}

function runMunkresJs(m: CostMatrix): Promise<{ ms: number; pairs: [number, number][] } | 'timeout'> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(new URL('./munkres-js-worker.cjs', import.meta.url)), { workerData: m })
    const timer = setTimeout(() => {
      void worker.terminate()
      resolve('timeout')
    }, MUNKRES_JS_TIMEOUT_MS)
    worker.once('message', (msg) => {
      clearTimeout(timer)
      void worker.terminate()
      resolve(msg)
    })
    worker.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

const same = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a))

// munkres-js is O(n³): once one size finishes, extrapolate, and only try sizes predicted to need
// less than twice the timeout (the prediction is rough; the worker is killed at the timeout anyway).
const lastFinished: Record<string, { n: number; ms: number } | 'hangs'> = {}

interface Measured {
  oursMs: number
  munkresMs: number
  /** munkres-js time, or undefined when skipped or killed */
  jsMs: number | undefined
  equal: boolean
  placed: number
  unplaced: number
}

async function measure(
  rows: number,
  cols: number,
  kind: 'feasible' | 'partly-infeasible',
  seed: number,
): Promise<Measured> {
  const m = randomMatrix(rows, cols, kind === 'partly-infeasible', seed)
  let t = performance.now()
  const ours = solveAssignment(m)
  const oursMs = performance.now() - t
  const plain: number[][] = []
  for (let i = 0; i < rows; i++) plain.push(Array.from(m.data.subarray(i * cols, (i + 1) * cols)))
  t = performance.now()
  const raw = finiteTotal(m, munkres(plain))
  const munkresMs = performance.now() - t
  let equal = same(ours.total, raw.total) && ours.pairs.length === raw.placed
  let jsMs: number | undefined
  const prev = lastFinished[kind]
  const n = Math.max(rows, cols)
  const predicted = prev === undefined ? 0 : prev === 'hangs' ? Number.POSITIVE_INFINITY : prev.ms * (n / prev.n) ** 3
  if (predicted < 2 * MUNKRES_JS_TIMEOUT_MS) {
    const r = await runMunkresJs(m)
    if (r === 'timeout') lastFinished[kind] = 'hangs'
    else {
      lastFinished[kind] = { n, ms: r.ms }
      jsMs = r.ms
      const jsTotal = finiteTotal(m, r.pairs)
      equal &&= same(ours.total, jsTotal.total) && ours.pairs.length === jsTotal.placed
    }
  }
  return { oursMs, munkresMs, jsMs, equal, placed: ours.pairs.length, unplaced: ours.unassigned.length }
}

// One stdout line per size: times are summed over the feasible and the partly infeasible matrix;
// munkres-js is timed on the feasible one (it never returns on the other). Details go to stderr.
let seed = 1
for (const [rows, cols] of SIZES) {
  const feasible = await measure(rows, cols, 'feasible', seed++)
  const partly = await measure(rows, cols, 'partly-infeasible', seed++)
  for (const [kind, x] of [
    ['feasible', feasible],
    ['partly-infeasible', partly],
  ] as const) {
    console.error(
      `  ${kind} ${rows}x${cols}: ours_ms=${x.oursMs.toFixed(0)} munkres_ms=${x.munkresMs.toFixed(0)} ` +
        `munkresjs_ms=${x.jsMs === undefined ? 'skipped' : x.jsMs.toFixed(0)} placed=${x.placed} unplaced=${x.unplaced} cost_equal=${x.equal}`,
    )
  }
  const ours = feasible.oursMs + partly.oursMs
  const raw = feasible.munkresMs + partly.munkresMs
  console.log(
    `planner n=${rows}x${cols} ours_ms=${ours.toFixed(0)} munkres_ms=${raw.toFixed(0)} ` +
      `munkresjs_ms=${feasible.jsMs === undefined ? 'skipped' : feasible.jsMs.toFixed(0)} ` +
      `ratio_vs_munkres=${(ours / raw).toFixed(2)} cost_equal=${feasible.equal && partly.equal}`,
  )
}

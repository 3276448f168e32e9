/**
 * How early the node asks for a spare, against a reactive alarm, on seeded synthetic memory
 * series sampled every 10 s:
 * - ramps of four slopes from 60 % toward 90 %: the lead (crossing time − request time) and
 *   how many were "absorbed" (asked for at least one 600 s warm-up ahead);
 * - rhythms that peak at 82 % and never cross, after an hour of history: false requests.
 * Baseline: the classic alarm at 80 % memory, on the same series.
 *
 * npm run bench:node-prognostics
 */
import { analyseSeries, hysteresis, nextSpareState, type TimedSample } from '../src/prognostics/index.js'
import { gaussian, T0 } from '../test/prognostics/synthetic.js'

const STEP = 10
const THRESHOLD = 90
const REACTIVE_AT = 80
const WARMUP = 600
const CAPACITY = 360
const h = hysteresis()

interface Run {
  /** Seconds from the request to the crossing (null: never requested; crossing null: never crossed). */
  spare: number | null
  reactive: number | null
  analyses: number
  ms: number
}

/** Analyses every `every` samples from `from` on, with the node's ring of the last 360 samples. */
function run(values: number[], from: number, every: number): Run {
  const samples: TimedSample[] = values.map((v, i) => ({ t: T0 + i * STEP, v }))
  const crossing = samples.find((s) => s.v >= THRESHOLD)?.t ?? null
  let requested = false
  let spareAt: number | null = null
  let analyses = 0
  let ms = 0
  for (let i = from; i < samples.length && spareAt === null; i += every) {
    const window = samples.slice(Math.max(0, i + 1 - CAPACITY), i + 1)
    const started = performance.now()
    const { probability } = analyseSeries(
      { name: 'memory', samples: window, threshold: THRESHOLD },
      { now: samples[i]!.t, warmupSec: WARMUP },
    )
    ms += performance.now() - started
    analyses++
    requested = nextSpareState(requested, probability, h)
    if (requested) spareAt = samples[i]!.t
  }
  const reactiveAt = samples.slice(from).find((s) => s.v >= REACTIVE_AT)?.t ?? null
  const lead = (at: number | null) => (at === null ? null : crossing === null ? Number.NaN : crossing - at)
  return { spare: lead(spareAt), reactive: lead(reactiveAt), analyses, ms }
}

const ramps = [0.01, 0.02, 0.04, 0.08].map((slope, k) => {
  const z = gaussian(100 + k)
  const n = 40 + Math.ceil(35 / slope / STEP)
  return Array.from({ length: n }, (_, i) => 60 + slope * STEP * Math.max(0, i - 40) + 0.5 * z())
})
const z = gaussian(200)
// One hour of history, then one hour evaluated.
const rhythm = Array.from(
  { length: 2 * CAPACITY },
  (_, i) => 70 + 12 * Math.sin((2 * Math.PI * i * STEP) / 600) + 0.5 * z(),
)

const results = ramps.map((values) => run(values, 0, 3))
const quiet = run(rhythm, CAPACITY, 12)
const all = [...results, quiet]
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const leads = (k: 'spare' | 'reactive') => results.map((r) => r[k] ?? 0)
const absorbed = (k: 'spare' | 'reactive') => results.filter((r) => (r[k] ?? 0) >= WARMUP).length
const spareLead = mean(leads('spare'))
const reactiveLead = mean(leads('reactive'))
console.log(
  `node-prognostics lead_spare_s=${spareLead.toFixed(0)} lead_reactive80_s=${reactiveLead.toFixed(0)} ` +
    `lead_ratio=${(spareLead / reactiveLead).toFixed(2)} ` +
    `absorbed_spare=${absorbed('spare')}/${ramps.length} absorbed_reactive80=${absorbed('reactive')}/${ramps.length} ` +
    `false_spare=${quiet.spare === null ? 0 : 1}/1 false_reactive80=${quiet.reactive === null ? 0 : 1}/1 ` +
    `analysis_ms=${(all.reduce((a, r) => a + r.ms, 0) / all.reduce((a, r) => a + r.analyses, 0)).toFixed(1)}`,
)

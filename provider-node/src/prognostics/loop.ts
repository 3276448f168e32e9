/**
 * The prognostics loop: samples every series at an interval into bounded rings, analyses them
 * (report.ts) and asks for a spare on a rising edge of the hysteresis.
 */
import type { NodeStatus } from '@synkti/jobs'
import {
  DEFAULT_ANALYSE_EVERY,
  DEFAULT_CAPACITY,
  DEFAULT_SAMPLE_INTERVAL_MS,
  DEFAULT_WARMUP_SEC,
  WINDOW_WARMUPS,
} from './constants.js'
import { InvalidPrognosticsOptionError } from './errors.js'
import { hysteresis, nextSpareState, type PrognosticsReport, prognosticsReport } from './report.js'
import { SampleRing, type TimedSample } from './ring.js'
import type { Sampler } from './samplers.js'

export interface PrognosticsLoopInit {
  samplers: readonly Sampler[]
  /** Between two rounds of sampling (default 10 s). */
  intervalMs?: number
  /** Timed rounds analyse every this many rounds (ARIMA fits cost ~0.1–1 s per series); default 6. */
  analyseEvery?: number
  /** Samples kept per series (default 360). */
  capacity?: number
  /** Time a spare needs to be ready (default 600 s). */
  warmupSec?: number
  /** Failures foreseen within this window make the risk (default 1.5 warm-ups, see report.ts). */
  windowSec?: number
  raiseAt?: number
  clearAt?: number
  /** Chance of a spot interruption within `withinSec` from `now` (unix s), e.g. a hazard model's `probabilityWithin`. */
  hazard?: (withinSec: number, now: number) => number
  /** Risk rose to `raiseAt`: pre-select and pre-warm a spare. Called once per rising edge. */
  onSpareNeeded?: (report: PrognosticsReport) => void | Promise<void>
  /** Risk fell below `clearAt`: the spare may be released. */
  onSpareCleared?: (report: PrognosticsReport) => void | Promise<void>
  /** A sampler failed this round (its series just misses the sample). */
  onSampleError?: (name: Sampler['name'], err: unknown) => void
  /** A timed round failed (a spare hook threw); the loop goes on. */
  onError?: (err: unknown) => void
  /** Wall clock in ms (default Date.now). */
  now?: () => number
}

export interface PrognosticsLoop extends AsyncDisposable {
  start(): void
  stop(): Promise<void>
  readonly isStarted: boolean
  /** One round now: read every sampler, analyse, update the spare request. */
  round(): Promise<PrognosticsReport>
  /** Read every sampler once, without analysing. */
  sample(): Promise<void>
  /** The last report, null before the first round. */
  report(): PrognosticsReport | null
  /** `NodeStatus.prognostics`. */
  status(): NodeStatus['prognostics']
  /** A series' samples, oldest first. */
  samples(name: Sampler['name']): TimedSample[]
}

export function createPrognosticsLoop(init: PrognosticsLoopInit): PrognosticsLoop {
  const intervalMs = init.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS
  if (!(Number.isFinite(intervalMs) && intervalMs > 0))
    throw new InvalidPrognosticsOptionError('intervalMs', intervalMs)
  const h = hysteresis({
    ...(init.raiseAt !== undefined ? { raiseAt: init.raiseAt } : {}),
    ...(init.clearAt !== undefined ? { clearAt: init.clearAt } : {}),
  })
  const warmupSec = init.warmupSec ?? DEFAULT_WARMUP_SEC
  const windowSec = init.windowSec ?? warmupSec * WINDOW_WARMUPS
  const analyseEvery = init.analyseEvery ?? DEFAULT_ANALYSE_EVERY
  if (!(Number.isInteger(analyseEvery) && analyseEvery > 0)) {
    throw new InvalidPrognosticsOptionError('analyseEvery', analyseEvery)
  }
  let rounds = 0
  const capacity = init.capacity ?? DEFAULT_CAPACITY
  const rings = new Map(init.samplers.map((s) => [s.name, new SampleRing(capacity)]))
  const wall = init.now ?? Date.now
  let last: PrognosticsReport | null = null
  let requested = false
  let started = false
  let timer: NodeJS.Timeout | undefined
  let tail: Promise<unknown> = Promise.resolve()

  const sampleAll = async (): Promise<void> => {
    const reads = await Promise.allSettled(init.samplers.map((s) => s.read()))
    const t = wall() / 1000
    reads.forEach((r, i) => {
      const sampler = init.samplers[i]!
      if (r.status === 'fulfilled') rings.get(sampler.name)!.push({ t, v: r.value })
      else init.onSampleError?.(sampler.name, r.reason)
    })
  }

  const analyse = async (): Promise<PrognosticsReport> => {
    const now = wall() / 1000
    const hazard = init.hazard?.(windowSec, now)
    const report = prognosticsReport(
      init.samplers.map((s) => ({
        name: s.name,
        samples: rings.get(s.name)!.toArray(),
        threshold: s.threshold,
        ...(s.direction !== undefined ? { direction: s.direction } : {}),
      })),
      { now, warmupSec, windowSec, ...(hazard !== undefined ? { hazard } : {}) },
    )
    last = report
    const next = nextSpareState(requested, report.risk, h)
    if (next !== requested) {
      requested = next
      await (next ? init.onSpareNeeded : init.onSpareCleared)?.(report)
    }
    return report
  }

  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn)
    tail = next.catch(() => {})
    return next
  }
  const round = (): Promise<PrognosticsReport> =>
    exclusive(async () => {
      await sampleAll()
      return analyse()
    })
  const timedRound = (): Promise<unknown> =>
    exclusive(async () => {
      await sampleAll()
      rounds++
      if (last === null || rounds % analyseEvery === 0) await analyse()
    })

  const schedule = (): void => {
    timer = setTimeout(() => {
      timedRound()
        .catch((err: unknown) => init.onError?.(err))
        .finally(() => {
          if (started) schedule()
        })
    }, intervalMs).unref()
  }

  return {
    start() {
      if (started) return
      started = true
      schedule()
    },
    async stop() {
      started = false
      clearTimeout(timer)
      await tail
    },
    get isStarted() {
      return started
    },
    round,
    sample: () => exclusive(sampleAll),
    report: () => last,
    status: () => ({ series: last?.series ?? [], risk: last?.risk ?? 0, spareRequested: requested }),
    samples: (name) => rings.get(name)?.toArray() ?? [],
    async [Symbol.asyncDispose]() {
      await this.stop()
    },
  }
}

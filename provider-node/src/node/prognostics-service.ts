import type { NodeStatus } from '@synkti/jobs'
import type { SeriesSamples } from '../api/index.js'
import {
  createPrognosticsLoop,
  detectGpuSampler,
  memorySampler,
  type PrognosticsLoop,
  requestsSampler,
  type Sampler,
} from '../prognostics/index.js'
import type { NodeComponents, Startable } from './components.js'
import { refusal } from './errors.js'
import type { FailoverCoordinator } from './failover-coordinator.js'

/** The series the status page charts, in its order. */
const CHARTED_SERIES = ['memory', 'gpu', 'requests'] as const
/** Points per charted series: a laptop-width chart has no use for more. */
const MAX_SERIES_POINTS = 180

/** At most `max` of `items`, evenly spread, the newest always kept. */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items]
  const step = (items.length - 1) / (max - 1)
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)] as T)
}

export interface PrognosticsComponents extends Pick<NodeComponents, 'config' | 'jobs' | 'log'> {
  failover: Pick<FailoverCoordinator, 'hazardWithin' | 'preselectSpare' | 'clearSpare' | 'spare'>
}

/**
 * What the node foresees about itself: memory, GPU and request series, a risk figure (with the
 * spot hazard on spot machines), and a spare pre-selected by the failover coordinator when the
 * risk is high. Its own service because it samples on a timer of its own and only reads the rest.
 */
export class PrognosticsService implements Startable {
  private current: PrognosticsLoop | undefined

  constructor(private readonly components: PrognosticsComponents) {}

  async start(): Promise<void> {
    const { config, log, failover } = this.components
    const gpu = await detectGpuSampler()
    this.current = createPrognosticsLoop({
      samplers: [memorySampler(), this.requestsSampler(), ...(gpu === null ? [] : [gpu])],
      ...(config.capability.spot ? { hazard: (within, now) => failover.hazardWithin(within, now) } : {}),
      onSpareNeeded: (report) => failover.preselectSpare(report.risk),
      onSpareCleared: () => failover.clearSpare(),
      onError: (err) => log({ event: 'prognostics-error', error: refusal(err) }),
    })
    this.current.start()
  }

  /** The loop once started, else undefined. */
  get loop(): PrognosticsLoop | undefined {
    return this.current
  }

  /** `NodeStatus.prognostics`: a spare pre-selected counts as requested. */
  status(): NodeStatus['prognostics'] {
    const prognostics = this.current?.status() ?? { series: [], risk: 0, spareRequested: false }
    return { ...prognostics, spareRequested: prognostics.spareRequested || this.components.failover.spare !== null }
  }

  /** The sampled series for the status page's charts (`/node`), thinned, each with its threshold. */
  chartSeries(): SeriesSamples[] {
    const loop = this.current
    if (loop === undefined) return []
    const thresholds = new Map(this.status().series.map((s) => [s.name, s.threshold]))
    return CHARTED_SERIES.flatMap((name) => {
      const samples = loop.samples(name)
      if (samples.length === 0) return []
      const points = thin(samples, MAX_SERIES_POINTS).map((p): [number, number] => [p.t, p.v])
      return [{ name, threshold: thresholds.get(name) ?? null, points }]
    })
  }

  /** Requests running + waiting, summed over the jobs this node serves. */
  private requestsSampler(): Sampler {
    const { jobs } = this.components
    const template = requestsSampler({ url: 'http://127.0.0.1:1' })
    return {
      ...template,
      read: async () => {
        const values = await Promise.all(jobs.endpoints().map((url) => requestsSampler({ url }).read()))
        return values.reduce((a, b) => a + b, 0)
      },
    }
  }

  async stop(): Promise<void> {
    await this.current?.[Symbol.asyncDispose]()
  }
}

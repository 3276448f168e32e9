import type { NodeStatus } from '@synkti/jobs'
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

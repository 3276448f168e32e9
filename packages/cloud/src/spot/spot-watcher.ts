import { EventEmitter } from 'node:events'
import { DEFAULT_PROBE_TIMEOUT_MS, SPOT_POLL_MS } from '../constants.js'
import { type InterruptionAction, parseInstanceAction, parseRebalance } from '../context/metadata-parsers.js'
import { MetadataUnavailableError, WatcherStateError } from '../errors.js'
import { ImdsClient } from '../imds/imds-client.js'

export interface InterruptionEvent {
  kind: 'interruption'
  action: InterruptionAction
  /** When AWS will act (the notice's `time`). */
  at: Date
  /** When this watcher first saw the notice (instance-action carries no notice time of its own). */
  noticeAt: Date
}

export interface RebalanceEvent {
  kind: 'rebalance'
  /** The recommendation's `noticeTime`. */
  noticeAt: Date
}

export type SpotEvent = InterruptionEvent | RebalanceEvent

export interface SpotWatcherEvents {
  interruption: [InterruptionEvent]
  rebalance: [RebalanceEvent]
  /** A poll that could not read IMDS; the watcher keeps polling. */
  'poll-failed': [Error]
}

/**
 * `cloud` is where the machine runs (e.g. `detectContext().kind`); only `aws` polls. Hetzner and OVH
 * give no preemption notice — their machines are on-demand — so for them (and a workstation) the
 * watcher never fires and the IMDS options are ignored.
 */
export interface SpotWatcherInit {
  cloud?: 'aws' | 'hetzner' | 'ovh' | 'workstation'
  imdsBaseUrl?: string
  pollMs?: number
  timeoutMs?: number
  tokenTtlS?: number
  refreshMarginS?: number
  /** Clock for token renewal; tests stall it to show recovery when local time and IMDS disagree. */
  now?: () => number
}

const INSTANCE_ACTION = '/latest/meta-data/spot/instance-action'
const REBALANCE = '/latest/meta-data/events/recommendations/rebalance'

export class SpotWatcher extends EventEmitter<SpotWatcherEvents> implements AsyncDisposable {
  /** `aws-imds` polls; `none` is the watcher of clouds without notices. */
  readonly source: 'aws-imds' | 'none'
  /** Events emitted so far, each kind at most once. */
  readonly seen: SpotEvent[] = []
  private readonly imds: ImdsClient | undefined
  private readonly pollMs: number
  private state: 'idle' | 'running' | 'stopped' = 'idle'
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | undefined

  constructor(init: SpotWatcherInit = {}) {
    super()
    if (init.cloud === undefined || init.cloud === 'aws') {
      this.source = 'aws-imds'
      this.pollMs = init.pollMs ?? SPOT_POLL_MS
      this.imds = new ImdsClient({
        timeoutMs: init.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        ...(init.imdsBaseUrl === undefined ? {} : { baseUrl: init.imdsBaseUrl }),
        ...(init.tokenTtlS === undefined ? {} : { tokenTtlS: init.tokenTtlS }),
        ...(init.refreshMarginS === undefined ? {} : { refreshMarginS: init.refreshMarginS }),
        ...(init.now === undefined ? {} : { now: init.now }),
      })
    } else {
      this.source = 'none'
      this.pollMs = 0
      this.imds = undefined
    }
  }

  /** Tokens fetched so far (renewals included). */
  get tokensIssued(): number {
    return this.imds?.tokensIssued ?? 0
  }

  /** GETs refused for an expired token (each recovered by one renewal and retry). */
  get tokenRejections(): number {
    return this.imds?.tokenRejections ?? 0
  }

  isStarted(): boolean {
    return this.state === 'running'
  }

  /** Obtains the first IMDSv2 token (MetadataUnavailableError if IMDS does not answer), then polls. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new WatcherStateError()
    if (this.imds !== undefined) {
      const session = await this.imds.session()
      if (!session.ok) {
        throw new MetadataUnavailableError(
          'aws',
          [session.reason],
          'run on an EC2 instance with IMDSv2 enabled, or create the watcher with the machine cloud (hetzner/ovh/workstation)',
        )
      }
    }
    this.state = 'running'
    if (this.imds !== undefined) this.schedule(0)
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return
    this.state = 'stopped'
    clearTimeout(this.timer)
    await this.inFlight
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** Resolves with the first event of this kind (at once if already seen). */
  next<K extends SpotEvent['kind']>(kind: K): Promise<Extract<SpotEvent, { kind: K }>> {
    const seen = this.seen.find((e) => e.kind === kind)
    if (seen !== undefined) return Promise.resolve(seen as Extract<SpotEvent, { kind: K }>)
    return new Promise((resolve) => {
      this.once(kind, ((event: SpotEvent) => resolve(event as Extract<SpotEvent, { kind: K }>)) as never)
    })
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.poll()
        .catch((err: unknown) => {
          this.emit('poll-failed', err instanceof Error ? err : new Error(String(err)))
        })
        .finally(() => {
          this.inFlight = undefined
          if (this.state === 'running' && !this.done()) this.schedule(this.pollMs)
        })
    }, delayMs)
  }

  /** Both notices seen: nothing more can come, polling stops by itself. */
  private done(): boolean {
    return this.has('interruption') && this.has('rebalance')
  }

  private has(kind: SpotEvent['kind']): boolean {
    return this.seen.some((e) => e.kind === kind)
  }

  private async poll(): Promise<void> {
    if (!this.has('interruption')) {
      const body = await this.read(INSTANCE_ACTION)
      if (body !== undefined) {
        const { action, at } = parseInstanceAction(body)
        this.publish({ kind: 'interruption', action, at, noticeAt: new Date() })
      }
    }
    if (!this.has('rebalance')) {
      const body = await this.read(REBALANCE)
      if (body !== undefined) this.publish({ kind: 'rebalance', ...parseRebalance(body) })
    }
  }

  /** The body when present; 404 means "no notice"; anything else is reported and treated as none. */
  private async read(path: string): Promise<string | undefined> {
    if (this.imds === undefined || this.state !== 'running') return undefined
    const res = await this.imds.get(path)
    if (res.ok && res.status === 200) return res.body
    if (res.ok && res.status === 404) return undefined
    const reason = res.ok ? `${path} answered ${res.status}` : res.reason
    this.emit('poll-failed', new MetadataUnavailableError('aws', [reason], 'check that IMDS is reachable'))
    return undefined
  }

  private publish(event: SpotEvent): void {
    if (this.state !== 'running') return
    this.seen.push(event)
    if (event.kind === 'interruption') this.emit('interruption', event)
    else this.emit('rebalance', event)
  }
}

export function createSpotWatcher(init: SpotWatcherInit = {}): SpotWatcher {
  return new SpotWatcher(init)
}

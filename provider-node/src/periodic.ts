/**
 * A piece of work run at once and then again after each run, one run at a time: the settlement
 * loop's ticks and the runway watcher's checks. A call made between runs (`exclusive`) waits for
 * the run in progress, and the next run waits for it. Once stopped it stays stopped.
 */
export interface PeriodicInit {
  /** One scheduled run; it should itself go through `exclusive`. */
  run: () => Promise<unknown>
  /** Milliseconds from the end of a run to the next, asked after each run. */
  delayMs: () => number
  /** A scheduled run failed. */
  onError: (err: unknown) => void
  /** What `start` throws and `exclusive` rejects with once stopped. */
  stoppedError: () => Error
}

export class Periodic {
  private timer: NodeJS.Timeout | undefined
  private started = false
  private stopped = false
  private tail: Promise<unknown> = Promise.resolve()

  constructor(private readonly init: PeriodicInit) {}

  get isStarted(): boolean {
    return this.started
  }

  /** Runs now, then again `delayMs()` after each run ends, until stopped. Throws once stopped. */
  start(): void {
    if (this.stopped) throw this.init.stoppedError()
    if (this.started) return
    this.started = true
    const run = (): void => {
      this.init
        .run()
        .catch((err: unknown) => this.init.onError(err))
        .finally(() => {
          if (this.started) this.timer = setTimeout(run, this.init.delayMs()).unref()
        })
    }
    run()
  }

  /** Stops running and waits for the work in progress. */
  async stop(): Promise<void> {
    this.started = false
    this.stopped = true
    clearTimeout(this.timer)
    await this.tail.catch(() => {})
  }

  /** Runs `fn` after the work in progress (never beside it); rejects once stopped. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(this.init.stoppedError())
    const next = this.tail.then(fn)
    this.tail = next.catch(() => {})
    return next
  }
}

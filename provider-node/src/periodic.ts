/**
 * A piece of work run at once and then again after each run, one run at a time: the settlement
 * loop's ticks and the runway watcher's checks extend it. A call made between runs (through
 * `exclusive`) waits for the run in progress, and the next run waits for it. Once stopped it
 * stays stopped.
 */
export abstract class Periodic implements AsyncDisposable {
  private timer: NodeJS.Timeout | undefined
  private started = false
  private stopped = false
  private tail: Promise<unknown> = Promise.resolve()

  /** One scheduled run; it goes through `exclusive` itself. */
  protected abstract scheduledRun(): Promise<unknown>
  /** Milliseconds from the end of a run to the next, asked after each run. */
  protected abstract delayMs(): number
  /** A scheduled run failed. */
  protected abstract runFailed(err: unknown): void
  /** What `start` throws and `exclusive` rejects with once stopped. */
  protected abstract stoppedError(): Error

  get isStarted(): boolean {
    return this.started
  }

  /** Runs now, then again `delayMs()` after each run ends, until stopped. Throws once stopped. */
  start(): void {
    if (this.stopped) throw this.stoppedError()
    if (this.started) return
    this.started = true
    const run = (): void => {
      this.scheduledRun()
        .catch((err: unknown) => this.runFailed(err))
        .finally(() => {
          if (this.started) this.timer = setTimeout(run, this.delayMs()).unref()
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

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  /** Runs `fn` after the work in progress (never beside it); rejects once stopped. */
  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(this.stoppedError())
    const next = this.tail.then(fn)
    this.tail = next.catch(() => {})
    return next
  }
}

/**
 * Admission of requests into a fixed number of decode slots, counting running and waiting
 * requests the way vLLM's scheduler reports them. Waiters are served first come, first served.
 */
export class Admission {
  #running = 0
  readonly #waiters: Array<() => void> = []

  constructor(readonly maxRunning: number) {}

  get running(): number {
    return this.#running
  }

  get waiting(): number {
    return this.#waiters.length
  }

  /** Resolves once the caller holds a slot; it must call `release()` exactly once afterwards. */
  acquire(): Promise<void> {
    if (this.#running < this.maxRunning) {
      this.#running++
      return Promise.resolve()
    }
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  release(): void {
    const next = this.#waiters.shift()
    // The slot passes straight to the next waiter, so `running` stays the same.
    if (next !== undefined) next()
    else this.#running--
  }
}

/**
 * A fixed set of decode slots (context sequences) handed out first come, first served, counted
 * the way vLLM's scheduler reports them: running holds a slot, waiting queues for one.
 */
export class Slots<T> {
  readonly #free: T[]
  readonly #waiters: Array<{ resolve: (slot: T) => void; reject: (reason: unknown) => void }> = []
  #running = 0

  constructor(slots: readonly T[]) {
    this.#free = [...slots]
  }

  get running(): number {
    return this.#running
  }

  get waiting(): number {
    return this.#waiters.length
  }

  /** Resolves with a slot the caller must `release` exactly once; an aborted wait leaves the queue. */
  acquire(signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted()
    const slot = this.#free.pop()
    if (slot !== undefined) {
      this.#running++
      return Promise.resolve(slot)
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        resolve: (granted: T) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(granted)
        },
        reject,
      }
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter)
        if (index >= 0) this.#waiters.splice(index, 1)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  release(slot: T): void {
    const next = this.#waiters.shift()
    // The slot passes straight to the next waiter, so `running` stays the same.
    if (next !== undefined) next.resolve(slot)
    else {
      this.#running--
      this.#free.push(slot)
    }
  }

  /** Fails every waiter (the engine is closing). */
  rejectWaiters(reason: unknown): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason)
  }
}

/**
 * A bounded FIFO between a child's output and a reader: the child is never paused (a paused
 * pipe would stall the job itself), so when the reader falls behind the oldest entries are
 * dropped and counted instead of growing memory without bound.
 */
export class LogBuffer<T> implements AsyncIterable<T> {
  readonly #items: Array<T | undefined>
  #head = 0
  #size = 0
  #dropped = 0
  #closed = false
  #waiters: Array<() => void> = []

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer`)
    this.#items = new Array(capacity)
  }

  /** Entries lost because the reader was behind. */
  get dropped(): number {
    return this.#dropped
  }

  get size(): number {
    return this.#size
  }

  get closed(): boolean {
    return this.#closed
  }

  push(item: T): void {
    if (this.#closed) return
    if (this.#size === this.capacity) {
      this.#items[this.#head] = undefined
      this.#head = (this.#head + 1) % this.capacity
      this.#size--
      this.#dropped++
    }
    this.#items[(this.#head + this.#size) % this.capacity] = item
    this.#size++
    this.#wake()
  }

  /** No more entries will come; readers finish once the buffer is empty. */
  close(): void {
    this.#closed = true
    this.#wake()
  }

  #shift(): T {
    const item = this.#items[this.#head] as T
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) % this.capacity
    this.#size--
    return item
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  /** Each entry goes to one reader; several readers share the stream. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#size > 0) yield this.#shift()
      else if (this.#closed) return
      else await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
  }
}

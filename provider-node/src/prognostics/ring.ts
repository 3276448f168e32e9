/** A bounded buffer of timed samples: the oldest sample goes when a new one arrives at capacity. */
import { InvalidPrognosticsOptionError } from './errors.js'

export interface TimedSample {
  /** Unix seconds (fractional). */
  t: number
  v: number
}

export class SampleRing {
  private readonly buffer: TimedSample[] = []
  private start = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new InvalidPrognosticsOptionError('capacity', capacity)
  }

  get size(): number {
    return this.buffer.length
  }

  /** Adds a sample; one not after the newest (a clock step back) replaces nothing and is ignored. */
  push(sample: TimedSample): boolean {
    const last = this.last()
    if (!Number.isFinite(sample.v) || !Number.isFinite(sample.t) || (last !== undefined && sample.t <= last.t)) {
      return false
    }
    if (this.buffer.length < this.capacity) this.buffer.push(sample)
    else {
      this.buffer[this.start] = sample
      this.start = (this.start + 1) % this.capacity
    }
    return true
  }

  last(): TimedSample | undefined {
    if (this.buffer.length === 0) return undefined
    return this.buffer[(this.start + this.buffer.length - 1) % this.buffer.length]
  }

  /** Samples, oldest first. */
  toArray(): TimedSample[] {
    return [...this.buffer.slice(this.start), ...this.buffer.slice(0, this.start)]
  }
}

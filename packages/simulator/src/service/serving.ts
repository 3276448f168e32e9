/**
 * Integrates how many replicas serve over time: replica-hours (capped at the N the service
 * needs, so over-provisioning buys no capacity), the time with at least one replica and with all
 * N, and the outages (no replica serving). Time before `from` (the first boot) is not counted.
 */
export interface ServingMetrics {
  /** replica-hours served, each instant counting at most N replicas */
  replicaHours: number
  /** share of [from, end) with ≥ 1 replica serving */
  anyUp: number
  /** share of [from, end) with all N serving */
  allUp: number
  longestOutageSeconds: number
  outages: number
}

export class ServingTracker {
  private last: number
  private serving = 0
  private replicaSeconds = 0
  private anySeconds = 0
  private allSeconds = 0
  private outageStart: number
  private longest = 0
  private outages = 0
  readonly timeline: [number, number][] = []

  constructor(
    private readonly from: number,
    private readonly replicas: number,
    private readonly record = false,
  ) {
    this.last = from
    this.outageStart = from
  }

  /** The number serving changed to `serving` at `time`. */
  set(time: number, serving: number): void {
    this.advance(time)
    if (serving === this.serving) return
    if (this.serving === 0 && serving > 0) this.closeOutage(time)
    if (this.serving > 0 && serving === 0) this.outageStart = Math.max(time, this.from)
    this.serving = serving
    if (this.record) {
      const t = Math.max(time, this.from)
      if (this.timeline.at(-1)?.[0] === t) this.timeline.at(-1)![1] = serving
      else this.timeline.push([t, serving])
    }
  }

  finish(end: number): ServingMetrics {
    this.advance(end)
    if (this.serving === 0) this.closeOutage(end)
    const span = Math.max(1e-9, end - this.from)
    return {
      replicaHours: this.replicaSeconds / 3600,
      anyUp: this.anySeconds / span,
      allUp: this.allSeconds / span,
      longestOutageSeconds: this.longest,
      outages: this.outages,
    }
  }

  private closeOutage(time: number) {
    const t = Math.max(time, this.from)
    if (t > this.outageStart) {
      this.longest = Math.max(this.longest, t - this.outageStart)
      this.outages++
    }
  }

  private advance(time: number) {
    const t = Math.max(time, this.from)
    const dt = t - this.last
    if (dt <= 0) return
    this.replicaSeconds += Math.min(this.serving, this.replicas) * dt
    if (this.serving > 0) this.anySeconds += dt
    if (this.serving >= this.replicas) this.allSeconds += dt
    this.last = t
  }
}

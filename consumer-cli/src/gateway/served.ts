/**
 * What the consumer was actually served, as its gateway saw it: health probes and answered
 * requests, in chain seconds. Pure: the gateway signs receipts only for what this ledger covers,
 * so it never vouches for a period in which it could not reach the job.
 */

/** One observation of the job: reachable and healthy (`ok`) or not, at chain time `at`. */
export interface Observation {
  at: number
  ok: boolean
}

export class ServedLedger {
  private readonly seen: Observation[] = []

  /**
   * @param maxSilenceSec longest span between two healthy observations that still counts as
   *   continuous service (a few probe intervals: one lost probe is not an outage)
   * @param keepSec observations older than this (behind the newest) are forgotten
   */
  constructor(
    private readonly maxSilenceSec: number,
    private readonly keepSec = 3_600,
  ) {}

  observe(at: number, ok: boolean): void {
    const last = this.seen.at(-1)
    if (last !== undefined && at < last.at) return
    this.seen.push({ at, ok })
    const horizon = at - this.keepSec
    while ((this.seen[0]?.at ?? Number.POSITIVE_INFINITY) < horizon) this.seen.shift()
  }

  /**
   * The latest time `t` such that the job was seen healthy without a break from at most
   * `from` (or the start of the ledger, if earlier and healthy) up to `t`; null when service
   * was not continuous from `from`. Only such a `[from, t]` may be receipted.
   */
  coveredUntil(from: number): number | null {
    for (const run of this.runs()) {
      if (run.start <= from && run.end > from) return run.end
    }
    return null
  }

  /** Maximal spans of healthy sightings no further apart than `maxSilenceSec`. */
  private runs(): { start: number; end: number }[] {
    const runs: { start: number; end: number }[] = []
    let current: { start: number; end: number } | null = null
    for (const o of this.seen) {
      if (!o.ok) {
        current = null
        continue
      }
      if (current !== null && o.at - current.end <= this.maxSilenceSec) {
        current.end = o.at
      } else {
        current = { start: o.at, end: o.at }
        runs.push(current)
      }
    }
    return runs
  }
}

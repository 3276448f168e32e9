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

/** A span of continuous healthy service, in chain seconds. */
export interface Run {
  start: number
  end: number
}

export class ServedLedger {
  private readonly seen: Observation[] = []
  /**
   * Runs an earlier gateway process saw, restored from its state file. They are closed: the
   * time between that process's last sighting and this one's first went unobserved, so no new
   * sighting extends them, however soon it comes.
   */
  private sealed: Run[] = []

  /**
   * @param maxSilenceSec longest span between two healthy observations that still counts as
   *   continuous service (a few probe intervals: one lost probe is not an outage)
   * @param keepSec observations older than this (behind the newest) are forgotten
   */
  constructor(
    private readonly maxSilenceSec: number,
    private readonly keepSec = 3_600,
  ) {}

  /** A ledger holding `runs` (from a state file) as closed runs; new sightings start new ones. */
  static restore(runs: readonly Run[], maxSilenceSec: number, keepSec?: number): ServedLedger {
    const ledger = new ServedLedger(maxSilenceSec, keepSec)
    ledger.sealed = runs.filter((r) => r.end >= r.start).map((r) => ({ start: r.start, end: r.end }))
    ledger.sealed.sort((a, b) => a.start - b.start)
    return ledger
  }

  observe(at: number, ok: boolean): void {
    const last = this.seen.at(-1) ?? (this.sealed.length > 0 ? { at: this.newestSealed() } : undefined)
    if (last !== undefined && at < last.at) return
    this.seen.push({ at, ok })
    const horizon = at - this.keepSec
    while ((this.seen[0]?.at ?? Number.POSITIVE_INFINITY) < horizon) this.seen.shift()
    this.sealed = this.sealed.filter((r) => r.end >= horizon)
  }

  /** Every run this ledger knows, oldest first: what a state file keeps. */
  snapshot(): Run[] {
    return this.runs().map((r) => ({ start: r.start, end: r.end }))
  }

  /** The end of the newest run, or null when nothing healthy was seen. */
  servedUntil(): number | null {
    return this.runs().at(-1)?.end ?? null
  }

  private newestSealed(): number {
    return Math.max(...this.sealed.map((r) => r.end))
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
  private runs(): Run[] {
    const runs: Run[] = this.sealed.map((r) => ({ ...r }))
    let current: Run | null = null
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

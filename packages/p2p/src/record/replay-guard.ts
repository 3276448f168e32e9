import { StaleRecordError } from '../errors.js'

/** Above this many keys, expired entries are swept on insert. */
const MAX_TRACKED_KEYS = 4096

interface Seen {
  seq: number
  expiresAt: number
}

/**
 * Remembers the highest sequence number seen per provider key, so an older (replayed) record
 * cannot overwrite a newer one on this node. kad-dht stores whatever passes the validator, so the
 * memory lives in the validator. Entries are dropped once the newest record they describe has
 * expired: after that a lower sequence number is no longer a replay of anything live.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, Seen>()

  /** Throws StaleRecordError if `seq` is below the newest live one seen for `key`; else records it. */
  observe(key: string, seq: number, expiresAt: number, now: number): void {
    const prior = this.live(key, now)
    if (prior !== undefined && seq < prior.seq) throw new StaleRecordError(seq, prior.seq)
    const keep = prior !== undefined && seq === prior.seq ? Math.max(expiresAt, prior.expiresAt) : expiresAt
    this.seen.set(key, { seq, expiresAt: keep })
    if (this.seen.size > MAX_TRACKED_KEYS) this.prune(now)
  }

  /** The newest sequence number seen for `key`, if still live. */
  newest(key: string, now: number): number | undefined {
    return this.live(key, now)?.seq
  }

  private live(key: string, now: number): Seen | undefined {
    const prior = this.seen.get(key)
    return prior !== undefined && prior.expiresAt > now ? prior : undefined
  }

  private prune(now: number): void {
    for (const [key, entry] of this.seen) if (entry.expiresAt <= now) this.seen.delete(key)
  }
}

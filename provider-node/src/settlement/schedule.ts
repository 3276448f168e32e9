/**
 * When attestations are due: pure arithmetic over chain seconds, no I/O. The loop (loop.ts)
 * feeds it the leases this node serves and what each is already covered up to.
 */
import type { PublicKey } from '@solana/web3.js'
import { DEFAULT_INTERVAL_FRACTION } from './constants.js'
import { InvalidAttestationIntervalError, InvalidIntervalFractionError } from './errors.js'

/** A lease this node serves right now. */
export interface LeaseRef {
  lease: PublicKey
  /** Chain unix seconds this node began serving it (acceptance or hand-off): where billing starts. */
  since: number
  /**
   * The lease account's `openedAt`, which with the address names the lease (an address can be
   * reused). When absent the loop reads it from the chain once per address.
   */
  openedAt?: number
}

/** A served lease as the schedule sees it: its key (`leaseKey`) and where billing starts. */
export interface KeyedLease {
  key: string
  since: number
}

/** One attestation to queue: the lease `key` was served up to `until` (chain unix seconds). */
export interface DueAttestation {
  key: string
  until: number
}

export interface IntervalInit {
  /** Seconds between attestations of one lease; at most the market's gap. */
  intervalSec?: number
  /** Share of the gap when `intervalSec` is absent; default one half. */
  fraction?: number
}

/**
 * Seconds between two attestations of one lease in a market whose `maxAttestationGapSecs` is
 * `gapSecs`: never above the gap, else the consumer could reclaim a lease that is being served.
 */
export function attestationInterval(gapSecs: number, init: IntervalInit = {}): number {
  if (!(Number.isFinite(gapSecs) && gapSecs > 0)) throw new InvalidAttestationIntervalError(gapSecs, null)
  if (init.intervalSec !== undefined) {
    const interval = init.intervalSec
    if (!(Number.isFinite(interval) && interval > 0)) throw new InvalidAttestationIntervalError(interval, null)
    if (interval > gapSecs) throw new InvalidAttestationIntervalError(interval, gapSecs)
    return interval
  }
  const fraction = init.fraction ?? DEFAULT_INTERVAL_FRACTION
  if (!(fraction > 0 && fraction <= 1)) throw new InvalidIntervalFractionError(fraction)
  // Chain time is whole seconds; rounding down keeps the interval within the gap.
  return Math.max(1, Math.floor(gapSecs * fraction))
}

/**
 * The attestations due at chain time `now`: every lease whose coverage (the last `until`
 * settled or queued, else the time service began) is at least `intervalSec` old. `until` is
 * `now`, so one transaction pays everything served so far.
 */
export function due(
  leases: readonly KeyedLease[],
  covered: ReadonlyMap<string, number>,
  now: number,
  intervalSec: number,
): DueAttestation[] {
  const out: DueAttestation[] = []
  for (const { key, since } of leases) {
    const from = Math.max(since, covered.get(key) ?? since)
    if (now > from && now - from >= intervalSec) out.push({ key, until: now })
  }
  return out
}

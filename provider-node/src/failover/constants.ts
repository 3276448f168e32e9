import type { FailoverPhaseKind } from '@synkti/jobs'

/** Version of the persisted failover document; bumped when its shape changes. */
export const FAILOVER_STATE_VERSION = 1

/**
 * Offers made before giving up. Each offer is a dial plus a signed round trip and possibly a
 * transaction (seconds each), and the whole failover must fit in the 120 s spot notice.
 */
export const DEFAULT_MAX_OFFERS = 3

/** One file per failover: `<id>.json`; incomplete writes end in `.tmp`, unreadable files in `.corrupt`. */
export const STATE_FILE_SUFFIX = '.json'
export const CORRUPT_FILE_SUFFIX = '.corrupt'

/** Failover ids become file names, so they are limited to a portable alphabet. */
export const FAILOVER_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

/** setTimeout fires at once for delays above 2^31 - 1 ms; longer waits are clamped to this. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** The status document's limit on a failure reason (`failoverViewSchema` in @synkti/jobs). */
export const VIEW_REASON_MAX_CHARS = 512
/** The status document's limit on listed phases; the view keeps the latest. */
export const VIEW_MAX_PHASES = 64

/**
 * The phases, in their happy-path order: @synkti/jobs' `FAILOVER_PHASES`, restated here so the
 * store does not import that package at start-up (its dependencies take seconds to load).
 */
export const FAILOVER_PHASE_KINDS = [
  'serving',
  'draining',
  'selecting',
  'handing-off',
  'spawning',
  'health',
  'restored',
  'failed',
] as const satisfies readonly FailoverPhaseKind[]
// ...and the restatement must name every phase @synkti/jobs knows.
const everyPhaseListed: Exclude<FailoverPhaseKind, (typeof FAILOVER_PHASE_KINDS)[number]> extends never ? true : false =
  true
void everyPhaseListed

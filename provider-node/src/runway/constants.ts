/** Defaults of the runway watcher, each with the reason for its value. */

/**
 * Warn when the escrow pays for less than this many more seconds: the consumer's gateway warns
 * (and tops up, if allowed) below 600 s by default (`synkti gateway --warn-runway`), so both
 * sides see the same moment.
 */
export const DEFAULT_RUNWAY_WARN_SEC = 600

/**
 * How often every served lease is read. A lease about to run out is also checked at the second
 * its escrow ends, whatever this is, so it bounds how late a top-up or a dispute is noticed.
 */
export const DEFAULT_RUNWAY_POLL_MS = 5_000

/** The soonest the next check runs after one ends (a lease ending now is not read in a busy loop). */
export const MIN_CHECK_DELAY_MS = 200

/** After the second a lease's escrow ends, so that the chain's whole-second clock has reached it. */
export const EXHAUSTION_MARGIN_MS = 50

/** `error` events and status texts are at most this long. */
export const MAX_ERROR_LENGTH = 512

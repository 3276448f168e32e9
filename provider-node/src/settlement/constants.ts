/** Defaults of the settlement loop, each with the reason for its value. */

/**
 * Share of the market's `maxAttestationGapSecs` between two attestations of one lease. Half the
 * gap leaves one whole missed interval (an RPC outage, a slow confirmation) before the consumer
 * may reclaim the lease as stalled.
 */
export const DEFAULT_INTERVAL_FRACTION = 0.5

/** How often the loop looks for due attestations and retries the queue. */
export const DEFAULT_TICK_MS = 5_000

/** First retry delay after a failed send; doubles per attempt of the item. */
export const DEFAULT_BACKOFF_BASE_MS = 1_000

/** Longest retry delay: an RPC back after an outage is noticed within a minute. */
export const DEFAULT_BACKOFF_MAX_MS = 60_000

/** Sub-directory of the node's state dir owned by settlement. */
export const SETTLEMENT_DIR = 'settlement'

/** One file per queued lease lives here (`<lease>.json`, written atomically). */
export const QUEUE_DIR = 'queue'

/** Append-only record (JSONL, fsync'd) of every attestation sent and every item dropped. */
export const JOURNAL_FILE = 'journal.jsonl'

/** The market's attestation gap as last read, so a node restarted while the RPC is down still schedules. */
export const MARKET_FILE = 'market.json'

/** A change of the chain-minus-wall clock offset at least this large is written to disk (a warp, a skew). */
export const CLOCK_OFFSET_PERSIST_SEC = 2

/** `NodeStatus.settlement.lastError` is at most this long. */
export const MAX_ERROR_LENGTH = 512

/** Errors of the settlement loop. One class per condition, `name` set; callers check `err.name`. */

/** The attestation interval is not positive, or longer than the market allows between attestations. */
export class InvalidAttestationIntervalError extends Error {
  override name = 'InvalidAttestationIntervalError'
  constructor(
    readonly intervalSec: number,
    readonly maxGapSecs: number | null,
    message = maxGapSecs === null
      ? `attestation interval must be a positive number of seconds, got ${intervalSec}`
      : `attestation interval ${intervalSec} s exceeds the market's attestation gap of ${maxGapSecs} s (the consumer could reclaim a served lease as stalled)`,
  ) {
    super(message)
  }
}

/** The interval fraction is outside (0, 1]. */
export class InvalidIntervalFractionError extends Error {
  override name = 'InvalidIntervalFractionError'
  constructor(
    readonly fraction: number,
    message = `interval fraction must lie in (0, 1], got ${fraction}`,
  ) {
    super(message)
  }
}

/** A queue file that is not a queue item: written by something else (our writes are atomic). */
export class CorruptQueueItemError extends Error {
  override name = 'CorruptQueueItemError'
  constructor(
    readonly path: string,
    readonly reason: string,
    message = `settlement queue item ${path} is corrupt: ${reason}; move it aside to start`,
  ) {
    super(message)
  }
}

/**
 * Queue files of the earlier format (`queue/<lease>.json`, no `openedAt`): they name a lease by
 * its address alone, which a later lease can reuse, so they cannot be sent safely and are not
 * guessed at. Nothing is deleted; the operator moves them aside (what they covered is settled by
 * the lease's next attestation or its close, which pay from the chain's `settledUntil`).
 */
export class LegacyQueueItemError extends Error {
  override name = 'LegacyQueueItemError'
  constructor(
    readonly paths: readonly string[],
    message = `settlement queue item${paths.length === 1 ? '' : 's'} ${paths.join(', ')} ${paths.length === 1 ? 'has' : 'have'} the earlier format (lease address without its open time) and cannot be told apart from a later lease at the same address; move ${paths.length === 1 ? 'it' : 'them'} aside to start (the next attestation or the close of a lease still open pays from its last settlement)`,
  ) {
    super(message)
  }
}

/** `until` is not a whole number of unix seconds, `openedAt` not a chain time, or the lease is not a base58 address. */
export class InvalidQueueItemError extends Error {
  override name = 'InvalidQueueItemError'
  constructor(
    readonly field: 'lease' | 'openedAt' | 'until',
    readonly value: unknown,
    message = `invalid settlement item ${field}: ${JSON.stringify(value)}`,
  ) {
    super(message)
  }
}

/** The loop was used after `stop()`. */
export class SettlementLoopStoppedError extends Error {
  override name = 'SettlementLoopStoppedError'
  constructor(message = 'the settlement loop is stopped') {
    super(message)
  }
}

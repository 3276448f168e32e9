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

/** `until` is not a whole number of unix seconds, or the lease is not a base58 address. */
export class InvalidQueueItemError extends Error {
  override name = 'InvalidQueueItemError'
  constructor(
    readonly field: 'lease' | 'until',
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

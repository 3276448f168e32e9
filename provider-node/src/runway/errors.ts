/** Errors of the runway watcher. One class per condition, `name` set; callers check `err.name`. */

/** The warning threshold is not a positive number of seconds. */
export class InvalidRunwayThresholdError extends Error {
  override name = 'InvalidRunwayThresholdError'
  constructor(
    readonly warnBelowSec: number,
    message = `runway warning threshold must be a positive number of seconds, got ${warnBelowSec}`,
  ) {
    super(message)
  }
}

/** The watcher was used after `stop()`. */
export class RunwayWatcherStoppedError extends Error {
  override name = 'RunwayWatcherStoppedError'
  constructor(message = 'the runway watcher is stopped') {
    super(message)
  }
}

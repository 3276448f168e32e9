/** Errors of the node's prognostics. One class per condition, `name` set; callers check `err.name`. */

/** `clearAt` must lie below `raiseAt`, both in [0, 1], or the spare request would flap or never clear. */
export class InvalidHysteresisError extends Error {
  override name = 'InvalidHysteresisError'
  constructor(
    readonly raiseAt: number,
    readonly clearAt: number,
    message = `spare hysteresis needs 0 ≤ clearAt < raiseAt ≤ 1, got clearAt ${clearAt}, raiseAt ${raiseAt}`,
  ) {
    super(message)
  }
}

/** A ring buffer capacity, interval or window that is not a positive integer / number. */
export class InvalidPrognosticsOptionError extends Error {
  override name = 'InvalidPrognosticsOptionError'
  constructor(
    readonly option: string,
    readonly value: unknown,
    message = `invalid prognostics option ${option}: ${JSON.stringify(value)}`,
  ) {
    super(message)
  }
}

/** The job's /metrics does not expose a gauge the requests sampler reads. */
export class MetricNotFoundError extends Error {
  override name = 'MetricNotFoundError'
  constructor(
    readonly metric: string,
    readonly url: string,
    message = `${metric} is missing from ${url}`,
  ) {
    super(message)
  }
}

/** The job's /metrics answered with a status other than 200. */
export class MetricsEndpointError extends Error {
  override name = 'MetricsEndpointError'
  constructor(
    readonly url: string,
    readonly status: number,
    message = `${url} answered ${status}`,
  ) {
    super(message)
  }
}

/** nvidia-smi ran but printed something that is not its CSV. */
export class NvidiaSmiOutputError extends Error {
  override name = 'NvidiaSmiOutputError'
  constructor(
    readonly line: string,
    message = `unexpected nvidia-smi output: ${JSON.stringify(line)}`,
  ) {
    super(message)
  }
}

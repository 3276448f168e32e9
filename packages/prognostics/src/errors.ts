/**
 * One error class per bad-input condition. Callers branch on `err.name`, never on the message.
 */

/** A series has fewer points than the operation needs. */
export class TooShortSeriesError extends Error {
  static override readonly name = 'TooShortSeriesError'
  constructor(message = 'series is too short for this operation') {
    super(message)
    this.name = 'TooShortSeriesError'
  }
}

/** A value or timestamp is NaN or infinite. */
export class NonFiniteValueError extends Error {
  static override readonly name = 'NonFiniteValueError'
  constructor(message = 'series contains a NaN or infinite value') {
    super(message)
    this.name = 'NonFiniteValueError'
  }
}

/** Timestamps must strictly increase. */
export class NonIncreasingTimestampsError extends Error {
  static override readonly name = 'NonIncreasingTimestampsError'
  constructor(message = 'timestamps must be strictly increasing') {
    super(message)
    this.name = 'NonIncreasingTimestampsError'
  }
}

/** Timestamps and values differ in length. */
export class LengthMismatchError extends Error {
  static override readonly name = 'LengthMismatchError'
  constructor(message = 'timestamps and values differ in length') {
    super(message)
    this.name = 'LengthMismatchError'
  }
}

/** An ARIMA order (p, d, q, P, D, Q, season) is negative, fractional or unsupported. */
export class InvalidOrderError extends Error {
  static override readonly name = 'InvalidOrderError'
  constructor(message = 'ARIMA orders must be non-negative integers within the supported range') {
    super(message)
    this.name = 'InvalidOrderError'
  }
}

/** A forecast horizon or step count is not a positive integer. */
export class InvalidHorizonError extends Error {
  static override readonly name = 'InvalidHorizonError'
  constructor(message = 'horizon must be a positive integer') {
    super(message)
    this.name = 'InvalidHorizonError'
  }
}

/** A confidence level is outside the open interval (0, 1). */
export class InvalidLevelError extends Error {
  static override readonly name = 'InvalidLevelError'
  constructor(message = 'confidence level must lie strictly between 0 and 1') {
    super(message)
    this.name = 'InvalidLevelError'
  }
}

/** A threshold is not a finite number. */
export class InvalidThresholdError extends Error {
  static override readonly name = 'InvalidThresholdError'
  constructor(message = 'threshold must be a finite number') {
    super(message)
    this.name = 'InvalidThresholdError'
  }
}

/** A period or sampling step is not a positive finite number (or a season shorter than 2). */
export class InvalidPeriodError extends Error {
  static override readonly name = 'InvalidPeriodError'
  constructor(message = 'period must be a positive finite number (seasons at least 2 samples)') {
    super(message)
    this.name = 'InvalidPeriodError'
  }
}

/** A series is constant (zero variance), so no model or period can be estimated from it. */
export class ConstantSeriesError extends Error {
  static override readonly name = 'ConstantSeriesError'
  constructor(message = 'series is constant; nothing to estimate') {
    super(message)
    this.name = 'ConstantSeriesError'
  }
}

/** A hazard key has an unknown cloud or an empty region, zone or instance type. */
export class InvalidHazardKeyError extends Error {
  static override readonly name = 'InvalidHazardKeyError'
  constructor(message = 'hazard key needs a known cloud and non-empty region, zone and instance type') {
    super(message)
    this.name = 'InvalidHazardKeyError'
  }
}

/** A time is NaN, infinite or negative. */
export class InvalidTimeError extends Error {
  static override readonly name = 'InvalidTimeError'
  constructor(message = 'time must be a finite, non-negative number of seconds') {
    super(message)
    this.name = 'InvalidTimeError'
  }
}

/** An event is older than one already observed; the model learns from time-ordered events only. */
export class EventOutOfOrderError extends Error {
  static override readonly name = 'EventOutOfOrderError'
  constructor(message = 'events must be observed in non-decreasing time order') {
    super(message)
    this.name = 'EventOutOfOrderError'
  }
}

/** A `down` event arrived for a key with no running instance; exposure would go negative. */
export class NoRunningInstanceError extends Error {
  static override readonly name = 'NoRunningInstanceError'
  constructor(message = 'down event for a key with no running instance') {
    super(message)
    this.name = 'NoRunningInstanceError'
  }
}

/** A duration is NaN, infinite or negative. */
export class InvalidDurationError extends Error {
  static override readonly name = 'InvalidDurationError'
  constructor(message = 'duration must be a finite, non-negative number of seconds') {
    super(message)
    this.name = 'InvalidDurationError'
  }
}

/** A prior or model setting is not a positive finite number (or a probability outside (0, 1)). */
export class InvalidPriorError extends Error {
  static override readonly name = 'InvalidPriorError'
  constructor(message = 'prior settings must be positive and finite; probabilities strictly between 0 and 1') {
    super(message)
    this.name = 'InvalidPriorError'
  }
}

/** One class per condition; callers check `err.name`. */

export class TraceFormatError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
    message = `trace line ${line}: ${detail}`,
  ) {
    super(message)
    this.name = 'TraceFormatError'
  }
}

export class TraceHeaderError extends Error {
  constructor(
    readonly found: string,
    message = `trace header must be "time_s,zone,instance_type,event", found "${found}"`,
  ) {
    super(message)
    this.name = 'TraceHeaderError'
  }
}

export class UnknownPoolError extends Error {
  constructor(
    readonly line: number,
    readonly zone: string,
    readonly instanceType: string,
    message = `trace line ${line}: no spot pool for zone "${zone}" and instance type "${instanceType}"`,
  ) {
    super(message)
    this.name = 'UnknownPoolError'
  }
}

export class TraceOrderError extends Error {
  constructor(
    readonly line: number,
    message = `trace line ${line}: time goes backwards; rows must be in non-decreasing time`,
  ) {
    super(message)
    this.name = 'TraceOrderError'
  }
}

export class InvalidScenarioError extends Error {
  constructor(
    readonly spec: string,
    message = `invalid scenario "${spec}": expected factor=level pairs such as model=high,bandwidth=low (levels low|mid|high)`,
  ) {
    super(message)
    this.name = 'InvalidScenarioError'
  }
}

export class UnknownPolicyError extends Error {
  constructor(
    readonly policy: string,
    message = `unknown policy "${policy}"`,
  ) {
    super(message)
    this.name = 'UnknownPolicyError'
  }
}

export class InvalidRunOptionError extends Error {
  constructor(
    readonly option: string,
    message = `invalid option: ${option}`,
  ) {
    super(message)
    this.name = 'InvalidRunOptionError'
  }
}

/** A spot-traces JSON file that is not `{metadata:{gap_seconds}, data:[counts]}`. */
export class SpotTraceFormatError extends Error {
  constructor(
    readonly source: string,
    readonly detail: string,
    message = `spot trace ${source}: ${detail}`,
  ) {
    super(message)
    this.name = 'SpotTraceFormatError'
  }
}

/** A trace file whose name does not say `<zone>_<accelerator>_<count>.json`. */
export class SpotTraceNameError extends Error {
  constructor(
    readonly source: string,
    message = `spot trace ${source}: the file name must be <zone>_<accelerator>_<count>.json, e.g. us-east-1a_v100_1.json`,
  ) {
    super(message)
    this.name = 'SpotTraceNameError'
  }
}

/** A trace names an accelerator the instance catalog does not know (add it with a fleet file). */
export class UnknownInstanceTypeError extends Error {
  constructor(
    readonly key: string,
    message = `no instance type in the catalog for "${key}"; known: see INSTANCE_CATALOG, or give the fleet an instance type for it`,
  ) {
    super(message)
    this.name = 'UnknownInstanceTypeError'
  }
}

/** A trace set with no usable pool, or traces that cannot be combined (different clouds' steps are fine). */
export class InvalidTraceSetError extends Error {
  constructor(
    readonly detail: string,
    message = `invalid trace set: ${detail}`,
  ) {
    super(message)
    this.name = 'InvalidTraceSetError'
  }
}

/** A service or run option out of range (replicas, window, hysteresis). */
export class InvalidServiceOptionError extends Error {
  constructor(
    readonly option: string,
    message = `invalid service option: ${option}`,
  ) {
    super(message)
    this.name = 'InvalidServiceOptionError'
  }
}

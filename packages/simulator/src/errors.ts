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

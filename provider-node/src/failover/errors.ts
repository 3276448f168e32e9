/** One class per condition; callers check `err.name`. */

/** An event that the current phase does not accept: the machine never moves silently. */
export class InvalidTransitionError extends Error {
  constructor(
    readonly from: string,
    readonly event: string,
    message = `failover: event '${event}' is not valid in phase '${from}'`,
  ) {
    super(message)
    this.name = 'InvalidTransitionError'
  }
}

/** The planner (or a caller) chose a target that was not among the phase's candidates. */
export class UnknownCandidateError extends Error {
  constructor(
    readonly operator: string,
    message = `failover: ${operator} is not one of the current candidates`,
  ) {
    super(message)
    this.name = 'UnknownCandidateError'
  }
}

/** An event about a target other than the one the hand-off is with. */
export class TargetMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly got: string,
    message = `failover: event names ${got}, but the hand-off is with ${expected}`,
  ) {
    super(message)
    this.name = 'TargetMismatchError'
  }
}

/** A failover id that cannot be a file name. */
export class InvalidFailoverIdError extends Error {
  constructor(
    readonly id: string,
    message = `failover id ${JSON.stringify(id)} must match [A-Za-z0-9_-]{1,128}`,
  ) {
    super(message)
    this.name = 'InvalidFailoverIdError'
  }
}

export class FailoverNotFoundError extends Error {
  constructor(
    readonly id: string,
    message = `no persisted failover ${id}`,
  ) {
    super(message)
    this.name = 'FailoverNotFoundError'
  }
}

/** A state file that is not a valid failover document; it was moved aside, not deleted. */
export class CorruptFailoverFileError extends Error {
  constructor(
    readonly file: string,
    readonly movedTo: string | null,
    readonly detail: string,
    message = `corrupt failover file ${file}: ${detail}${movedTo === null ? '' : ` (kept as ${movedTo})`}`,
  ) {
    super(message)
    this.name = 'CorruptFailoverFileError'
  }
}

/**
 * Thrown by an `offer` effect when the chain refused migrate_lease (as opposed to the taker
 * declining or being unreachable): the failover then fails with `migrate-rejected`.
 */
export class MigrateRejectedError extends Error {
  constructor(
    readonly target: string,
    readonly detail: string,
    message = `migrate_lease to ${target} was rejected: ${detail}`,
  ) {
    super(message)
    this.name = 'MigrateRejectedError'
  }
}

/** The abort reason of the signal handed to effects when the notice deadline passes. */
export class FailoverDeadlineError extends Error {
  constructor(
    readonly deadline: number,
    message = `failover deadline ${new Date(deadline).toISOString()} passed`,
  ) {
    super(message)
    this.name = 'FailoverDeadlineError'
  }
}

/**
 * The taker's migrate_lease transaction differs from the giver's plan in `field`: the giver
 * refuses to co-sign (a forged or mistaken hand-off moves no lease).
 */
export class HandoffMismatchError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly got: string,
    message = `hand-off transaction: ${field} is ${got}, the plan says ${expected}`,
  ) {
    super(message)
    this.name = 'HandoffMismatchError'
  }
}

/** One class per condition; callers check `err.name`. */

export class InvalidQuantityError extends Error {
  constructor(
    readonly unit: string,
    readonly value: number,
    message = `invalid ${unit}: ${value} (must be finite and not negative)`,
  ) {
    super(message)
    this.name = 'InvalidQuantityError'
  }
}

export class InvalidRequirementError extends Error {
  constructor(
    readonly field: string,
    message = `invalid requirement: ${field}`,
  ) {
    super(message)
    this.name = 'InvalidRequirementError'
  }
}

export class InvalidCapabilityError extends Error {
  constructor(
    readonly field: string,
    message = `invalid capability: ${field}`,
  ) {
    super(message)
    this.name = 'InvalidCapabilityError'
  }
}

export class MatrixShapeError extends Error {
  constructor(message = 'cost matrix rows must all have the same length') {
    super(message)
    this.name = 'MatrixShapeError'
  }
}

export class NaNCostError extends Error {
  constructor(
    readonly row: number,
    readonly col: number,
    message = `cost at (${row}, ${col}) is NaN or -Infinity; use +Infinity for infeasible pairs`,
  ) {
    super(message)
    this.name = 'NaNCostError'
  }
}

export class DuplicateIdError extends Error {
  constructor(
    readonly id: string,
    message = `duplicate id: ${id}`,
  ) {
    super(message)
    this.name = 'DuplicateIdError'
  }
}

export class InvalidWeightsError extends Error {
  constructor(
    readonly field: string,
    message = `invalid cost weight: ${field} (must be finite and not negative)`,
  ) {
    super(message)
    this.name = 'InvalidWeightsError'
  }
}

export class InvalidRiskError extends Error {
  constructor(
    readonly slotId: string,
    readonly value: number,
    message = `riskOf(${slotId}) returned ${value}; a risk is a probability in [0, 1]`,
  ) {
    super(message)
    this.name = 'InvalidRiskError'
  }
}

export class InvalidSlotError extends Error {
  constructor(
    readonly slotId: string,
    readonly field: string,
    message = `slot ${slotId}: invalid ${field}`,
  ) {
    super(message)
    this.name = 'InvalidSlotError'
  }
}

export class InvalidJobError extends Error {
  constructor(
    readonly jobId: string,
    readonly field: string,
    message = `job ${jobId}: invalid ${field}`,
  ) {
    super(message)
    this.name = 'InvalidJobError'
  }
}

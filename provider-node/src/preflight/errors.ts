/** Named errors of the preflight; callers check `err.name`. */
import type { CheckResult, PreflightReport } from './types.js'

const describe = (c: CheckResult) =>
  c.status.kind === 'failed' ? `${c.title}: ${c.observed} → ${c.status.remedy}` : `${c.title}: ${c.observed}`

/** At least one required item failed; `report` holds every check, `blocking` the failed and skipped ones. */
export class PreflightFailedError extends Error {
  readonly blocking: CheckResult[]
  constructor(
    readonly report: PreflightReport,
    message?: string,
  ) {
    const blocking = report.checks.filter((c) => c.status.kind === 'failed' || c.status.kind === 'skipped')
    super(
      message ??
        `cannot ${report.operation}: ${blocking
          .filter((c) => c.status.kind === 'failed')
          .map(describe)
          .join('; ')}`,
    )
    this.name = 'PreflightFailedError'
    this.blocking = blocking
  }
}

/** A probe got no answer in time (internal: it becomes the observation's reason, never escapes a report). */
export class ProbeTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    message = `${what}: no answer within ${timeoutMs} ms`,
  ) {
    super(message)
    this.name = 'ProbeTimeoutError'
  }
}

/** A line of nvidia-smi's CSV that is not `name, memory`. */
export class InvalidNvidiaSmiOutputError extends Error {
  constructor(
    readonly line: string,
    message = `nvidia-smi printed an unexpected line: ${JSON.stringify(line)}`,
  ) {
    super(message)
    this.name = 'InvalidNvidiaSmiOutputError'
  }
}

/** `--for <operation>` named something that is not an operation. */
export class InvalidPreflightOperationError extends Error {
  constructor(
    readonly value: string,
    message = `unknown operation ${JSON.stringify(value)}: expected start, accept-lease, spawn or migrate`,
  ) {
    super(message)
    this.name = 'InvalidPreflightOperationError'
  }
}

/** A lease operation was checked without the job's requirement (what VRAM, which model, which runtime). */
export class MissingPreflightNeedsError extends Error {
  constructor(
    readonly operation: string,
    message = `the ${operation} preflight needs the job's requirement: pass { requirement: requirementOf(spec) }`,
  ) {
    super(message)
    this.name = 'MissingPreflightNeedsError'
  }
}

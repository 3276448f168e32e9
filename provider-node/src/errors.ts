/** One class per condition; callers check `err.name`. */

export class InvalidStandinOptionError extends Error {
  constructor(
    readonly option: string,
    readonly value: string,
    message = `invalid stand-in option --${option}: ${JSON.stringify(value)}`,
  ) {
    super(message)
    this.name = 'InvalidStandinOptionError'
  }
}

/** Unknown flag, missing flag value or stray positional argument. */
export class InvalidStandinArgumentsError extends Error {
  constructor(message = 'invalid stand-in arguments') {
    super(message)
    this.name = 'InvalidStandinArgumentsError'
  }
}

export class InvalidJobSpecError extends Error {
  constructor(
    readonly field: string,
    message = `invalid job spec: ${field}`,
  ) {
    super(message)
    this.name = 'InvalidJobSpecError'
  }
}

/** The command could not be started at all (not found, not executable, bad cwd). */
export class JobSpawnError extends Error {
  constructor(
    readonly command: string,
    readonly code: string | undefined,
    message = `could not start ${JSON.stringify(command)}${code === undefined ? '' : ` (${code})`}`,
  ) {
    super(message)
    this.name = 'JobSpawnError'
  }
}

/** The child exited before its health endpoint answered; its last log lines say why. */
export class JobExitedEarlyError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly lastLines: readonly string[],
    message = `job exited before it was healthy (code ${exitCode}, signal ${signal})${
      lastLines.length > 0 ? `; last output:\n${lastLines.join('\n')}` : ''
    }`,
  ) {
    super(message)
    this.name = 'JobExitedEarlyError'
  }
}

/** The health endpoint did not answer 200 in time; the child has been killed. */
export class JobHealthTimeoutError extends Error {
  constructor(
    readonly healthUrl: string,
    readonly timeoutMs: number,
    /** The killed child's pid, already reaped when this is thrown. */
    readonly pid: number,
    message = `job not healthy at ${healthUrl} within ${timeoutMs} ms (pid ${pid} killed)`,
  ) {
    super(message)
    this.name = 'JobHealthTimeoutError'
  }
}

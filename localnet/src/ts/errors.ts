/** `scripts/cargo build -p synkti-localnet` failed. */
export class LocalnetBuildError extends Error {
  override name = 'LocalnetBuildError'
  constructor(
    readonly exitCode: number | null,
    message = `building synkti-localnet failed (exit code ${exitCode}); run \`scripts/cargo build -p synkti-localnet\` to see why`,
  ) {
    super(message)
  }
}

/** The binary exited, or printed no URLs, before it was ready. */
export class LocalnetStartError extends Error {
  override name = 'LocalnetStartError'
  constructor(
    readonly output: string,
    message = `synkti-localnet did not start:\n${output.trim()}`,
  ) {
    super(message)
  }
}

/** The binary started but did not answer `getHealth` in time. */
export class LocalnetHealthTimeoutError extends Error {
  override name = 'LocalnetHealthTimeoutError'
  constructor(
    readonly rpcUrl: string,
    readonly timeoutMs: number,
    message = `synkti-localnet at ${rpcUrl} did not answer getHealth within ${timeoutMs} ms`,
  ) {
    super(message)
  }
}

/**
 * One result object per command, printed either as text for a person or, with --json, as one
 * JSON object on stdout. Errors go to stderr as `error <Name>: message` plus `remedy:` when the
 * error knows the fix; the exit code says which class of failure it was.
 */

export interface Output {
  json: boolean
}

export type Rendered = string | string[]

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  if (value !== null && typeof value === 'object' && 'toBase58' in value && typeof value.toBase58 === 'function') {
    return value.toBase58()
  }
  return value
}

export function print<T>(out: Output, result: T, human: (r: T) => Rendered): void {
  if (out.json) {
    process.stdout.write(`${JSON.stringify(result, jsonReplacer)}\n`)
    return
  }
  const text = human(result)
  process.stdout.write(`${Array.isArray(text) ? text.join('\n') : text}\n`)
}

/** Exit codes by class of failure, so scripts can branch without parsing text. */
/** The same classes and numbers as the consumer CLI `synkti` (6 there is a refusal by a provider). */
export const EXIT = { ok: 0, failed: 1, usage: 2, input: 3, chain: 4, network: 5, preflight: 7 } as const

const NETWORK = new Set([
  'RpcUnreachableError',
  'TransactionNotConfirmedError',
  'DialError',
  'TimeoutError',
  'NodeApiUnreachableError',
])
const INPUT = new Set([
  'InvalidNodeConfigError',
  'NodeConfigMissingError',
  'KeypairFileMissingError',
  'KeypairFileMalformedError',
  'KeypairFileUnreadableError',
  'KeypairExistsError',
  'InvalidArgumentError',
  'InvalidCliValueError',
  'MissingCredentialError',
  'MissingRegionError',
  'FleetUpOnWorkerError',
  'FleetAuthorityMissingError',
  'InsufficientStakeTokensError',
  'InvalidKeyCommandError',
  'InvalidFleetTargetError',
  'UnknownGpuInstanceTypeError',
  'PauseNeedsChainError',
  'ConfigBelongsToOtherProviderError',
  'OperatorMismatchError',
  'AuthorityKeyRequiredError',
  'StakeTokensMissingError',
  'StakeBelowMinimumError',
])
const USAGE = new Set(['UsageError', 'NothingToUpdateError', 'ExitNotConfirmedError', 'StateDirInUseError'])

export function exitCodeOf(err: Error): number {
  if (err.name === 'PreflightFailedError') return EXIT.preflight
  if (USAGE.has(err.name)) return EXIT.usage
  if (NETWORK.has(err.name)) return EXIT.network
  if (INPUT.has(err.name)) return EXIT.input
  if (err.name === 'TransactionFailedError' || err.name.endsWith('ProgramError') || 'code' in err) return EXIT.chain
  return EXIT.failed
}

export function reportError(out: Output, err: unknown): number {
  const e = err instanceof Error ? err : new Error(String(err))
  const remedy = (e as { remedy?: unknown }).remedy
  // several problems of one command line, each named (InvalidCliValuesError)
  const listed = (e as { problems?: unknown }).problems
  const problems = Array.isArray(listed)
    ? (listed as Error[]).map((p) => ({ name: p.name, message: p.message }))
    : undefined
  if (out.json) {
    process.stdout.write(
      `${JSON.stringify({
        error: {
          name: e.name,
          message: e.message,
          ...(typeof remedy === 'string' ? { remedy } : {}),
          ...(problems !== undefined ? { problems } : {}),
        },
      })}\n`,
    )
  } else {
    process.stderr.write(`error ${e.name}: ${e.message}\n`)
    for (const p of problems ?? []) process.stderr.write(`  ${p.name}: ${p.message}\n`)
    if (typeof remedy === 'string') process.stderr.write(`remedy: ${remedy}\n`)
  }
  return exitCodeOf(e)
}

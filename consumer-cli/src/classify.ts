/**
 * Every error the CLI can meet → what the user sees (`name`, `message`, `remedy`) and the exit
 * code of its class. Expected errors are named ones with a known class; anything else is a bug
 * (exit 1) and only then is a stack trace worth printing.
 */
import { CliError, EXIT_CODES, type ExitClass, UsageProblemsError } from './errors.js'

export interface ErrorReport {
  name: string
  message: string
  remedy: string
  exitCode: number
  /** false for bugs: the caller may print the stack */
  expected: boolean
  /** where a job spec is wrong, field by field */
  issues?: { path: string; message: string }[]
  /** every problem with a command line, when there were several */
  problems?: { name: string; message: string; remedy: string }[]
}

/** Named errors of the other packages, by class. Unlisted names of a known package fall back below. */
const CLASS_OF: Record<string, ExitClass> = {
  // @synkti/market
  RpcUnreachableError: 'network',
  KeypairFileMissingError: 'input',
  KeypairExistsError: 'input',
  KeypairFileUnreadableError: 'input',
  KeypairFileMalformedError: 'input',
  InvalidArgumentError: 'usage',
  AccountNotFoundError: 'chain',
  AccountTypeMismatchError: 'chain',
  TransactionFailedError: 'chain',
  TransactionNotConfirmedError: 'network',
  MissingSignatureError: 'chain',
  UnexpectedTransactionError: 'chain',
  // @synkti/p2p
  KeypairFileNotFoundError: 'input',
  MalformedKeypairError: 'input',
  KeypairMismatchError: 'input',
  InvalidSolanaAddressError: 'usage',
  ProtocolTimeoutError: 'network',
  StreamEndedError: 'network',
  RecordNotFoundError: 'network',
  // libp2p's dialler
  DialError: 'network',
  NoValidAddressesError: 'network',
  ConnectionFailedError: 'network',
  TimeoutError: 'network',
  AbortError: 'network',
  // @synkti/jobs
  InvalidJobSpecError: 'input',
}

/** Peer misbehaviour named by @synkti/p2p and @synkti/jobs: the provider side is at fault. */
const P2P_PROVIDER_FAULTS = new Set([
  'MessageTooLargeError',
  'MalformedMessageError',
  'UnknownMessageTypeError',
  'UnexpectedMessageError',
  'BadSignatureError',
  'NonceMismatchError',
  'NoHandlerError',
  'RemoteError',
  'UnexpectedSignerError',
  'CapabilityMismatchError',
  'InactiveOperatorError',
  'ForgedRecordError',
  'WrongKeyError',
  'ExpiredRecordError',
  'StaleRecordError',
  'MalformedRecordError',
  'OversizedRecordError',
  // @synkti/jobs: a node's status document that does not match the schema
  'MalformedNodeStatusError',
])

const DEFAULT_REMEDY: Record<ExitClass, string> = {
  internal: 'this is a bug in synkti: rerun with SYNKTI_DEBUG=1 and report the stack trace',
  usage: 'see synkti --help',
  input: 'fix the file named above',
  chain: 'check the addresses and the cluster (-u); read the transaction logs',
  network: 'check that the RPC (-u) and the peers (--bootstrap) are up, then retry',
  provider: 'choose another provider (synkti providers)',
  preflight: 'run synkti doctor and follow its remedies',
  interrupted: 'run the command again',
}

const JOB_SPEC_REMEDY = 'fix the fields listed; the format is in consumer-cli/README.md (example: examples/llm.yaml)'

function classOf(err: Error): ExitClass | undefined {
  if (err instanceof CliError) return err.exitClass
  const known = CLASS_OF[err.name]
  if (known !== undefined) return known
  if (P2P_PROVIDER_FAULTS.has(err.name)) return 'provider'
  // Program refusals (@synkti/market ProgramError subclasses) all carry a code and a remedy.
  if (typeof (err as { code?: unknown }).code === 'number' && hasRemedy(err)) return 'chain'
  return undefined
}

function hasRemedy(err: Error): err is Error & { remedy: string } {
  return typeof (err as { remedy?: unknown }).remedy === 'string'
}

function specIssues(err: Error): { path: string; message: string }[] | undefined {
  const issues = (err as { issues?: unknown }).issues
  if (!Array.isArray(issues)) return undefined
  return issues.map((i: { path?: unknown; message?: unknown }) => ({
    path: Array.isArray(i.path) ? i.path.join('.') : String(i.path ?? ''),
    message: String(i.message ?? ''),
  }))
}

export function describeError(thrown: unknown): ErrorReport {
  const err = thrown instanceof Error ? thrown : new Error(String(thrown))
  const cls = classOf(err)
  if (cls === undefined) {
    return {
      name: err.name === 'Error' ? 'InternalError' : err.name,
      message: err.message,
      remedy: DEFAULT_REMEDY.internal,
      exitCode: EXIT_CODES.internal,
      expected: false,
    }
  }
  const issues = err.name === 'InvalidJobSpecError' ? specIssues(err) : undefined
  const problems = err instanceof UsageProblemsError ? err.problems.map(describeError) : undefined
  const remedy = hasRemedy(err) ? err.remedy : issues !== undefined ? JOB_SPEC_REMEDY : DEFAULT_REMEDY[cls]
  return {
    name: err.name,
    message: err.message,
    remedy,
    exitCode: EXIT_CODES[cls],
    expected: true,
    ...(issues !== undefined ? { issues } : {}),
    ...(problems !== undefined
      ? { problems: problems.map(({ name, message, remedy }) => ({ name, message, remedy })) }
      : {}),
  }
}

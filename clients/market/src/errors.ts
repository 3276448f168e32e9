/**
 * Errors of the client itself (no program involved). Program refusals are in
 * `program-errors.ts`. One class per condition, `name` set; callers check `err.name`.
 */
import { DEFAULT_RPC_URL } from './constants.js'

/** Every error this package throws has a remedy: the one thing that fixes it. */
export abstract class MarketClientError extends Error {
  abstract readonly remedy: string
}

export class RpcUnreachableError extends MarketClientError {
  override name = 'RpcUnreachableError'
  readonly remedy: string
  constructor(
    readonly url: string,
    cause?: unknown,
  ) {
    super(`Solana RPC at ${url} is unreachable`, { cause })
    this.remedy =
      url === DEFAULT_RPC_URL ? 'start the local chain: npm run localnet' : `check the RPC URL, or run npm run localnet`
  }
}

/** The account does not exist: never created, or (for a lease) ended and closed. */
export class AccountNotFoundError extends MarketClientError {
  override name = 'AccountNotFoundError'
  readonly remedy: string
  constructor(
    readonly kind: 'Market' | 'Provider' | 'Lease',
    readonly address: string,
  ) {
    super(`${kind} account ${address} does not exist`)
    this.remedy =
      kind === 'Lease'
        ? 'the lease never opened or has ended (its outcome is in the LeaseEnded event)'
        : `check the address; create it first (${kind === 'Market' ? 'npm run deploy' : 'synkti-provider register'})`
  }
}

/** An account exists at the address but is not the expected program account. */
export class AccountTypeMismatchError extends MarketClientError {
  override name = 'AccountTypeMismatchError'
  readonly remedy = 'pass the address of the right account type'
  constructor(
    readonly kind: 'Market' | 'Provider' | 'Lease',
    readonly address: string,
    cause?: unknown,
  ) {
    super(`account ${address} is not a ${kind} of the synkti-market program`, { cause })
  }
}

/** A value that cannot be encoded into the instruction (not a program rule: the chain checks those). */
export class InvalidArgumentError extends MarketClientError {
  override name = 'InvalidArgumentError'
  readonly remedy: string
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid ${field}: ${reason}`)
    this.remedy = `pass a valid ${field}`
  }
}

/** A co-signed transaction was sent before every required key had signed it. */
export class MissingSignatureError extends MarketClientError {
  override name = 'MissingSignatureError'
  readonly remedy = 'have every listed key sign (cosignTransaction) before sending'
  constructor(readonly missing: string[]) {
    super(`transaction is missing signatures of ${missing.join(', ')}`)
  }
}

/** Someone asked to co-sign a transaction that does something other than what it claims. */
export class UnexpectedTransactionError extends MarketClientError {
  override name = 'UnexpectedTransactionError'
  readonly remedy = 'refuse to sign; ask the peer for a transaction built by @synkti/market'
  constructor(reason: string) {
    super(`refusing to co-sign: ${reason}`)
  }
}

/** The transaction failed for a reason that is not a program error (fees, blockhash, ...). */
export class TransactionFailedError extends MarketClientError {
  override name = 'TransactionFailedError'
  readonly remedy = 'read the logs; fund the fee payer or retry with a fresh blockhash'
  constructor(
    message: string,
    readonly logs: string[],
    readonly signature?: string,
    cause?: unknown,
  ) {
    super(`transaction failed: ${message}`, { cause })
  }
}

/** The transaction was sent but not confirmed before its blockhash expired. */
export class TransactionNotConfirmedError extends MarketClientError {
  override name = 'TransactionNotConfirmedError'
  readonly remedy = 'check the signature on the cluster; resend if it did not land'
  constructor(
    readonly signature: string,
    cause?: unknown,
  ) {
    super(`transaction ${signature} was not confirmed`, { cause })
  }
}

export class KeypairFileMissingError extends MarketClientError {
  override name = 'KeypairFileMissingError'
  readonly remedy: string
  constructor(readonly path: string) {
    super(`keypair file ${path} does not exist`)
    this.remedy = `create one: synkti keygen -o ${path} (or synkti-provider keygen; the same file format as solana-keygen), or pass --keypair <file>`
  }
}

/** `keygen` never overwrites: the file may hold the only copy of a funded key. */
export class KeypairExistsError extends MarketClientError {
  override name = 'KeypairExistsError'
  readonly remedy: string
  constructor(readonly path: string) {
    super(`a keypair already exists at ${path}`)
    this.remedy = `use it as it is, or move it away first (mv ${path} ${path}.old)`
  }
}

export class KeypairFileUnreadableError extends MarketClientError {
  override name = 'KeypairFileUnreadableError'
  readonly remedy: string
  constructor(
    readonly path: string,
    cause?: unknown,
  ) {
    super(`keypair file ${path} cannot be read`, { cause })
    this.remedy = `check its permissions: chmod 600 ${path}`
  }
}

export class KeypairFileMalformedError extends MarketClientError {
  override name = 'KeypairFileMalformedError'
  readonly remedy = 'a Solana keypair file is a JSON array of 64 bytes (synkti keygen -o <file> writes one)'
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`keypair file ${path} is malformed: ${reason}`)
  }
}

/** The SPL Token program's errors by number (spl-token `TokenError`), as the token program logs them. */
const TOKEN_ERRORS = [
  'NotRentExempt',
  'InsufficientFunds',
  'InvalidMint',
  'MintMismatch',
  'OwnerMismatch',
  'FixedSupply',
  'AlreadyInUse',
  'InvalidNumberOfProvidedSigners',
  'InvalidNumberOfRequiredSigners',
  'UninitializedState',
  'NativeNotSupported',
  'NonNativeHasBalance',
  'InvalidInstruction',
  'InvalidState',
  'Overflow',
  'AuthorityTypeNotSupported',
  'MintCannotFreeze',
  'AccountFrozen',
  'MintDecimalsMismatch',
  'NonNativeNotSupported',
] as const

const TOKEN_REMEDIES: Partial<Record<(typeof TOKEN_ERRORS)[number], string>> = {
  InsufficientFunds:
    'the token account holds fewer tokens than the transfer (a deposit, top-up or stake) moves: get tokens into it (on localnet: npm run localnet -- faucet --to <wallet> --payment <n>, or --stake <n>), or move less',
  MintMismatch: "use token accounts of the market's mints (payment mint for leases, stake mint for stake)",
  OwnerMismatch: 'sign with the key that owns the token account, or pass a token account of the signer',
  AccountFrozen: "the token account is frozen by its mint's freeze authority; use another account",
  UninitializedState: 'the token account was never created: get tokens into it first (its owner receives them)',
}

/**
 * A transaction the market program passed on to the SPL Token program (a deposit, a top-up, a
 * payout), refused there: named by the token program's own error (`TokenInsufficientFundsError`
 * for its error 1), instead of a bare "program error 1".
 */
export class TokenProgramError extends MarketClientError {
  override name: string
  readonly remedy: string
  constructor(
    /** the token program's error number */
    readonly code: number,
    readonly logs: string[],
    readonly signature?: string,
    cause?: unknown,
  ) {
    const variant = TOKEN_ERRORS[code]
    const said = logs.find((l) => l.startsWith('Program log: Error: '))?.slice('Program log: Error: '.length)
    super(
      `the SPL Token program refused the transfer: ${said ?? variant ?? `token program error ${code}`}${variant === undefined ? '' : ` (${variant}, error ${code})`}`,
      { cause },
    )
    this.name = variant === undefined ? 'TokenProgramError' : `Token${variant}Error`
    this.remedy = (variant !== undefined ? TOKEN_REMEDIES[variant] : undefined) ?? 'read the transaction logs (logs)'
  }
}

/** The System program's error 1 inside a market instruction: the payer lacks the SOL for rent or a transfer. */
export class InsufficientLamportsError extends MarketClientError {
  override name = 'InsufficientLamportsError'
  readonly remedy =
    'the fee payer needs more SOL (rent for the new accounts, fees): on localnet npm run localnet -- faucet --to <wallet> --sol 1; elsewhere send SOL to it'
  readonly code = 1
  constructor(
    readonly logs: string[],
    readonly signature?: string,
    cause?: unknown,
  ) {
    super('the System program refused: an account would hold less than 0 lamports (not enough SOL)', { cause })
  }
}

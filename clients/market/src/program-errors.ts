/**
 * Every refusal of the program as a typed error: the `SynktiError` variants (codes 6000+,
 * messages from the IDL) and the Anchor framework errors this program's instructions raise.
 * `name` is `<Variant>Error`, e.g. `AttestationExceedsDepositError`; `remedy` says what to do.
 */
import { IDL } from './idl.js'

type SynktiVariant = (typeof IDL.errors)[number]['name']

/** What fixes each refusal. Keyed by the IDL's variant names, so a new variant fails to compile until it has one. */
const SYNKTI_REMEDIES: Record<SynktiVariant, string> = {
  Unauthorized: 'sign with the key the account records (authority, operator, consumer, treasury or arbiter)',
  WrongMint: "use token accounts of the market's payment mint (or stake mint for stake)",
  WrongTokenAccount: 'pass the token account recorded on chain (fetch the account and use its fields)',
  FeeTooHigh: 'choose a protocol fee of at most 2000 bps',
  SlashTooHigh: 'choose a slash multiple of at most 30000 bps (three times the disputed value)',
  InvalidDuration:
    'choose a dispute window of 1 h to 7 d, a gap of 10 s up to the window, a cooldown of window + gap up to 30 d and a governance delay of window up to 30 d',
  ZeroAmount: 'pass an amount greater than zero',
  ZeroPrice: 'set a price per second greater than zero: synkti-provider update --price <n>',
  InvalidLabel: 'use GPU model, region and zone labels of 1 to 32 bytes',
  InvalidCapabilities: 'declare at least one GPU and its VRAM in GB',
  Overflow: 'use smaller amounts or times (a u64 or i64 would overflow)',
  ProviderNotActive: 'resume the provider (synkti-provider resume) or choose an active one (findProviders)',
  AlreadyPaused: 'nothing to do: the provider is paused; resume with synkti-provider resume',
  NotPaused: 'nothing to do: the provider is not paused',
  AlreadyExiting: 'nothing to do: the provider is exiting; withdraw after the cooldown: synkti-provider withdraw',
  NotExiting: 'begin the exit first: synkti-provider exit',
  CooldownNotElapsed:
    "wait until the provider's unlock time (synkti-provider withdraw says when; fetchProvider → status.unlockAt)",
  OpenLeasesRemain: 'close or hand off the open leases first (synkti-provider status lists them)',
  InsufficientStake: 'deposit more stake: synkti-provider stake --amount <n>',
  WithdrawExceedsStake: "withdraw at most the provider's staked amount",
  PriceAboveCap: 'raise the price cap of the lease or choose a cheaper provider',
  LeaseNotOpen: 'the lease was already accepted: nothing to do',
  LeaseNotActive: 'the provider must accept the lease first',
  LeaseDisputed: 'wait for the arbiter to resolve the dispute, or expire it after the window',
  LeaseNotDisputed: 'open a dispute first: synkti dispute open <lease> --reason <text>',
  WrongProvider: "pass the lease's current provider (fetchLease → provider)",
  WrongMarket: 'pass accounts of the same market',
  AttestationInFuture: 'attest only up to the current chain time',
  AttestationNotAfterLast: "attest a time after the lease's settledUntil",
  AttestationExceedsDeposit: 'attest less, or ask the consumer to top up: synkti job top-up <lease> --amount <n>',
  InvalidHandoffTime: "choose a hand-off time between the lease's settledUntil and now",
  SameProvider: 'migrate to a different provider',
  LeaseNotStalled: "wait until the market's attestation gap has passed since the last activity",
  DisputeWindowClosed: 'the window to dispute the last settlement has passed',
  DisputeWindowOpen: "wait until the dispute window has passed, or ask the market's arbiter to rule",
  InsufficientFees: 'withdraw at most the vault balance',
  MinStakeZero: 'set a minimum stake greater than zero',
  DisputeBondZero: 'set a dispute bond greater than zero',
  LeaseEnded: 'the lease has ended: see synkti lease list for its outcome; nothing more can be done to it',
  AttestationPastGap:
    "attest at most up to the lease's last activity plus the market's attestation gap, or attest with the consumer's receipt",
  LeaseStalled: 'the lease stalled: attest with a consumer receipt, close it, or let the consumer reclaim it',
  DepositBelowInterval:
    "deposit at least one attestation gap at the provider's price (price × gap): synkti job top-up <lease> --amount <n>",
  SelfDealing: "lease from another provider: a provider's own authority or operator cannot be its consumer",
  ConsumerConsentRequired: "the lease's policy needs the consumer's signature: ask the consumer to move it",
  MigrationLimitReached: 'the lease used every hand-off its policy allows: close it and open a new one',
  ZeroLengthHandoff: 'the new provider must serve for at least a second before handing the lease on',
  OperatorTaken:
    'this operator key already serves a provider in this market: generate a new key (synkti-provider keygen)',
  AccountAlreadyExists: 'the account exists already: use it, or choose another index',
  StaleLeaseId: "another lease took the market's next id: open again (the client retries this itself)",
  InvalidReceipt:
    "sign the receipt with the lease's receipt signer and place its Ed25519 instruction just before the attestation",
  ReceiptDoesNotCover: "attest only the period the receipt covers (from ≤ settledUntil, until ≤ the receipt's until)",
  ExposureRemains:
    'wait until every lease record can be finalized and held pay has vested: synkti-provider withdraw finalizes and vests what it can and says what still blocks, until when',
  LeaseNotEnded: 'only an ended lease can be finalized',
  NoPendingUpdate: 'propose an update first (update_market)',
  UpdateNotDue: "wait until the update's effective time (fetchMarket → pendingUpdate.effectiveAt)",
  PayoutIsProgramVault: 'use a payment-mint account of your own as payout, not a market or provider vault',
  InsufficientUnclaimed: 'claim at most the unclaimed earnings (fetchProvider → unclaimed)',
}

/** Anchor's own errors that this program's instructions are known to raise (codes from anchor-lang-error 1.2). */
const ANCHOR_ERRORS = {
  ConstraintSeeds: {
    code: 2006,
    message: 'A seeds constraint was violated',
    remedy: 'derive the address with the PDA helpers (leaseAddress, escrowAddress, ...)',
  },
  ConstraintDuplicateMutableAccount: {
    code: 2040,
    message: 'A duplicate mutable account constraint was violated',
    remedy: 'pass distinct accounts (a lease cannot migrate to the provider it is on)',
  },
  AccountDiscriminatorMismatch: {
    code: 3002,
    message: 'Account discriminator did not match what was expected',
    remedy: 'pass the address of the right account type',
  },
  AccountNotInitialized: {
    code: 3012,
    message: 'The program expected this account to be already initialized',
    remedy:
      'the account does not exist: a token account never created (the logs name it: payout, wallet, consumer_token, destination — get tokens into it; on localnet: npm run localnet -- faucet), or a lease that ended and is closed (see its LeaseEnded event)',
  },
} as const

/**
 * What a missing account is, by the name Anchor blames (the instruction's account field), and
 * what brings it into being. Token accounts are created by receiving tokens of their mint; on
 * localnet the chain's faucet does that (`npm run localnet -- faucet`, localnet/README.md).
 */
const MISSING_ACCOUNT: Record<string, string> = {
  payout:
    "the provider's payout token account (payment mint, the authority's associated account) does not exist: create it (on localnet: npm run localnet -- faucet --to <authority> --payment 0), or name an existing one",
  new_payout:
    'the new payout token account (payment mint) does not exist: create it (on localnet: npm run localnet -- faucet --to <owner> --payment 0), or name an existing one',
  wallet:
    "the authority's stake token account (stake mint) does not exist: it has never held stake tokens; get some (on localnet: npm run localnet -- faucet --to <authority> --stake <n>)",
  consumer_token:
    "the consumer's payment token account (payment mint) does not exist: it has never held payment tokens; get some (on localnet: npm run localnet -- faucet --to <consumer> --payment <n>)",
  destination:
    'the destination token account does not exist: create it (on localnet: npm run localnet -- faucet --to <owner> --payment 0 for payment tokens, --stake 0 for stake), or name an existing one',
  consumer_stake_token:
    "the consumer's stake token account (stake mint) does not exist: create it (on localnet: npm run localnet -- faucet --to <consumer> --stake 0)",
  lease: 'the lease account does not exist: it never opened, or it ended and was closed (see its LeaseEnded event)',
  ending: 'the lease account does not exist: it never opened, or it ended and was closed (see its LeaseEnded event)',
}

/** The remedy of one refusal: the variant's, made specific where the blamed account says more. */
function remedyOf(spec: ProgramErrorSpec | undefined, account: string | undefined): string {
  if (spec === undefined) return 'read the transaction logs'
  if (spec.variant === 'AccountNotInitialized' && account !== undefined) {
    return (
      MISSING_ACCOUNT[account] ??
      `the account \`${account}\` does not exist: create it first, or pass the right address`
    )
  }
  return spec.remedy
}

type AnchorVariant = keyof typeof ANCHOR_ERRORS
export type ProgramErrorVariant = SynktiVariant | AnchorVariant
export type ProgramErrorName = `${ProgramErrorVariant}Error`

export interface ProgramErrorSpec {
  variant: ProgramErrorVariant
  code: number
  message: string
  remedy: string
  origin: 'synkti' | 'anchor'
}

/** The whole table: IDL errors first, then Anchor's. */
export const PROGRAM_ERRORS: readonly ProgramErrorSpec[] = [
  ...IDL.errors.map((e) => ({
    variant: e.name,
    code: e.code,
    message: e.msg,
    remedy: SYNKTI_REMEDIES[e.name],
    origin: 'synkti' as const,
  })),
  ...Object.entries(ANCHOR_ERRORS).map(([variant, e]) => ({
    variant: variant as AnchorVariant,
    ...e,
    origin: 'anchor' as const,
  })),
]

const BY_CODE = new Map(PROGRAM_ERRORS.map((s) => [s.code, s]))

export interface ProgramErrorDetails {
  logs?: string[]
  signature?: string
  /** The account Anchor blames, when it says (e.g. `lease` for AccountNotInitialized). */
  account?: string
  cause?: unknown
}

/** Base of every program refusal; each variant has its own subclass (see `ProgramErrors`). */
export class ProgramError extends Error {
  override name: ProgramErrorName | 'UnknownProgramError' = 'UnknownProgramError'
  readonly variant: ProgramErrorVariant | undefined
  readonly remedy: string
  readonly account: string | undefined
  readonly logs: string[]
  readonly signature: string | undefined

  constructor(
    readonly code: number,
    details: ProgramErrorDetails = {},
  ) {
    const spec = BY_CODE.get(code)
    super(spec ? spec.message : `program error ${code}`, { cause: details.cause })
    this.variant = spec?.variant
    this.remedy = remedyOf(spec, details.account)
    this.account = details.account
    this.logs = details.logs ?? []
    this.signature = details.signature
  }
}

export type ProgramErrorClass = new (details?: ProgramErrorDetails) => ProgramError

function defineClass(spec: ProgramErrorSpec): ProgramErrorClass {
  const name: ProgramErrorName = `${spec.variant}Error`
  // A class per variant, so `instanceof ProgramErrors.InsufficientStake` works as well as `err.name`.
  const cls = class extends ProgramError {
    override name = name
    constructor(details: ProgramErrorDetails = {}) {
      super(spec.code, details)
    }
  }
  Object.defineProperty(cls, 'name', { value: name })
  return cls
}

/** One class per program error, by variant: `new ProgramErrors.InsufficientStake()`. */
export const ProgramErrors = Object.fromEntries(PROGRAM_ERRORS.map((s) => [s.variant, defineClass(s)])) as Record<
  ProgramErrorVariant,
  ProgramErrorClass
>

/** The typed error for a program error number; unknown numbers give an `UnknownProgramError`. */
export function programErrorFromCode(code: number, details: ProgramErrorDetails = {}): ProgramError {
  const spec = BY_CODE.get(code)
  return spec ? new ProgramErrors[spec.variant](details) : new ProgramError(code, details)
}

export function programErrorSpec(code: number): ProgramErrorSpec | undefined {
  return BY_CODE.get(code)
}

export function isProgramError(err: unknown, name?: ProgramErrorName): err is ProgramError {
  return err instanceof ProgramError && (name === undefined || err.name === name)
}

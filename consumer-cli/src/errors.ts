/**
 * Named errors of the CLI, each with a remedy and an exit class, and the mapping of every error
 * the CLI can meet (its own, the market client's, the program's, the P2P layer's, the job spec's)
 * to a report `{ name, message, remedy }` and an exit code. Callers check `err.name`.
 */

/** Exit codes by class of failure, so scripts can tell "fix your input" from "try again later". */
export const EXIT_CODES = {
  ok: 0,
  /** a bug: unexpected error */
  internal: 1,
  /** bad flags, arguments or configuration */
  usage: 2,
  /** bad input files: keypair, job spec */
  input: 3,
  /** the chain refused or an account is missing */
  chain: 4,
  /** the RPC or the peers could not be reached */
  network: 5,
  /** a provider declined, does not fit, or the job failed */
  provider: 6,
  /** `doctor` found something missing */
  preflight: 7,
  /** stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it) */
  interrupted: 130,
} as const

export type ExitClass = Exclude<keyof typeof EXIT_CODES, 'ok'>

export abstract class CliError extends Error {
  abstract readonly exitClass: ExitClass
  abstract readonly remedy: string
}

// --- usage -----------------------------------------------------------------------------------

/** Flags or arguments commander refused (unknown option, missing argument, bad choice). */
export class UsageError extends CliError {
  override name = 'UsageError'
  readonly exitClass = 'usage'
  readonly remedy: string
  constructor(message: string, command = 'synkti') {
    super(message)
    this.remedy = `see ${command} --help`
  }
}

/** Several problems with one command line, each named: all of them are reported in one run. */
export class UsageProblemsError extends CliError {
  override name = 'UsageError'
  readonly exitClass = 'usage'
  readonly remedy: string
  constructor(
    readonly problems: CliError[],
    command = 'synkti',
  ) {
    super(`${problems.length} problems with the command line`)
    this.remedy = `fix each one listed; see ${command} --help`
  }
}

export class InvalidUrlError extends CliError {
  override name = 'InvalidUrlError'
  readonly exitClass = 'usage'
  readonly remedy = 'pass -u localnet, devnet, testnet, mainnet-beta (or l, d, t, m) or an http(s) URL'
  constructor(readonly value: string) {
    super(`--url ${JSON.stringify(value)} is neither a cluster moniker nor an http(s) URL`)
  }
}

export class InvalidAddressError extends CliError {
  override name = 'InvalidAddressError'
  readonly exitClass = 'usage'
  readonly remedy = 'pass a base58 Solana address (32 bytes)'
  constructor(
    readonly what: string,
    readonly value: string,
  ) {
    super(`${what} ${JSON.stringify(value)} is not a base58 Solana address`)
  }
}

export class InvalidAmountError extends CliError {
  override name = 'InvalidAmountError'
  readonly exitClass = 'usage'
  readonly remedy = 'amounts are whole numbers of base units of the payment mint, greater than zero, below 2^64'
  constructor(
    readonly what: string,
    readonly value: string,
  ) {
    super(`${what} ${JSON.stringify(value)} is not a positive whole number of base units`)
  }
}

export class MarketNotSetError extends CliError {
  override name = 'MarketNotSetError'
  readonly exitClass = 'usage'
  readonly remedy = 'pass --market <address> or export SYNKTI_MARKET=<address> (npm run deploy prints it)'
  constructor() {
    super('no market given')
  }
}

export class NoBootstrapError extends CliError {
  override name = 'NoBootstrapError'
  readonly exitClass = 'usage'
  readonly remedy =
    "pass --bootstrap <multiaddr...> or export SYNKTI_BOOTSTRAP=<multiaddr,...> (a provider node's address, ending in /p2p/<peer id>)"
  constructor() {
    super('this command needs the peer-to-peer network and no bootstrap address is configured')
  }
}

export class InvalidBootstrapAddressError extends CliError {
  override name = 'InvalidBootstrapAddressError'
  readonly exitClass = 'usage'
  readonly remedy = 'bootstrap addresses are multiaddrs with a peer id, e.g. /ip4/127.0.0.1/tcp/7100/p2p/12D3Koo...'
  constructor(
    readonly value: string,
    readonly reason: string,
  ) {
    super(`bootstrap address ${JSON.stringify(value)}: ${reason}`)
  }
}

/** Two options that cannot go together, or one that needs another. */
export class ConflictingOptionsError extends CliError {
  override name = 'ConflictingOptionsError'
  readonly exitClass = 'usage'
  readonly remedy: string
  constructor(
    readonly option: string,
    readonly reason: string,
    command: string,
  ) {
    super(`${option} ${reason}`)
    this.remedy = `see synkti ${command} --help`
  }
}

/** A GPU model or region filter that no provider record could carry. */
export class InvalidFilterError extends CliError {
  override name = 'InvalidFilterError'
  readonly exitClass = 'usage'
  readonly remedy =
    'pass a name as provider records carry it, 1 to 64 characters without surrounding spaces (e.g. --gpu H100 --region eu-central)'
  constructor(
    readonly option: string,
    readonly value: string,
  ) {
    super(`${option} ${JSON.stringify(value)} is not a GPU model or region name`)
  }
}

/** Two gateways on one lease would both top it up and both sign its receipts. */
export class GatewayRunningError extends CliError {
  override name = 'GatewayRunningError'
  readonly exitClass = 'usage'
  readonly remedy: string
  constructor(
    readonly lease: string,
    readonly pid: number,
    readonly url: string | null,
    readonly lockPath: string,
  ) {
    super(
      url === null
        ? `lease ${lease} is held by process ${pid} (a synkti job move, or a gateway starting)`
        : `a gateway (process ${pid}) already serves lease ${lease} at ${url}`,
    )
    this.remedy =
      url === null
        ? `wait for it (a move ends by itself; a gateway then names its URL in ${lockPath}), or stop process ${pid}`
        : `use that gateway (synkti job move ${lease} talks to it), or stop process ${pid} first; a lock left by a dead process is taken over by itself (${lockPath})`
  }
}

/** A gateway asked to move while a move is under way. */
export class MoveInProgressError extends CliError {
  override name = 'MoveInProgressError'
  readonly exitClass = 'usage'
  readonly remedy = "wait for the move under way to end (its progress is on the gateway's output), then try again"
  constructor(
    readonly lease: string,
    readonly to: string | null,
  ) {
    super(`lease ${lease} is already moving${to === null ? '' : ` (to ${to})`}`)
  }
}

/** A move of a lease that has already been moved: the job lives on in the newer lease. */
export class LeaseAlreadyMovedError extends CliError {
  override name = 'LeaseAlreadyMovedError'
  readonly exitClass = 'usage'
  readonly remedy: string
  constructor(
    readonly lease: string,
    readonly movedTo: string,
  ) {
    super(`lease ${lease} was moved to lease ${movedTo}`)
    this.remedy = `move the lease that serves the job now: synkti job move ${movedTo} …`
  }
}

/** A lease of another wallet: moving it would open a lease for a job this wallet does not pay. */
export class NotYourLeaseError extends CliError {
  override name = 'NotYourLeaseError'
  readonly exitClass = 'usage'
  readonly remedy = 'pass the keypair (-k) of the wallet that opened the lease'
  constructor(
    readonly lease: string,
    readonly consumer: string,
    readonly wallet: string,
  ) {
    super(`lease ${lease} belongs to ${consumer}, not to this wallet ${wallet}`)
  }
}

// --- input -----------------------------------------------------------------------------------

export class SpecFileNotFoundError extends CliError {
  override name = 'SpecFileNotFoundError'
  readonly exitClass = 'input'
  readonly remedy = 'pass the path of a job spec (see consumer-cli/examples/llm.yaml)'
  constructor(readonly path: string) {
    super(`job spec ${path} does not exist`)
  }
}

export class SpecFileUnreadableError extends CliError {
  override name = 'SpecFileUnreadableError'
  readonly exitClass = 'input'
  readonly remedy: string
  constructor(
    readonly path: string,
    cause?: unknown,
  ) {
    super(`job spec ${path} cannot be read`, { cause })
    this.remedy = `check that ${path} is a readable file`
  }
}

/** The spec given does not hash to the one the lease pays for: it would move another job. */
export class JobSpecMismatchError extends CliError {
  override name = 'JobSpecMismatchError'
  readonly exitClass = 'input'
  readonly remedy: string
  constructor(
    readonly path: string,
    readonly lease: string,
    readonly specHash: string,
    readonly leaseHash: string,
  ) {
    super(`job spec ${path} hashes to ${specHash}; lease ${lease} pays for ${leaseHash}`)
    this.remedy = `pass the spec the lease was opened with (synkti job run …); to run another job, open a new lease with synkti job run`
  }
}

/**
 * A gateway state file that cannot be read back. It is left where it is: it holds what the
 * gateway already spent on top-ups and which service it already receipted.
 */
export class GatewayStateCorruptError extends CliError {
  override name = 'GatewayStateCorruptError'
  readonly exitClass = 'input'
  readonly remedy: string
  constructor(
    readonly path: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`gateway state ${path} cannot be read back: ${reason}`, { cause })
    this.remedy = `the file was left in place. Repair it (JSON, see consumer-cli/README.md "State file"), or move it aside (mv ${path} ${path}.bad) to start this lease's gateway afresh: it then forgets the top-ups it made, so lower --max-spend by what it spent (synkti lease list shows the deposits)`
  }
}

/** The state directory cannot be written: the gateway would lose what a restart needs. */
export class StateDirUnwritableError extends CliError {
  override name = 'StateDirUnwritableError'
  readonly exitClass = 'input'
  readonly remedy = `pass --state-dir <dir> (or export SYNKTI_STATE_DIR=<dir>) naming a directory you can write`
  constructor(
    readonly path: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`cannot write the gateway state at ${path}: ${reason}`, { cause })
  }
}

// --- chain -----------------------------------------------------------------------------------

export class ProviderNotFoundError extends CliError {
  override name = 'ProviderNotFoundError'
  readonly exitClass = 'chain'
  readonly remedy = 'pass a provider account or operator address registered in this market (synkti providers)'
  constructor(
    readonly provider: string,
    readonly market: string,
  ) {
    super(`no provider ${provider} is registered in market ${market}`)
  }
}

/**
 * `--market` (or SYNKTI_MARKET) names no market on this cluster: without this, a wrong address
 * reads as a market with no providers and no leases.
 */
export class MarketNotFoundError extends CliError {
  override name = 'MarketNotFoundError'
  readonly exitClass = 'chain'
  readonly remedy: string
  constructor(
    readonly market: string,
    readonly rpcUrl: string,
    /** what is at the address instead */
    readonly found: 'nothing' | 'another account',
    cause?: unknown,
  ) {
    super(
      found === 'nothing'
        ? `no market ${market} on the cluster at ${rpcUrl}: there is no account at that address`
        : `${market} on the cluster at ${rpcUrl} is not a market: it holds another kind of account`,
      { cause },
    )
    this.remedy = `check --market (or SYNKTI_MARKET) and the cluster (-u): npm run deploy prints the market's address; a local chain started afresh has none until npm run deploy -- --url localnet --create-mints`
  }
}

/** No lease at the address on this cluster: never opened here, or ended and finalized away. */
export class LeaseNotFoundError extends CliError {
  override name = 'LeaseNotFoundError'
  readonly exitClass = 'chain'
  readonly remedy = 'synkti lease list shows the leases of your wallet on this cluster; check the job id and -u'
  constructor(
    readonly lease: string,
    readonly rpcUrl: string,
    cause?: unknown,
  ) {
    super(
      `no lease ${lease} on the cluster at ${rpcUrl}: it never opened here, or it ended and its record was finalized (a dispute window after its end)`,
      { cause },
    )
  }
}

/** An action on a lease that has already ended (a second `job stop`): how it ended, not the program's bare refusal. */
export class LeaseAlreadyEndedError extends CliError {
  override name = 'LeaseAlreadyEndedError'
  readonly exitClass = 'chain'
  readonly remedy: string
  constructor(
    readonly lease: string,
    /** what was asked: `stop`, `top-up` */
    readonly action: 'stop' | 'top-up',
    /** how it ended, in words (ending.ts) */
    readonly ending: string,
  ) {
    super(`lease ${lease} already ${ending}`)
    this.remedy =
      action === 'stop'
        ? `nothing to stop: its escrow was settled when it ended (synkti job status ${lease} shows it)`
        : 'a lease that ended takes no more escrow; run the job on a new lease: synkti job run <spec>'
  }
}

/**
 * The wallet holds fewer payment tokens than it is about to put in escrow: found before the
 * transaction, which the token program would refuse with a bare "custom program error 1".
 */
export class InsufficientFundsError extends CliError {
  override name = 'InsufficientFundsError'
  readonly exitClass = 'chain'
  readonly remedy: string
  constructor(
    readonly wallet: string,
    readonly mint: string,
    readonly account: string,
    readonly balance: bigint,
    readonly amount: bigint,
    /** the command that gets test tokens, on a local chain; null elsewhere */
    faucet: string | null,
  ) {
    super(
      `wallet ${wallet} holds ${balance} base units of the payment mint ${mint}; this needs ${amount} (${amount - balance} more)`,
    )
    this.remedy =
      faucet !== null
        ? `get test tokens: ${faucet}, or put less in escrow (--deposit / --amount)`
        : `have at least ${amount - balance} more base units of mint ${mint} sent to ${account}, or put less in escrow (--deposit / --amount)`
  }
}

/** The move reached the new lease, but the old one could not be closed: it still holds escrow. */
export class OldLeaseNotClosedError extends CliError {
  override name = 'OldLeaseNotClosedError'
  readonly exitClass = 'chain'
  readonly remedy: string
  constructor(
    readonly lease: string,
    readonly movedTo: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`the job moved to lease ${movedTo}, but closing lease ${lease} failed: ${reason}`, { cause })
    this.remedy = `close it to settle and recover its escrow: synkti job stop ${lease}`
  }
}

// --- network ---------------------------------------------------------------------------------

export class PeersUnreachableError extends CliError {
  override name = 'PeersUnreachableError'
  readonly exitClass = 'network'
  readonly remedy = 'check that the bootstrap peers run (synkti-provider run) and that --bootstrap is right'
  constructor(readonly bootstrap: string[]) {
    super(`none of the ${bootstrap.length} bootstrap peer(s) answered`)
  }
}

export class ProviderUnreachableError extends CliError {
  override name = 'ProviderUnreachableError'
  readonly exitClass = 'network'
  readonly remedy = 'the provider node may be down; retry, or check its status with synkti providers'
  constructor(
    readonly operator: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`provider node ${operator} could not be reached: ${reason}`, { cause })
  }
}

/** `synkti job move` could not give its order to the lease's running gateway. */
export class GatewayControlError extends CliError {
  override name = 'GatewayControlError'
  readonly exitClass = 'network'
  readonly remedy: string
  constructor(
    readonly url: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`the gateway at ${url} did not take the order: ${reason}`, { cause })
    this.remedy =
      'check that the gateway still runs (its lock file names its process) and that --state-dir is the one it uses'
  }
}

// --- provider --------------------------------------------------------------------------------

/** The spec cannot run on the chosen provider's machine (`fits` said why). */
export class SpecDoesNotFitError extends CliError {
  override name = 'SpecDoesNotFitError'
  readonly exitClass = 'provider'
  readonly remedy = 'choose another provider (synkti providers) or relax the spec'
  constructor(
    readonly operator: string,
    readonly reason: string,
  ) {
    super(`the job does not fit provider ${operator}: ${reason}`)
  }
}

/** The provider named fits the job, but its signed record shows no room for it now: it would decline. */
export class ProviderFullError extends CliError {
  override name = 'ProviderFullError'
  readonly exitClass = 'provider'
  readonly remedy =
    'leave out --provider to take the cheapest provider with room (synkti providers --for <spec> shows each one), or try again when its jobs end'
  constructor(
    readonly operator: string,
    readonly reason: string,
  ) {
    super(`provider ${operator} has no room for the job now: ${reason}`)
  }
}

export class PriceAboveCapError extends CliError {
  override name = 'PriceAboveCapError'
  readonly exitClass = 'provider'
  readonly remedy = "raise the spec's priceCap.perSecond or choose a cheaper provider"
  constructor(
    readonly operator: string,
    readonly price: bigint,
    readonly cap: bigint,
  ) {
    super(`provider ${operator} charges ${price}/s, above the price cap of ${cap}/s`)
  }
}

export class NoSuitableProviderError extends CliError {
  override name = 'NoSuitableProviderError'
  readonly exitClass = 'provider'
  readonly remedy = 'relax the spec (GPUs, regions, spot, price cap) or try again when more providers are up'
  constructor(readonly rejected: { operator: string; reason: string }[]) {
    super(
      rejected.length === 0
        ? 'no verified provider is up in this market'
        : `none of ${rejected.length} provider(s) can take the job: ${rejected.map((r) => `${r.operator} (${r.reason})`).join('; ')}`,
    )
  }
}

export class JobRejectedError extends CliError {
  override name = 'JobRejectedError'
  readonly exitClass = 'provider'
  readonly remedy: string
  constructor(
    readonly operator: string,
    readonly reason: string,
    readonly lease: string,
    readonly refunded: boolean,
  ) {
    super(`provider ${operator} declined the job: ${reason}`)
    this.remedy = refunded
      ? 'the lease was closed and the deposit refunded; choose another provider with --provider'
      : `close the lease to recover the deposit: synkti job stop ${lease}`
  }
}

/** The spec could not be handed to the provider; the lease is open and holds the deposit. */
export class JobNotSubmittedError extends CliError {
  override name = 'JobNotSubmittedError'
  readonly exitClass = 'network'
  readonly remedy: string
  constructor(
    readonly operator: string,
    readonly lease: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`the job could not be submitted to provider ${operator}: ${reason}`, { cause })
    this.remedy = `lease ${lease} is open with your deposit: check synkti job status ${lease}, or recover the deposit with synkti job stop ${lease}`
  }
}

export class JobFailedError extends CliError {
  override name = 'JobFailedError'
  readonly exitClass = 'provider'
  readonly remedy: string
  constructor(
    readonly lease: string,
    readonly reason: string,
  ) {
    super(`job ${lease} failed: ${reason}`)
    this.remedy = `read its logs (synkti job logs ${lease}), then stop it to recover the rest of the deposit (synkti job stop ${lease})`
  }
}

export class JobNotHealthyError extends CliError {
  override name = 'JobNotHealthyError'
  readonly exitClass = 'provider'
  readonly remedy: string
  constructor(
    readonly lease: string,
    readonly waitedSec: number,
    readonly state: string,
  ) {
    super(`job ${lease} was not healthy after ${waitedSec} s (last state: ${state})`)
    this.remedy = `follow it with synkti job status ${lease}; raise health.readyTimeoutSec for large models`
  }
}

export class JobUnknownToProviderError extends CliError {
  override name = 'JobUnknownToProviderError'
  readonly exitClass = 'provider'
  readonly remedy: string
  constructor(
    readonly lease: string,
    readonly operator: string,
  ) {
    super(`provider ${operator} reports no job for lease ${lease}`)
    this.remedy = `the job was never submitted or has ended; stop the lease to recover the deposit: synkti job stop ${lease}`
  }
}

/** A signed status whose document speaks for another operator than the one that signed it. */
export class StatusOperatorMismatchError extends CliError {
  override name = 'StatusOperatorMismatchError'
  readonly exitClass = 'provider'
  readonly remedy = 'do not trust this provider node; choose another provider'
  constructor(
    readonly operator: string,
    readonly claimed: string,
  ) {
    super(`provider ${operator} signed a status document of operator ${claimed}`)
  }
}

/**
 * Make-before-break: the new lease did not come up, so nothing was switched. The new lease was
 * closed (its deposit refunded, when the close went through) and the old one serves as before.
 */
export class MoveAbortedError extends CliError {
  override name = 'MoveAbortedError'
  readonly exitClass = 'provider'
  readonly remedy: string
  constructor(
    readonly lease: string,
    readonly step: string,
    readonly reason: string,
    readonly newLease: string | null,
    readonly newLeaseClosed: boolean,
    cause?: unknown,
  ) {
    super(
      `the move of lease ${lease} stopped at ${step}: ${reason}; lease ${lease} still serves${
        newLease === null
          ? ''
          : newLeaseClosed
            ? ` (the new lease ${newLease} was closed)`
            : ` (the new lease ${newLease} is still open)`
      }`,
      { cause },
    )
    this.remedy =
      newLease !== null && !newLeaseClosed
        ? `close the new lease to recover its deposit: synkti job stop ${newLease}; then try another provider with --to`
        : 'nothing was lost; try another provider with --to <provider> (synkti providers --for <spec>)'
  }
}

// --- preflight -------------------------------------------------------------------------------

export class InsufficientSolError extends CliError {
  override name = 'InsufficientSolError'
  readonly exitClass = 'preflight'
  readonly remedy: string
  constructor(
    readonly wallet: string,
    readonly lamports: bigint,
    readonly needed: bigint,
    rpcUrl: string,
  ) {
    super(`wallet ${wallet} holds ${lamports} lamports; opening a lease needs about ${needed}`)
    this.remedy = `fund it: npm run localnet -- faucet --url ${rpcUrl} --to ${wallet} --sol 1 (localnet) or send SOL to it from a wallet of yours`
  }
}

export class NoPaymentTokensError extends CliError {
  override name = 'NoPaymentTokensError'
  readonly exitClass = 'preflight'
  readonly remedy: string
  constructor(
    readonly wallet: string,
    readonly mint: string,
    readonly account: string,
  ) {
    super(`wallet ${wallet} holds no tokens of the market's payment mint ${mint}`)
    this.remedy = `on localnet: npm run localnet -- faucet --to ${wallet} --payment <amount> (the deployer's key mints the test tokens); elsewhere have tokens of mint ${mint} sent to ${account}`
  }
}

export class PreflightFailedError extends CliError {
  override name = 'PreflightFailedError'
  readonly exitClass = 'preflight'
  readonly remedy: string
  constructor(readonly failed: { name: string; remedy: string }[]) {
    super(`${failed.length} check(s) failed: ${failed.map((f) => f.name).join(', ')}`)
    this.remedy = failed[0]?.remedy ?? 'nothing to fix'
  }
}

// --- interrupted ----------------------------------------------------------------------------

/**
 * Ctrl-C (or SIGTERM) in the middle of a command that opens a lease: what it leaves behind and
 * the command that ends it, so that an interrupted `job run` never leaves escrow held unsaid.
 */
export class InterruptedError extends CliError {
  override name = 'InterruptedError'
  readonly exitClass = 'interrupted'
  readonly remedy: string
  constructor(
    readonly signal: string,
    readonly step: string,
    /** the lease this run opened, if it got that far */
    readonly lease: string | null,
    /** the open_lease transaction was in flight: a lease may exist that this run never saw */
    readonly leaseInFlight = false,
  ) {
    super(`interrupted (${signal}) while ${step}`)
    this.remedy =
      lease !== null
        ? `lease ${lease} is open with its deposit in escrow (billed from the provider's acceptance): end it and get the rest back with synkti job stop ${lease}, or follow it with synkti job status ${lease}`
        : leaseInFlight
          ? 'the open_lease transaction was in flight: synkti lease list shows whether a lease was opened; end it with synkti job stop <lease>'
          : 'nothing was opened: no lease, no escrow'
  }
}

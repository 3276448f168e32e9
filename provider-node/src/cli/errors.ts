/** Flags or arguments commander refused: an unknown option, a missing argument or required option, a bad choice. */
export class UsageError extends Error {
  override name = 'UsageError'
  readonly remedy: string
  constructor(
    message: string,
    /** the command's words, e.g. `synkti-provider register` */
    readonly command = 'synkti-provider',
  ) {
    super(message)
    this.remedy = `see ${command} --help`
  }
}

/**
 * A second node on a state directory another live node runs on: both would drive the same
 * settlement queue, job records and failover journals. Refused before anything starts.
 */
export class StateDirInUseError extends Error {
  override name = 'StateDirInUseError'
  readonly remedy: string
  constructor(
    readonly stateDir: string,
    readonly pid: number,
    /** when the holder took the directory (ISO 8601), '' when unknown */
    readonly since: string,
    readonly lockPath: string,
  ) {
    super(
      `state directory ${stateDir} is in use by process ${pid}${since === '' ? '' : ` (a node running since ${since})`}`,
    )
    this.remedy = `one node per state directory: stop process ${pid} first (synkti-provider status asks it), or give this node its own config and state (synkti-provider register -c <another config> --state-dir <another dir> …); a lock left by a dead process is taken over by itself (${lockPath})`
  }
}

/** A flag value that does not parse (an amount, a key, a port). */
export class InvalidCliValueError extends Error {
  override name = 'InvalidCliValueError'
  constructor(
    readonly option: string,
    readonly value: string,
    readonly expected: string,
    message = `${option} ${JSON.stringify(value)}: expected ${expected}`,
  ) {
    super(message)
  }
}

/** Several flag values that do not parse, each named: all of them are reported in one run (exit 3). */
export class InvalidCliValuesError extends Error {
  // the same name as one bad value: scripts that check it need not know how many there were
  override name = 'InvalidCliValueError'
  readonly remedy = 'fix each value listed'
  constructor(readonly problems: InvalidCliValueError[]) {
    super(`${problems.length} flag values do not parse: ${problems.map((p) => p.option).join(', ')}`)
  }
}

/** keygen never overwrites a key: losing an operator key loses the node's identity. */
/** `status` talks to the node on this machine; it is not running or listens elsewhere. */
export class NodeApiUnreachableError extends Error {
  override name = 'NodeApiUnreachableError'
  readonly remedy = 'start the node with `synkti-provider run`, or pass the --config it runs with'
  constructor(
    readonly url: string,
    readonly reason: string,
    message = `no node API at ${url} (${reason})`,
  ) {
    super(message)
  }
}

/**
 * `register` run again with a config that is another provider's: another operator key, another
 * market or another authority's provider. Writing over it would point the node at an account it
 * does not serve (or register a wallet that was never meant to be a provider).
 */
export class ConfigBelongsToOtherProviderError extends Error {
  override name = 'ConfigBelongsToOtherProviderError'
  readonly remedy: string
  constructor(
    readonly config: string,
    readonly differences: string[],
    message = `${config} is the config of another provider: ${differences.join('; ')}`,
  ) {
    super(message)
    this.remedy = `run register without -k/-a/--market to keep this node's key and provider (changes go on chain through synkti-provider update), or give the other provider its own config: -c <another path>`
  }
}

/** The provider on chain is served by another operator key than the one given. */
export class OperatorMismatchError extends Error {
  override name = 'OperatorMismatchError'
  readonly remedy: string
  constructor(
    readonly provider: string,
    readonly onChain: string,
    readonly given: string,
    readonly keypairPath: string,
  ) {
    super(`provider ${provider} is served by operator ${onChain}, not by ${given} (${keypairPath})`)
    this.remedy = `pass the keypair file of ${onChain} with -k, or leave -k out to use the config's`
  }
}

/** A change that only the provider's authority (the cold wallet that owns the stake) may sign. */
export class AuthorityKeyRequiredError extends Error {
  override name = 'AuthorityKeyRequiredError'
  readonly remedy: string
  constructor(
    readonly provider: string,
    readonly authority: string,
    readonly what: string,
    readonly given?: string,
  ) {
    super(
      `${what} of provider ${provider} must be signed by its authority ${authority}${given !== undefined ? `, not by ${given}` : ''}`,
    )
    this.remedy = `pass the authority's keypair file: -a <keypair file of ${authority}>`
  }
}

/** The stake to deposit is not in the authority's stake-mint account. */
export class StakeTokensMissingError extends Error {
  override name = 'StakeTokensMissingError'
  readonly remedy: string
  constructor(
    readonly authority: string,
    readonly stakeMint: string,
    readonly have: bigint,
    readonly need: bigint,
    localChain: boolean,
  ) {
    super(
      `the authority ${authority} holds ${have} base units of the stake mint ${stakeMint}; depositing needs ${need}`,
    )
    this.remedy = localChain
      ? `get stake tokens from the local faucet: npm run localnet -- faucet --to ${authority} --stake ${need - have} (works with the key the market was deployed with)`
      : `move at least ${need - have} base units of the stake mint ${stakeMint} to ${authority}, or ask for less with --stake`
  }
}

/** The stake asked for is below what the market requires: the provider could take no lease. */
export class StakeBelowMinimumError extends Error {
  override name = 'StakeBelowMinimumError'
  readonly remedy: string
  constructor(
    readonly stake: bigint,
    readonly minStake: bigint,
    readonly market: string,
  ) {
    super(`--stake ${stake} is below market ${market}'s minimum stake of ${minStake}: no lease could be opened on it`)
    this.remedy = `pass --stake ${minStake} or more`
  }
}

/** `update` without anything to update. */
export class NothingToUpdateError extends Error {
  override name = 'NothingToUpdateError'
  readonly remedy =
    'name what changes: --price, --gpu, --vram, --count, --region, --zone, --cloud, --spot/--no-spot, --payout'
  constructor(message = 'update was given nothing to change') {
    super(message)
  }
}

/**
 * A stake withdrawal the program would refuse, found before sending it: named as the program's
 * own error (`ExposureRemainsError`, `CooldownNotElapsedError`, ...), with what blocks it and
 * until when, instead of the bare refusal.
 */
export class WithdrawBlockedError extends Error {
  override name: string
  readonly remedy: string
  constructor(
    readonly variant:
      | 'NotExiting'
      | 'OpenLeasesRemain'
      | 'ExposureRemains'
      | 'CooldownNotElapsed'
      | 'WithdrawExceedsStake',
    /** the program's error number (so the exit code says: refused by the chain's rules) */
    readonly code: number,
    message: string,
    remedy: string,
    /** what still blocks: lease records, held pay, open leases */
    readonly blockers: string[],
    /** the earliest chain time (unix seconds) it can succeed, when that is known */
    readonly withdrawableAt: number | null,
  ) {
    super(message)
    this.name = `${variant}Error`
    this.remedy = remedy
  }
}

/** `exit` is final (the provider cannot be resumed); it runs only when confirmed. */
export class ExitNotConfirmedError extends Error {
  override name = 'ExitNotConfirmedError'
  readonly remedy = 'run it again with --yes; to stop taking leases for a while instead: synkti-provider pause'
  constructor(
    readonly provider: string,
    message = `exiting provider ${provider} is final: it takes no new lease and cannot be resumed; its stake can be withdrawn after the cooldown`,
  ) {
    super(message)
  }
}

/** `synkti-provider drain` found no node running on the config's state directory. */
export class NodeNotRunningError extends Error {
  override name = 'NodeNotRunningError'
  readonly remedy: string
  constructor(readonly stateDir: string) {
    super(`no node runs on state directory ${stateDir}`)
    this.remedy = `start it (synkti-provider run -c <config>) and drain it then; jobs a stopped node left running are adopted by that run`
  }
}

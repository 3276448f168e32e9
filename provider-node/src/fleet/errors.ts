/**
 * Why a fleet command refused to act. One class per condition, `name` set, `remedy` the one
 * thing to do about it; every one of them is thrown before any cloud resource is touched.
 */

/** A cloud machine (a worker) does not deploy more of itself unless told to. */
export class FleetUpOnWorkerError extends Error {
  override name = 'FleetUpOnWorkerError'
  readonly remedy =
    'run `synkti-provider fleet up` from your workstation (the deployer), or add --force if this machine really should create workers'
  constructor(
    readonly reason: string,
    message = `this node is a worker (${reason}): workers serve leases, they do not deploy fleets`,
  ) {
    super(message)
  }
}

/** The instance type is not one whose GPUs are known, and none were named. */
export class UnknownGpuInstanceTypeError extends Error {
  override name = 'UnknownGpuInstanceTypeError'
  readonly remedy = 'name the GPUs the instance type has: --gpu <model> --vram <gb per GPU> [--gpus <count>]'
  constructor(
    readonly cloud: string,
    readonly instanceType: string,
    message = `the GPUs of ${cloud} ${instanceType} are not known`,
  ) {
    super(message)
  }
}

const REGION_REMEDY: Record<string, string> = {
  aws: 'pass --region <region> (e.g. eu-central-1), or export AWS_REGION',
  hetzner: 'pass --region <location> (e.g. fsn1)',
  ovh: 'pass --region <region> (e.g. GRA11)',
}

/** The adapter (AWS, OVH) or the launch (all) needs a region and nothing says which. */
export class MissingRegionError extends Error {
  override name = 'MissingRegionError'
  constructor(
    readonly cloud: string,
    readonly remedy = REGION_REMEDY[cloud] ?? 'pass --region <region>',
    message = `${cloud}: no region given`,
  ) {
    super(message)
  }
}

/** A desired fleet that cannot exist: a negative or fractional count, an empty instance type or image. */
export class InvalidFleetTargetError extends Error {
  override name = 'InvalidFleetTargetError'
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
    message = `fleet ${field} ${JSON.stringify(value)}: expected ${expected}`,
  ) {
    super(message)
  }
}

/** The wallet that owns the workers' stake (and pays for their accounts) is not where it was looked for. */
export class FleetAuthorityMissingError extends Error {
  override name = 'FleetAuthorityMissingError'
  readonly remedy: string
  constructor(
    readonly path: string,
    message = `no authority keypair at ${path}: the fleet's provider accounts are registered and staked by it`,
  ) {
    super(message)
    this.remedy = `pass --authority <keypair file> (the wallet that owns the stake; default: the config's keypair), or create one: synkti-provider keygen -o ${path}`
  }
}

/** The authority's stake-token account holds less than the workers' providers need deposited. */
export class InsufficientStakeTokensError extends Error {
  override name = 'InsufficientStakeTokensError'
  readonly remedy: string
  constructor(
    readonly account: string,
    readonly needed: bigint,
    readonly available: bigint,
    readonly providers: number,
    message = `the fleet needs ${needed} stake tokens deposited (${providers} provider account(s)) and ${account} holds ${available}`,
  ) {
    super(message)
    this.remedy = `send at least ${needed - available} more stake-mint tokens to ${account}, or ask for less: --stake <amount per worker> (not below the market's minimum) or a smaller --count`
  }
}

/** `--key-command` names no per-worker key, or a placeholder that does not exist. */
export class InvalidKeyCommandError extends Error {
  override name = 'InvalidKeyCommandError'
  readonly remedy =
    "name the worker's own key with {index}, {operator} or {provider} (also {cluster}), e.g. --key-command 'aws ssm get-parameter --name /synkti/{cluster}/operator-{index} --with-decryption --query Parameter.Value --output text > /etc/synkti/operator.json'"
  constructor(
    readonly command: string,
    readonly reason: string,
    message = `--key-command ${JSON.stringify(command)}: ${reason}`,
  ) {
    super(message)
  }
}

/** `fleet down --pause` without a chain to pause on (no node config, or none given). */
export class PauseNeedsChainError extends Error {
  override name = 'PauseNeedsChainError'
  readonly remedy =
    'pass the node config that names the market and RPC (-c <config>), or leave out --pause (the accounts stay as they are)'
  constructor(
    readonly reason = 'no node config',
    message = `--pause needs the chain: ${reason}`,
  ) {
    super(message)
  }
}

/** The authority cannot pay for what `up` would do on chain: new accounts' rent, operator keys' fee money, fees. */
export class InsufficientSolError extends Error {
  override name = 'InsufficientSolError'
  readonly remedy: string
  constructor(
    readonly account: string,
    readonly needed: number,
    readonly available: number,
    message = `the fleet's chain actions need about ${needed} lamports (rent of new accounts, fee money for the operator keys, fees) and ${account} holds ${available}`,
  ) {
    super(message)
    this.remedy = `send at least ${needed - available} more lamports to ${account} (on localnet: npm run localnet -- faucet --to ${account} --sol <SOL>; elsewhere from a wallet of yours), or ask for less: --operator-lamports, a smaller --count`
  }
}

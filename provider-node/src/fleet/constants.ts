/** The cluster `fleet` commands act on when `--cluster` is not given. */
export const DEFAULT_CLUSTER = 'synkti'

/** Where the worker keeps its config, operator key and state (the user data writes these paths). */
export const WORKER_CONFIG_PATH = '/etc/synkti/provider.json'
export const WORKER_KEYPAIR_PATH = '/etc/synkti/operator.json'
export const WORKER_STATE_DIR = '/var/lib/synkti'

/** libp2p listens here on a worker; the cluster's firewall admits it from anywhere (peers are anywhere). */
export const WORKER_P2P_PORT = 4001

/**
 * What the user data installs. `@synkti/provider-node` is the npm package of this daemon; an
 * operator with a private registry or a tarball passes `--package <spec>` instead.
 */
export const DEFAULT_PACKAGE_SPEC = '@synkti/provider-node'

/**
 * The one line of the user data the operator may replace (`--key-command`): a command that writes
 * the operator key to WORKER_KEYPAIR_PATH. Left as it is, it does nothing and the node waits for
 * the key to appear by other means.
 */
export const KEY_COMMAND_PLACEHOLDER = ': SYNKTI_OPERATOR_KEY_COMMAND'

/**
 * What `--key-command` may name, filled per worker: every worker has its own operator key, so a
 * command must say which one it fetches (`{index}`, `{operator}` or `{provider}`).
 */
export const KEY_COMMAND_FIELDS = ['index', 'operator', 'provider', 'cluster'] as const
export const PER_WORKER_KEY_FIELDS = ['index', 'operator', 'provider'] as const

/** Said by `fleet up` every time: the key is never in user data (anyone with DescribeInstanceAttribute reads it). */
export const KEY_NOTICE = `the operator keys are not in the user data: provision each worker's key (operator-<index>.json in the fleet key directory) at ${WORKER_KEYPAIR_PATH} on that worker out of band (e.g. --key-command 'aws ssm get-parameter --name /synkti/{cluster}/operator-{index} --with-decryption --query Parameter.Value --output text > ${WORKER_KEYPAIR_PATH}', or your secret store); the node starts when the file appears`

/** Where `fleet up` keeps the operator keys it generates: `<config dir>/fleet/<cluster>/operator-<index>.json`. */
export const FLEET_KEY_DIR = 'fleet'
export const OPERATOR_KEY_FILE = /^operator-(0|[1-9][0-9]{0,4})\.json$/

/** The program's provider index is a u16. */
export const MAX_PROVIDER_INDEX = 65_535

/** Hetzner server names are host names: one DNS label, at most 63 characters. */
export const HETZNER_MAX_NAME = 63

/** Launch stamps in machine names are base-36 unix seconds; this many random characters follow. */
export const NAME_RANDOM_CHARS = 4

/** Said by `fleet down` every time: the provider accounts outlive the machines. */
export const DOWN_NOTICE =
  "provider accounts stay on chain (their stake stays locked, and an active one can still be chosen for a lease no machine will accept): `fleet up` reuses them (same index, same key); `fleet down --pause` pauses them first; to take the stake back, begin_exit (the authority signs; the market's exit cooldown runs) then withdraw_stake (@synkti/market: MarketClient.beginExit, withdrawStake)"

/**
 * SOL `up` keeps on each worker's operator key: the node pays its own transaction fees (accept,
 * attest: 5_000 lamports each) and its preflight wants 0.01 SOL on hand. 0.05 SOL pays for about
 * ten thousand transactions; each `up` tops a key that fell below half of it back up (--operator-lamports).
 */
export const OPERATOR_FUNDING_LAMPORTS = 50_000_000
/** The node's preflight minimum (preflight/constants.ts MIN_OPERATOR_LAMPORTS): less would not start. */
export const MIN_OPERATOR_FUNDING_LAMPORTS = 10_000_000

/**
 * Bytes of the accounts one registration creates, on the high side (Provider with its three
 * 32-byte labels, OperatorIndex, two token vaults): their rent is what the authority pays per new
 * provider, checked before anything is sent.
 */
export const PROVIDER_ACCOUNTS_BYTES = [8 + 640, 8 + 105, 165, 165] as const
/** The payout account `up` creates when the authority has none (an SPL token account). */
export const TOKEN_ACCOUNT_BYTES = 165
/** One signature's fee, counted per action. */
export const FEE_LAMPORTS_PER_ACTION = 10_000

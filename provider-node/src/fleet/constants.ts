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

/** Said by `fleet up` every time: the key is never in user data (anyone with DescribeInstanceAttribute reads it). */
export const KEY_NOTICE = `the operator key is not in the user data: provision ${WORKER_KEYPAIR_PATH} on each worker out of band (e.g. --key-command 'aws ssm get-parameter --name /synkti/<cluster>/operator --with-decryption --query Parameter.Value --output text > ${WORKER_KEYPAIR_PATH}', or your secret store); the node starts when the file appears`

/** Launch stamps in machine names are base-36 unix seconds; this many random characters follow. */
export const NAME_RANDOM_CHARS = 4

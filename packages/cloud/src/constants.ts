/** Tag keys every resource carries on AWS (EC2 tag keys allow `:`). */
export const AWS_TAG_CLUSTER = 'synkti:cluster'
export const AWS_TAG_ROLE = 'synkti:role'

/**
 * Hetzner label keys: an optional DNS-subdomain prefix and a name separated by `/`; `:` is not
 * allowed (https://docs.hetzner.cloud/#labels), so the same meaning gets a different spelling.
 */
export const HETZNER_LABEL_CLUSTER = 'synkti/cluster'
export const HETZNER_LABEL_ROLE = 'synkti/role'

/**
 * OVH Public Cloud instances and SSH keys carry no tags or labels in the OVH API, so ownership is
 * encoded in the name: `synkti.<cluster>.<role>.<suffix>`. Dots never occur in a cluster name.
 */
export const OVH_NAME_PREFIX = 'synkti'

/** Cluster names: lowercase DNS label, short enough to fit every cloud's name and label limits. */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/

export const HETZNER_API_URL = 'https://api.hetzner.cloud/v1'
export const OVH_API_HOST = 'eu.api.ovh.com'
export const OVH_API_BASE_PATH = '/1.0'

/** The link-local metadata address shared by AWS, Hetzner and OpenStack. Tests always override it. */
export const METADATA_BASE_URL = 'http://169.254.169.254'
export const DMI_ROOT = '/sys/class/dmi/id'

/** Context probes must not delay a workstation's start: a metadata service answers in milliseconds. */
export const DEFAULT_PROBE_TIMEOUT_MS = 500

/**
 * IMDSv2 session token TTL. AWS allows 1..21600 s; six hours keeps refreshes rare. The watcher renews
 * `IMDS_TOKEN_REFRESH_MARGIN_S` before expiry so no poll is ever sent with a token about to lapse.
 */
export const IMDS_TOKEN_TTL_S = 21_600
export const IMDS_TOKEN_REFRESH_MARGIN_S = 60
export const IMDS_TOKEN_TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds'
export const IMDS_TOKEN_HEADER = 'x-aws-ec2-metadata-token'

/**
 * AWS posts the instance-action two minutes before it acts and recommends polling every 5 s
 * (EC2 user guide, "Spot Instance interruption notices").
 */
export const SPOT_POLL_MS = 5_000

/** How long terminate() waits for a machine to be gone before dependent resources are deleted. */
export const TERMINATE_WAIT_MS = 300_000
export const ACTION_POLL_MS = 1_000

/**
 * @packageDocumentation
 *
 * The words every Synkti package shares. Kept free of libp2p, Anchor, web3.js and the AWS SDK so
 * that parsing a job spec, a node config or a CLI flag loads nothing heavy: a command that does
 * not talk to peers or the chain starts fast.
 */

export { isSolanaAddress, solanaAddressSchema } from './address.js'
export { parseU64, U64_MAX, u64StringSchema } from './amounts.js'
export { canonicalBytes } from './canonical.js'
export { capabilitySchema, gpuSpecSchema, MAX_CACHED_MODELS } from './capability.js'
export {
  CLUSTER_SHORTHANDS,
  CLUSTER_URLS,
  type ClusterMoniker,
  clusterMoniker,
  DEFAULT_RPC_URL,
  rpcUrlOf,
} from './cluster.js'

/** The Solana CLI's cluster monikers (`solana config set -u`), which both CLIs and the deploy script accept. */
export const CLUSTER_URLS = {
  localnet: 'http://127.0.0.1:8899',
  devnet: 'https://api.devnet.solana.com',
  testnet: 'https://api.testnet.solana.com',
  'mainnet-beta': 'https://api.mainnet-beta.solana.com',
} as const

export type ClusterMoniker = keyof typeof CLUSTER_URLS

/** The Solana CLI's one-letter forms: `-u l`, `-u d`, `-u t`, `-u m`. */
export const CLUSTER_SHORTHANDS: Readonly<Record<string, ClusterMoniker>> = {
  l: 'localnet',
  d: 'devnet',
  t: 'testnet',
  m: 'mainnet-beta',
}

/** Where `npm run localnet` serves RPC: every default points here, never at a public cluster. */
export const DEFAULT_RPC_URL: string = CLUSTER_URLS.localnet

/** The moniker a `-u` value names (long or one-letter form), or undefined for anything else. */
export function clusterMoniker(value: string): ClusterMoniker | undefined {
  const moniker = CLUSTER_SHORTHANDS[value] ?? value
  return Object.hasOwn(CLUSTER_URLS, moniker) ? (moniker as ClusterMoniker) : undefined
}

/** A `-u` value as an RPC URL: a moniker's URL, or the value itself when it is an http(s) URL; else undefined. */
export function rpcUrlOf(value: string): string | undefined {
  const moniker = clusterMoniker(value)
  if (moniker !== undefined) return CLUSTER_URLS[moniker]
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? value : undefined
}

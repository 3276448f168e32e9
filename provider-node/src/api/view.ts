import type { JobView, NodeStatus } from '@synkti/jobs'

/** One thing the node checks about itself (RPC reachable, P2P peers, DHT, …). */
export interface HealthCheck {
  name: string
  /** false: failing (the node cannot do its work) */
  ok: boolean
  /** ok, but short of what it should be (no peers yet): said, not failed */
  degraded?: boolean
  /** what was observed; why it fails or is degraded, for the operator */
  detail?: string
}

export interface HealthReport {
  ok: boolean
  checks?: HealthCheck[]
}

/** Where the node listens on P2P and whom it reaches. */
export interface NetworkView {
  /** the libp2p peer id (the operator key) */
  peerId: string
  /** the multiaddrs peers dial it at (each ends in `/p2p/<peerId>`: a bootstrap address as is) */
  addresses: string[]
  /** the configured listen addresses (kept across restarts) */
  listen: string[]
  /** peers it holds a connection to (providers, consumers) */
  peers: number
  /** DHT servers in its routing table: those its record reaches */
  dhtPeers: number
}

/** A market mint and its decimals: amounts on the page are shown in token units. */
export interface MintView {
  mint: string
  decimals: number
}

/** A prognostics series as sampled: `[unix seconds, value]`, oldest first, at most a few hundred. */
export interface SeriesSamples {
  name: string
  /** where trouble starts; null before the first analysis */
  threshold: number | null
  points: [number, number][]
}

/** What the status page shows beyond the signed status: read from the node each time it is asked. */
export interface NodeDetails {
  network: NetworkView | null
  /** null until the market's mints were read */
  tokens: { payment: MintView; stake: MintView } | null
  series: SeriesSamples[]
}

/** What the API reads from the node; the node composes it from its parts. */
export interface NodeView {
  status(): Promise<NodeStatus> | NodeStatus
  jobs(): JobView[]
  health(): HealthReport
  /** `/node`: network, mints, sampled series (absent: the route answers with empty details) */
  details?(): NodeDetails
}

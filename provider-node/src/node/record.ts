import type { ProviderRecord } from '@synkti/p2p'
import { DEFAULT_RECORD_TTL_S } from '@synkti/p2p'
import { totalVramGb } from '@synkti/planner'
import type { NodeConfig } from './config.js'
import { capabilityWithWeights } from './weights.js'

/**
 * What this node says about itself on the DHT, built without I/O so it can be checked alone:
 * the provider account it speaks for (signed with the rest, so a peer joins the record to that
 * account and checks the account's operator is the signer), its capability (with the weights
 * it caches, by hash), price, addresses and load.
 */
export interface NodeRecordInput {
  config: Pick<NodeConfig, 'market' | 'provider' | 'capability' | 'pricePerSecond'>
  /** this node's operator address (base58): the record's signer */
  operator: string
  /** multiaddrs to dial */
  addresses: string[]
  /** jobs live on this node */
  jobs: number
  /** VRAM (GB) they hold, as their specs declare it */
  usedVramGb: number
  /** sha256 of the weights in the model cache: stated as `sha256:<hex>` among `capability.cachedModels` */
  cachedWeights?: readonly string[]
  /** strictly above the last one this node stored */
  seq: number
  /** unix seconds */
  now: number
  ttlSeconds?: number
}

export function nodeRecord(input: NodeRecordInput): ProviderRecord {
  const { config } = input
  return {
    v: 1,
    market: config.market,
    operator: input.operator,
    provider: config.provider,
    seq: input.seq,
    expiresAt: input.now + (input.ttlSeconds ?? DEFAULT_RECORD_TTL_S),
    capability: capabilityWithWeights(config.capability, input.cachedWeights ?? []),
    pricePerSecond: config.pricePerSecond,
    addresses: input.addresses,
    // no GPU probe here: the share of VRAM held by jobs stands for utilisation
    load: { jobs: input.jobs, gpuUtilization: vramShare(config.capability, input.usedVramGb) },
  }
}

/** The share (0..1) of the machine's VRAM that running jobs hold. */
export function vramShare(capability: NodeConfig['capability'], usedVramGb: number): number {
  return Math.min(1, usedVramGb / totalVramGb(capability))
}

/** A sequence number above `last` that a restarted node (last = 0) still raises: ms since the epoch. */
export function nextSeq(last: number, nowMs: number): number {
  return Math.max(last + 1, nowMs)
}

/**
 * @packageDocumentation
 *
 * Synkti's peer-to-peer layer on js-libp2p: a node whose libp2p identity is the provider's
 * on-chain operator key, a private Kademlia DHT (`/synkti/kad/1.0.0`) holding signed provider
 * records, capability discovery through content routing, and the direct protocols (job, status,
 * hand-off, challenge, logs). Business logic is injected; this package owns wire formats,
 * signatures, limits and errors.
 *
 * @example
 * ```ts
 * import { SynktiNode, loadSolanaKeypair } from '@synkti/p2p'
 *
 * const node = await SynktiNode.create({
 *   privateKey: await loadSolanaKeypair('operator.json'),
 *   listen: ['/ip4/127.0.0.1/tcp/0'],
 *   bootstrap: ['/ip4/127.0.0.1/tcp/7100/p2p/12D3Koo...'],
 *   handlers: { status: async () => ({ jobs: 0 }) },
 * })
 * await node.publishRecord({ market, capability, pricePerSecond: 10n, load: { jobs: 0, gpuUtilization: 0 } })
 * await node.announce({ market, gpuModel: 'H100', region: 'eu-central' })
 * const { providers } = await node.discover({ market, gpuModel: 'H100', region: 'eu-central' })
 * const status = await node.protocols.askStatus(providers[0].peerId)
 * ```
 */

import './node20.js'

export type { ChainView } from './chain.js'
export * from './constants.js'
export { type CapabilityKey, capabilityCid, capabilityKeyString } from './discovery.js'
export * from './errors.js'
export {
  isSolanaAddress,
  keypairFromBytes,
  loadSolanaKeypair,
  peerIdToSolanaAddress,
  publicKeyFromSolanaAddress,
  solanaAddressOf,
  solanaAddressToPeerId,
  writeSolanaKeypair,
} from './identity.js'
export {
  type DiscoveredProvider,
  type DiscoverOptions,
  type DiscoveryResult,
  type RecordStatement,
  SynktiNode,
  type SynktiNodeInit,
} from './node.js'
export {
  type CoSignAndSubmit,
  type FetchWeightsOptions,
  type HandoffOutcome,
  type HandoffRequest,
  type JobSubmission,
  ProtocolClient,
  type WeightsTransfer,
} from './protocols/client.js'
export type {
  ChallengeBody,
  HandoffAcceptBody,
  HandoffConfirmBody,
  HandoffOfferBody,
  JobSubmitBody,
  JsonObject,
  ReceiptSubmitMessage,
  StatusBody,
  WeightsRefusal,
} from './protocols/messages.js'
export type {
  HandoffConfirmation,
  HandoffDecision,
  HandoffOffer,
  JobDecision,
  JobRequest,
  ProtocolHandlers,
  ReceiptDecision,
  ReceiptSubmission,
  WeightsOffer,
  WeightsPrefetchDecision,
  WeightsPrefetchRequest,
  WeightsRequest,
} from './protocols/types.js'
export type { Signed } from './protocols/verify.js'
export {
  type Clock,
  decodeSignedProviderRecord,
  encodeSignedProviderRecord,
  signProviderRecord,
  systemClock,
  type VerifiedProviderRecord,
  verifyProviderRecord,
} from './record/codec.js'
export {
  type ProviderRecordKey,
  parseProviderRecordKey,
  providerRecordKey,
  providerRecordKeyString,
} from './record/key.js'
export { ReplayGuard } from './record/replay-guard.js'
export {
  capabilitySchema,
  type Load,
  type ProviderRecord,
  providerRecordSchema,
  type SignedProviderRecord,
  signedProviderRecordSchema,
} from './record/schema.js'
export { selectProviderRecord } from './record/select.js'
export { createRecordChecker, providerRecordSelector, providerRecordValidator } from './record/validator.js'
export { canonicalBytes } from './signing.js'

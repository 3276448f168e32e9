import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'
import type { Clock } from '../record/codec.js'
import type { MessageChannel } from './channel.js'
import type {
  HandoffConfirmBody,
  HandoffOfferBody,
  JobSubmitBody,
  JsonObject,
  ReceiptSubmitMessage,
} from './messages.js'

/** A job submission whose consumer signature has been verified. */
export interface JobRequest extends JobSubmitBody {
  remotePeer: PeerId
}

export type JobDecision = { accepted: true; jobId: string } | { accepted: false; reason: string }

/** A hand-off offer whose signature by `from` (the dialling peer) has been verified. */
export interface HandoffOffer extends HandoffOfferBody {
  remotePeer: PeerId
}

/** The taker's answer: a partially signed migrate_lease transaction, or why not. */
export type HandoffDecision = { accept: true; transaction: Uint8Array } | { accept: false; reason: string }

export interface HandoffConfirmation extends HandoffConfirmBody {
  remotePeer: PeerId
}

/** A usage receipt as it arrived (not yet checked against the chain: the node does that). */
export interface ReceiptSubmission extends Omit<ReceiptSubmitMessage, 'type'> {
  remotePeer: PeerId
}

export type ReceiptDecision = { accepted: true } | { accepted: false; reason: string }

/** A peer asks for weights by hash, from an offset (0, or the length of its partial copy). */
export interface WeightsRequest {
  sha256: string
  offset: number
  remotePeer: PeerId
}

/**
 * What the serving node has for a request: the file's whole length and its bytes from the
 * request's offset, pulled only as fast as the transport takes them (any chunk size: the server
 * cuts them into frames of at most WEIGHTS_CHUNK_BYTES). `null`: this node does not cache them.
 */
export interface WeightsOffer {
  sizeBytes: number
  /** the bytes from `offset`; only opened when iterated, released when the transfer ends */
  body: (signal: AbortSignal) => AsyncIterable<Uint8Array>
}

/** A peer asks this node to fetch weights into its cache now (it was pre-selected as a spare). */
export interface WeightsPrefetchRequest {
  sha256: string
  sizeBytes: number
  remotePeer: PeerId
}

/** Whether the node fetches them (in the background: the answer does not wait for the bytes). */
export type WeightsPrefetchDecision = { accepted: true; cached: boolean } | { accepted: false; reason: string }

/**
 * Business logic injected by the package's user (provider-node). The package owns wire format,
 * signing, verification, limits and errors; a protocol without a handler is not served.
 */
export interface ProtocolHandlers {
  /** `/synkti/job/1.0.0`: decide on a verified submission. */
  job?: (request: JobRequest, signal: AbortSignal) => Promise<JobDecision>
  /** `/synkti/status/1.0.0`: this node's own view of itself (truth at the edge). */
  status?: (signal: AbortSignal) => Promise<JsonObject>
  /** `/synkti/handoff/1.0.0`: take over a lease, then learn that the migration landed. */
  handoff?: {
    offer: (offer: HandoffOffer, signal: AbortSignal) => Promise<HandoffDecision>
    confirm: (confirmation: HandoffConfirmation, signal: AbortSignal) => Promise<void>
  }
  /** `/synkti/challenge/1.0.0`: measure something only the real hardware can, bound to `nonce`. */
  measure?: (nonce: Uint8Array, signal: AbortSignal) => Promise<JsonObject>
  /** `/synkti/logs/1.0.0`: the lines of a job's log; pulled only as fast as the reader reads. */
  logs?: (jobId: string, signal: AbortSignal) => AsyncIterable<string>
  /** `/synkti/receipt/1.0.0`: keep a consumer's usage receipt to attest with. */
  receipt?: (submission: ReceiptSubmission, signal: AbortSignal) => Promise<ReceiptDecision>
  /**
   * `/synkti/weights/1.0.0`: the weights this node caches under a sha256, or null. Only content
   * named by its hash is ever served; the package never maps a request to a path.
   */
  weights?: (request: WeightsRequest, signal: AbortSignal) => Promise<WeightsOffer | null>
  /**
   * `/synkti/weights/1.0.0`, `weights-prefetch`: decide whether to fetch weights into the cache
   * now (served only where `weights` is; without this handler a prefetch is NoHandlerError).
   */
  prefetchWeights?: (request: WeightsPrefetchRequest, signal: AbortSignal) => Promise<WeightsPrefetchDecision>
}

/** What a server-side message handler gets for one inbound stream. */
export interface ServerContext {
  channel: MessageChannel
  remotePeer: PeerId
  key: Ed25519PrivateKey
  /** this node's operator address */
  operator: string
  handlers: ProtocolHandlers
  clock: Clock
  /** a fresh deadline for one step (a read, a write, a handler call) */
  step: () => AbortSignal
  /** a fresh deadline for one log line to be taken by the reader */
  idleStep: () => AbortSignal
  /** a fresh deadline for one frame of a transfer (weights) to be taken by the reader */
  transferStep: () => AbortSignal
  /** the transfer idle timeout, for its error */
  transferIdleTimeoutMs: number
}

/** Serves the rest of a stream whose first message has type `type`. */
export type MessageHandler = (ctx: ServerContext, message: unknown) => Promise<void>

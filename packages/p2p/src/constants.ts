/** Protocol ids, limits and defaults. Limits say where they come from. */

export const PROTOCOL_PREFIX = '/synkti'

/** Synkti peers form their own DHT, apart from the public IPFS one. */
export const KAD_PROTOCOL = `${PROTOCOL_PREFIX}/kad/1.0.0`

export const JOB_PROTOCOL = `${PROTOCOL_PREFIX}/job/1.0.0`
export const STATUS_PROTOCOL = `${PROTOCOL_PREFIX}/status/1.0.0`
export const HANDOFF_PROTOCOL = `${PROTOCOL_PREFIX}/handoff/1.0.0`
export const CHALLENGE_PROTOCOL = `${PROTOCOL_PREFIX}/challenge/1.0.0`
export const LOGS_PROTOCOL = `${PROTOCOL_PREFIX}/logs/1.0.0`
/** A consumer's usage receipt, handed to the node that serves its lease (it attests with it). */
export const RECEIPT_PROTOCOL = `${PROTOCOL_PREFIX}/receipt/1.0.0`
/** Model weights by sha256, streamed as raw binary frames from an offset (resumable). */
export const WEIGHTS_PROTOCOL = `${PROTOCOL_PREFIX}/weights/1.0.0`

/** Namespace of provider records: `/synkti/provider/<market>/<operator>`. */
export const PROVIDER_RECORD_NAMESPACE = 'provider'
/** kad-dht dispatches validators and selectors on the key's first path segment. */
export const DHT_KEY_PREFIX = 'synkti'

export const PROVIDER_RECORD_VERSION = 1
/** A record carries a handful of addresses and model names; 4 KiB keeps DHT values small. */
export const MAX_PROVIDER_RECORD_BYTES = 4096
export const MAX_RECORD_ADDRESSES = 16
export { MAX_CACHED_MODELS } from '@synkti/vocabulary'
/** Providers refresh well inside this; a dead node's record disappears within it. */
export const DEFAULT_RECORD_TTL_S = 3600

/** Domain separation: a signature over one kind of payload never verifies as another. */
export const SIGNING_DOMAIN = {
  providerRecord: 'synkti/provider-record/v1',
  jobSubmit: 'synkti/job-submit/v1',
  statusResponse: 'synkti/status-response/v1',
  handoffOffer: 'synkti/handoff-offer/v1',
  handoffAccept: 'synkti/handoff-accept/v1',
  handoffConfirm: 'synkti/handoff-confirm/v1',
  challengeResponse: 'synkti/challenge-response/v1',
} as const

/**
 * Per-protocol message limits (bytes of one length-prefixed message). A job spec is a few KiB of
 * JSON; a Solana transaction is at most 1232 bytes (4/3 of it as base64); a log line is capped
 * like syslog's common 8 KiB; everything else is a small fixed-shape message.
 */
export const MAX_MESSAGE_BYTES = {
  job: 64 * 1024,
  status: 16 * 1024,
  handoff: 16 * 1024,
  challenge: 4 * 1024,
  logs: 8 * 1024,
  /** a receipt is ~600 bytes of JSON: addresses, times, a digest and a signature */
  receipt: 2 * 1024,
  /** a weights request, header, refusal or end: a hash, two integers and a reason */
  weights: 1024,
} as const

/**
 * Largest binary frame of weights (bytes of the file in one length-prefixed frame, no base64).
 * 256 KiB is Yamux's initial stream window: one frame fills it, so a slow reader holds the
 * writer back after a frame or two, and a frame costs the reader at most this much memory.
 */
export const WEIGHTS_CHUNK_BYTES = 256 * 1024

/** Round-trip budget of one request/answer exchange. Failover has 120 s in total. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
/** Longest a log reader may leave a line unread, or a follower wait for the next one. */
export const DEFAULT_LOG_IDLE_TIMEOUT_MS = 60_000
/** Longest a weights transfer may leave a frame untaken (server) or wait for the next (reader). */
export const DEFAULT_TRANSFER_IDLE_TIMEOUT_MS = 30_000
/** Nonces for status and challenges: 32 random bytes, base64. */
export const NONCE_BYTES = 32

/** An isolated node retries its bootstrap peers this often (libp2p's dial timeout is 10 s). */
export const DEFAULT_BOOTSTRAP_RETRY_MS = 5_000

/** See node.ts: room for the connection monitor and the DHT to ping the same peer at once. */
export const PING_MAX_OUTBOUND_STREAMS = 4

export const DEFAULT_LISTEN_ADDRESSES = ['/ip4/0.0.0.0/tcp/0']
/** multicodec `raw`: capability CIDs name a key string, not IPLD data. */
export const RAW_CODEC = 0x55

import {
  CHALLENGE_PROTOCOL,
  HANDOFF_PROTOCOL,
  JOB_PROTOCOL,
  LOGS_PROTOCOL,
  MAX_MESSAGE_BYTES,
  RECEIPT_PROTOCOL,
  STATUS_PROTOCOL,
  WEIGHTS_CHUNK_BYTES,
  WEIGHTS_PROTOCOL,
} from '../constants.js'

const LIMITS: Readonly<Record<string, number>> = {
  [JOB_PROTOCOL]: MAX_MESSAGE_BYTES.job,
  [STATUS_PROTOCOL]: MAX_MESSAGE_BYTES.status,
  [HANDOFF_PROTOCOL]: MAX_MESSAGE_BYTES.handoff,
  [CHALLENGE_PROTOCOL]: MAX_MESSAGE_BYTES.challenge,
  [LOGS_PROTOCOL]: MAX_MESSAGE_BYTES.logs,
  [RECEIPT_PROTOCOL]: MAX_MESSAGE_BYTES.receipt,
  [WEIGHTS_PROTOCOL]: MAX_MESSAGE_BYTES.weights,
}

/** Protocols that also carry binary frames, and the largest such frame. */
const FRAME_LIMITS: Readonly<Record<string, number>> = {
  [WEIGHTS_PROTOCOL]: WEIGHTS_CHUNK_BYTES,
}

/** Largest single message on `protocol`, in bytes. */
export function protocolLimit(protocol: string): number {
  return LIMITS[protocol] ?? MAX_MESSAGE_BYTES.challenge
}

/** Largest frame of any kind on `protocol` (a binary frame may exceed the JSON message limit). */
export function protocolFrameLimit(protocol: string): number {
  return Math.max(protocolLimit(protocol), FRAME_LIMITS[protocol] ?? 0)
}

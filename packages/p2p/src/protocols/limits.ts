import {
  CHALLENGE_PROTOCOL,
  HANDOFF_PROTOCOL,
  JOB_PROTOCOL,
  LOGS_PROTOCOL,
  MAX_MESSAGE_BYTES,
  RECEIPT_PROTOCOL,
  STATUS_PROTOCOL,
} from '../constants.js'

const LIMITS: Readonly<Record<string, number>> = {
  [JOB_PROTOCOL]: MAX_MESSAGE_BYTES.job,
  [STATUS_PROTOCOL]: MAX_MESSAGE_BYTES.status,
  [HANDOFF_PROTOCOL]: MAX_MESSAGE_BYTES.handoff,
  [CHALLENGE_PROTOCOL]: MAX_MESSAGE_BYTES.challenge,
  [LOGS_PROTOCOL]: MAX_MESSAGE_BYTES.logs,
  [RECEIPT_PROTOCOL]: MAX_MESSAGE_BYTES.receipt,
}

/** Largest single message on `protocol`, in bytes. */
export function protocolLimit(protocol: string): number {
  return LIMITS[protocol] ?? MAX_MESSAGE_BYTES.challenge
}

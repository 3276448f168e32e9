import {
  CHALLENGE_PROTOCOL,
  HANDOFF_PROTOCOL,
  JOB_PROTOCOL,
  LOGS_PROTOCOL,
  RECEIPT_PROTOCOL,
  STATUS_PROTOCOL,
  WEIGHTS_PROTOCOL,
} from '../constants.js'
import { UnknownMessageTypeError } from '../errors.js'
import { handleChallenge } from './handlers/challenge.js'
import { handleHandoffOffer } from './handlers/handoff-offer.js'
import { handleJobSubmit } from './handlers/job-submit.js'
import { handleLogsRequest } from './handlers/logs-request.js'
import { handleReceiptSubmit } from './handlers/receipt-submit.js'
import { handleStatusRequest } from './handlers/status-request.js'
import { handleWeightsPrefetch } from './handlers/weights-prefetch.js'
import { handleWeightsRequest } from './handlers/weights-request.js'
import type { MessageHandler, ProtocolHandlers } from './types.js'

/** Per protocol: the message types that may open a stream, and who serves them. */
export const DISPATCH: Readonly<Record<string, Readonly<Record<string, MessageHandler>>>> = {
  [JOB_PROTOCOL]: { 'job-submit': handleJobSubmit },
  [STATUS_PROTOCOL]: { 'status-request': handleStatusRequest },
  [HANDOFF_PROTOCOL]: { 'handoff-offer': handleHandoffOffer },
  [CHALLENGE_PROTOCOL]: { challenge: handleChallenge },
  [LOGS_PROTOCOL]: { 'logs-request': handleLogsRequest },
  [RECEIPT_PROTOCOL]: { 'receipt-submit': handleReceiptSubmit },
  [WEIGHTS_PROTOCOL]: { 'weights-request': handleWeightsRequest, 'weights-prefetch': handleWeightsPrefetch },
}

/** Which injected handler makes a protocol worth serving. */
export const PROTOCOL_HANDLER: Readonly<Record<string, keyof ProtocolHandlers>> = {
  [JOB_PROTOCOL]: 'job',
  [STATUS_PROTOCOL]: 'status',
  [HANDOFF_PROTOCOL]: 'handoff',
  [CHALLENGE_PROTOCOL]: 'measure',
  [LOGS_PROTOCOL]: 'logs',
  [RECEIPT_PROTOCOL]: 'receipt',
  [WEIGHTS_PROTOCOL]: 'weights',
}

export function handlerFor(protocol: string, type: string): MessageHandler {
  const handler = DISPATCH[protocol]?.[type]
  if (handler === undefined) throw new UnknownMessageTypeError(protocol, type)
  return handler
}

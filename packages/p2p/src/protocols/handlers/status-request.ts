import { SIGNING_DOMAIN } from '../../constants.js'
import { statusRequestSchema } from '../messages.js'
import type { MessageHandler } from '../types.js'
import { signBody } from '../verify.js'
import { callHandler } from './call.js'

/** `status-request` → `status-response`, signed by this node over the caller's nonce. */
export const handleStatusRequest: MessageHandler = async (ctx, message) => {
  const { nonce } = ctx.channel.parse(statusRequestSchema, message)
  const status = await callHandler(ctx, 'status', (handler, signal) => handler(signal))
  const signed = await signBody(ctx.key, SIGNING_DOMAIN.statusResponse, {
    operator: ctx.operator,
    nonce,
    at: ctx.clock(),
    status,
  })
  await ctx.channel.send({ type: 'status-response', ...signed }, ctx.step())
}

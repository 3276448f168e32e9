import { receiptSubmitSchema } from '../messages.js'
import type { MessageHandler } from '../types.js'
import { callHandler } from './call.js'

/**
 * `receipt-submit` → `receipt-accepted` | `receipt-rejected`. The receipt's own signature is
 * over the settlement program's message, which the node checks against the chain's lease.
 */
export const handleReceiptSubmit: MessageHandler = async (ctx, message) => {
  const { type: _, ...receipt } = ctx.channel.parse(receiptSubmitSchema, message)
  const decision = await callHandler(ctx, 'receipt', (handle, signal) =>
    handle({ ...receipt, remotePeer: ctx.remotePeer }, signal),
  )
  const reply = decision.accepted
    ? { type: 'receipt-accepted' }
    : { type: 'receipt-rejected', reason: decision.reason.slice(0, 512) }
  await ctx.channel.send(reply, ctx.step())
}

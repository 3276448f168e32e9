import { weightsPrefetchSchema } from '../messages.js'
import type { MessageHandler } from '../types.js'
import { callHandler } from './call.js'

/**
 * `weights-prefetch` → `weights-prefetch-accepted` | `weights-prefetch-declined`: the injected
 * handler decides whether to fetch the weights into the cache; the answer does not wait for them.
 */
export const handleWeightsPrefetch: MessageHandler = async (ctx, message) => {
  const { sha256, sizeBytes } = ctx.channel.parse(weightsPrefetchSchema, message)
  const decision = await callHandler(ctx, 'prefetchWeights', (prefetch, signal) =>
    prefetch({ sha256, sizeBytes, remotePeer: ctx.remotePeer }, signal),
  )
  await ctx.channel.send(
    decision.accepted
      ? { type: 'weights-prefetch-accepted', cached: decision.cached }
      : { type: 'weights-prefetch-declined', reason: decision.reason.slice(0, 512) },
    ctx.step(),
  )
}

import { SIGNING_DOMAIN } from '../../constants.js'
import { decodeBase64 } from '../../signing.js'
import { challengeSchema } from '../messages.js'
import type { MessageHandler } from '../types.js'
import { signBody } from '../verify.js'
import { callHandler } from './call.js'

/** `challenge` → `challenge-response`: the injected measurement, bound to the nonce, signed. */
export const handleChallenge: MessageHandler = async (ctx, message) => {
  const { nonce } = ctx.channel.parse(challengeSchema, message)
  const measurement = await callHandler(ctx, 'measure', (measure, signal) => measure(decodeBase64(nonce), signal))
  const signed = await signBody(ctx.key, SIGNING_DOMAIN.challengeResponse, {
    operator: ctx.operator,
    nonce,
    measuredAt: ctx.clock(),
    measurement,
  })
  await ctx.channel.send({ type: 'challenge-response', ...signed }, ctx.step())
}

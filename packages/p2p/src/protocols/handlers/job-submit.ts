import { SIGNING_DOMAIN } from '../../constants.js'
import { jobSubmitSchema } from '../messages.js'
import type { MessageHandler } from '../types.js'
import { requireSignedBy } from '../verify.js'
import { callHandler } from './call.js'

/** `job-submit` → `job-accepted` | `job-rejected`. The consumer's signature is checked first. */
export const handleJobSubmit: MessageHandler = async (ctx, message) => {
  const { body, signature } = ctx.channel.parse(jobSubmitSchema, message)
  await requireSignedBy(body.consumer, SIGNING_DOMAIN.jobSubmit, body, signature, 'job submission')
  const decision = await callHandler(ctx, 'job', (job, signal) => job({ ...body, remotePeer: ctx.remotePeer }, signal))
  const reply = decision.accepted
    ? { type: 'job-accepted', jobId: decision.jobId }
    : { type: 'job-rejected', reason: decision.reason.slice(0, 512) }
  await ctx.channel.send(reply, ctx.step())
}

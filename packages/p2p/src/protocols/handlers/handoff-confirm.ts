import { SIGNING_DOMAIN } from '../../constants.js'
import { UnexpectedMessageError, UnexpectedSignerError } from '../../errors.js'
import type { Envelope } from '../channel.js'
import { handoffConfirmSchema } from '../messages.js'
import type { ServerContext } from '../types.js'
import { requireSignedBy } from '../verify.js'
import { callHandler } from './call.js'

/** The parties of the accepted offer this confirmation must match. */
export interface HandoffParties {
  lease: string
  from: string
  to: string
}

/**
 * `handoff-confirm` → `handoff-done`. Only valid on a stream whose offer this node accepted (it is
 * not an opening type), for the same lease and parties, and signed by the giver.
 */
export async function handleHandoffConfirm(
  ctx: ServerContext,
  accepted: HandoffParties,
  next: Envelope,
): Promise<void> {
  if (next.type !== 'handoff-confirm') {
    throw new UnexpectedMessageError(ctx.channel.protocol, 'handoff-confirm', next.type)
  }
  const { body, signature } = ctx.channel.parse(handoffConfirmSchema, next.message)
  const { lease, from, to } = accepted
  if (body.lease !== lease || body.from !== from || body.to !== to) {
    throw new UnexpectedSignerError(
      'hand-off confirmation',
      `${lease}:${from}->${to}`,
      `${body.lease}:${body.from}->${body.to}`,
    )
  }
  await requireSignedBy(from, SIGNING_DOMAIN.handoffConfirm, body, signature, 'hand-off confirmation')
  await callHandler(ctx, 'handoff', (h, signal) => h.confirm({ ...body, remotePeer: ctx.remotePeer }, signal))
  await ctx.channel.send({ type: 'handoff-done' }, ctx.step())
}

import { SIGNING_DOMAIN } from '../../constants.js'
import { UnexpectedSignerError } from '../../errors.js'
import { peerIdToSolanaAddress } from '../../identity.js'
import { encodeBase64 } from '../../signing.js'
import { handoffOfferSchema } from '../messages.js'
import type { MessageHandler } from '../types.js'
import { requireSignedBy, signBody } from '../verify.js'
import { callHandler } from './call.js'
import { handleHandoffConfirm } from './handoff-confirm.js'

/**
 * `handoff-offer` → `handoff-accept` (signed, carrying the partially signed migrate_lease) or
 * `handoff-decline`; after an accept, `handoff-confirm` (signed by the giver) → `handoff-done`.
 * The giver must be the dialling peer and the taker must be this node.
 */
export const handleHandoffOffer: MessageHandler = async (ctx, message) => {
  const { channel } = ctx
  const offer = channel.parse(handoffOfferSchema, message)
  const giver = peerIdToSolanaAddress(ctx.remotePeer)
  if (offer.body.from !== giver) throw new UnexpectedSignerError('hand-off offer', giver, offer.body.from)
  if (offer.body.to !== ctx.operator)
    throw new UnexpectedSignerError('hand-off offer taker', ctx.operator, offer.body.to)
  await requireSignedBy(giver, SIGNING_DOMAIN.handoffOffer, offer.body, offer.signature, 'hand-off offer')

  const decision = await callHandler(ctx, 'handoff', (h, signal) =>
    h.offer({ ...offer.body, remotePeer: ctx.remotePeer }, signal),
  )
  if (!decision.accept) {
    await channel.send({ type: 'handoff-decline', reason: decision.reason.slice(0, 512) }, ctx.step())
    return
  }
  const { lease, from, to } = offer.body
  const accept = await signBody(ctx.key, SIGNING_DOMAIN.handoffAccept, {
    lease,
    from,
    to,
    transaction: encodeBase64(decision.transaction),
  })
  await channel.send({ type: 'handoff-accept', ...accept }, ctx.step())

  // The giver co-signs and submits migrate_lease before confirming, so this wait is the longest.
  await handleHandoffConfirm(ctx, { lease, from, to }, await channel.receive(ctx.step()))
}

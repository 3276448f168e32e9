import { raceSignal } from 'race-signal'
import { WEIGHTS_CHUNK_BYTES } from '../../constants.js'
import { NoHandlerError, ProtocolTimeoutError, TransferOverrunError, TransferTruncatedError } from '../../errors.js'
import { weightsRequestSchema } from '../messages.js'
import type { MessageHandler, WeightsOffer } from '../types.js'

/**
 * `weights-request` → `weights-refused`, or `weights-header`, the file's bytes from the offset as
 * binary frames of at most WEIGHTS_CHUNK_BYTES, then `weights-end`. Each chunk is pulled from the
 * injected source only after the previous frame was taken by the transport, and the transport
 * takes no more than the reader's flow-control window: a slow reader slows the source instead of
 * filling memory. A reader that takes nothing for the transfer idle timeout is cut off. Once
 * binary frames flow, a failure (the source breaks, or yields more or fewer bytes than it
 * announced) aborts the stream: the reader sees a truncated transfer, never wrong bytes.
 */
export const handleWeightsRequest: MessageHandler = async (ctx, message) => {
  const { sha256, offset } = ctx.channel.parse(weightsRequestSchema, message)
  const weights = ctx.handlers.weights
  if (weights === undefined) throw new NoHandlerError(ctx.channel.protocol)
  // lives as long as the transfer: the source is released when it ends, however it ends
  const controller = new AbortController()
  try {
    const step = ctx.step()
    let offer: WeightsOffer | null
    try {
      offer = await raceSignal(weights({ sha256, offset, remotePeer: ctx.remotePeer }, controller.signal), step)
    } catch (err) {
      if (step.aborted) throw new ProtocolTimeoutError(ctx.channel.protocol, ctx.channel.timeoutMs, { cause: err })
      throw err
    }
    if (offer === null) {
      await ctx.channel.send(
        { type: 'weights-refused', reason: 'not-cached', message: 'this node does not cache them' },
        ctx.step(),
      )
      return
    }
    if (offset > offer.sizeBytes) {
      await ctx.channel.send(
        {
          type: 'weights-refused',
          reason: 'offset-beyond-end',
          message: `offset ${offset} is past the end (${offer.sizeBytes} bytes)`,
        },
        ctx.step(),
      )
      return
    }
    await ctx.channel.send({ type: 'weights-header', sha256, offset, sizeBytes: offer.sizeBytes }, ctx.step())
    const expected = offer.sizeBytes - offset
    let sent = 0
    for await (const chunk of offer.body(controller.signal)) {
      for (let at = 0; at < chunk.byteLength; at += WEIGHTS_CHUNK_BYTES) {
        const frame = chunk.subarray(at, Math.min(chunk.byteLength, at + WEIGHTS_CHUNK_BYTES))
        if (sent + frame.byteLength > expected) {
          throw new TransferOverrunError(ctx.channel.protocol, expected, sent + frame.byteLength)
        }
        await ctx.channel.sendBytes(frame, ctx.transferStep())
        sent += frame.byteLength
      }
    }
    if (sent < expected) throw new TransferTruncatedError(ctx.channel.protocol, expected, sent)
    await ctx.channel.send({ type: 'weights-end' }, ctx.step())
  } finally {
    controller.abort()
  }
}

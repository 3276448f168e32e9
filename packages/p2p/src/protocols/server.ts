import type { Ed25519PrivateKey, PeerId, Stream } from '@libp2p/interface'
import type { Clock } from '../record/codec.js'
import { MessageChannel } from './channel.js'
import { handlerFor } from './dispatch.js'
import { protocolFrameLimit, protocolLimit } from './limits.js'
import type { ProtocolHandlers, ServerContext } from './types.js'

export interface ProtocolServerInit {
  key: Ed25519PrivateKey
  operator: string
  handlers: ProtocolHandlers
  clock: Clock
  timeoutMs: number
  logIdleTimeoutMs: number
  transferIdleTimeoutMs: number
  /** every failure of an inbound stream, after the peer has been told (observability, tests) */
  onError?: (err: Error, protocol: string, remotePeer: PeerId) => void
}

/** Serves one inbound stream: reads the opening message, dispatches on its type, closes. */
export async function serveStream(
  init: ProtocolServerInit,
  protocol: string,
  stream: Stream,
  remotePeer: PeerId,
): Promise<void> {
  const channel = new MessageChannel(
    stream,
    protocol,
    protocolLimit(protocol),
    init.timeoutMs,
    protocolFrameLimit(protocol),
  )
  const ctx: ServerContext = {
    channel,
    remotePeer,
    key: init.key,
    operator: init.operator,
    handlers: init.handlers,
    clock: init.clock,
    step: () => AbortSignal.timeout(init.timeoutMs),
    idleStep: () => AbortSignal.timeout(init.logIdleTimeoutMs),
    transferStep: () => AbortSignal.timeout(init.transferIdleTimeoutMs),
    transferIdleTimeoutMs: init.transferIdleTimeoutMs,
  }
  try {
    const opening = await channel.receive(ctx.step())
    await handlerFor(protocol, opening.type)(ctx, opening.message)
    await channel.close(ctx.step())
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e))
    await channel.sendError(err)
    stream.abort(err)
    init.onError?.(err, protocol, remotePeer)
  }
}

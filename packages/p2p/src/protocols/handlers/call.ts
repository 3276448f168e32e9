import { raceSignal } from 'race-signal'
import { NoHandlerError, ProtocolTimeoutError } from '../../errors.js'
import type { ProtocolHandlers, ServerContext } from '../types.js'

/**
 * Runs the injected handler under a step deadline; a handler that ignores its signal still
 * cannot hold the stream open past it.
 */
export async function callHandler<K extends keyof ProtocolHandlers, T>(
  ctx: ServerContext,
  name: K,
  run: (handler: NonNullable<ProtocolHandlers[K]>, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const handler = ctx.handlers[name]
  if (handler === undefined) throw new NoHandlerError(ctx.channel.protocol)
  const signal = ctx.step()
  try {
    return await raceSignal(run(handler as NonNullable<ProtocolHandlers[K]>, signal), signal)
  } catch (err) {
    if (signal.aborted) throw new ProtocolTimeoutError(ctx.channel.protocol, ctx.channel.timeoutMs, { cause: err })
    throw err
  }
}

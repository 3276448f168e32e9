import { NoHandlerError } from '../../errors.js'
import { logsRequestSchema } from '../messages.js'
import type { MessageHandler } from '../types.js'

/** Longest line sent whole; longer ones are cut so every frame stays under the logs limit. */
export const MAX_LOG_LINE_CHARS = 2000

/**
 * `logs-request` → `log-line`* `logs-end`. Each line is pulled from the injected iterable only
 * after the previous one was taken by the transport, and the transport takes no more than the
 * reader's flow-control window: a slow reader slows the source instead of filling memory. A
 * reader that takes nothing for the idle timeout is cut off.
 */
export const handleLogsRequest: MessageHandler = async (ctx, message) => {
  const { jobId } = ctx.channel.parse(logsRequestSchema, message)
  const logs = ctx.handlers.logs
  if (logs === undefined) throw new NoHandlerError(ctx.channel.protocol)
  const controller = new AbortController()
  try {
    for await (const line of logs(jobId, controller.signal)) {
      await ctx.channel.send({ type: 'log-line', line: fitLine(line, ctx.channel.maxBytes) }, ctx.idleStep())
    }
  } finally {
    // tells a generator that is still producing to stop
    controller.abort()
  }
  await ctx.channel.send({ type: 'logs-end' }, ctx.step())
}

/** Cuts a line (marking the cut with …) until its frame fits: JSON escaping can grow it 6×. */
function fitLine(line: string, maxBytes: number): string {
  let fitted = line.length <= MAX_LOG_LINE_CHARS ? line : `${line.slice(0, MAX_LOG_LINE_CHARS - 1)}…`
  while (Buffer.byteLength(JSON.stringify({ type: 'log-line', line: fitted })) > maxBytes) {
    fitted = `${fitted.slice(0, Math.floor(fitted.length / 2))}…`
  }
  return fitted
}

import { setTimeout as sleep } from 'node:timers/promises'
import type { NodeEvent } from '../../src/node/events.js'

/**
 * The engine's `engine-loaded` event for `lease`, from the events a node logged. The node reads
 * the engine's output from a file as it grows, so the line may arrive a moment after the health
 * check already passed: tests wait for it rather than expect it by then.
 */
export async function engineLoaded(
  events: readonly NodeEvent[],
  lease: string,
  timeoutMs = 10_000,
): Promise<Extract<NodeEvent, { event: 'engine-loaded' }>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = events.find(
      (e): e is Extract<NodeEvent, { event: 'engine-loaded' }> => e.event === 'engine-loaded' && e.lease === lease,
    )
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`no engine-loaded for ${lease} within ${timeoutMs} ms`)
    await sleep(50)
  }
}

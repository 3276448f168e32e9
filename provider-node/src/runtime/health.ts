import { setTimeout as sleep } from 'node:timers/promises'
import { HEALTH_POLL_INTERVAL_MS, HEALTH_PROBE_TIMEOUT_MS } from '../constants.js'

/** One probe: healthy means HTTP 200; refused connections and timeouts are "not yet". */
export async function probeHealth(url: string, timeoutMs = HEALTH_PROBE_TIMEOUT_MS, signal?: AbortSignal) {
  const signals = [AbortSignal.timeout(timeoutMs), ...(signal === undefined ? [] : [signal])]
  try {
    const response = await fetch(url, { signal: AbortSignal.any(signals) })
    await response.body?.cancel()
    return response.status === 200
  } catch {
    return false
  }
}

/**
 * Polls until the endpoint answers 200 (true) or `timeoutMs` passes (false). Aborting the
 * signal ends the wait early with false.
 */
export async function waitHealthy(
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
  intervalMs = HEALTH_POLL_INTERVAL_MS,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!signal.aborted) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) return false
    if (await probeHealth(url, Math.min(HEALTH_PROBE_TIMEOUT_MS, remaining), signal)) return true
    const pause = Math.min(intervalMs, deadline - Date.now())
    if (pause > 0) await sleep(pause, undefined, { signal }).catch(() => undefined)
  }
  return false
}

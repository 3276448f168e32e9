// Pure formatting for the status page: no DOM, so Node tests import it as the browser does.

/** @param {number} ms */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  const rest = Math.round(seconds - minutes * 60)
  if (minutes < 60) return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/**
 * Token amounts are u64 decimal strings: BigInt keeps every digit a Number would round.
 * @param {string} decimal
 */
export function formatAmount(decimal) {
  if (!/^(0|[1-9][0-9]*)$/.test(decimal)) return decimal
  return BigInt(decimal).toLocaleString('en-US')
}

/**
 * UTC, to the second: the node and whoever reads the page may sit in different time zones.
 * @param {number | null} unixSeconds
 */
export function formatTime(unixSeconds) {
  if (unixSeconds === null) return 'never'
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** @param {{ kind: string, region?: string, zone?: string, spot: boolean }} context */
export function formatContext(context) {
  const place = context.zone ?? context.region
  return [context.kind, place, context.spot ? '(spot)' : '(on-demand)'].filter(Boolean).join(' ')
}

/** @param {number} risk 0..1 */
export function formatRisk(risk) {
  return `${Math.round(risk * 100)} %`
}

/** @param {{ earliest: number, likely: number, latest: number } | null} ttt */
export function formatTimeToThreshold(ttt) {
  if (ttt === null) return 'not in sight'
  return `${formatDuration(ttt.likely * 1000)} (${formatDuration(ttt.earliest * 1000)} – ${formatDuration(ttt.latest * 1000)})`
}

/**
 * One row per failover phase with its duration; the phase still running is measured up to `nowMs`.
 * Terminal phases (restored, failed) mark the end and have no duration.
 * @param {{ kind: string, startedAt: number, endedAt: number | null }[]} phases
 * @param {number} nowMs
 */
export function phaseRows(phases, nowMs) {
  return phases.map((phase) => {
    const terminal = phase.kind === 'restored' || phase.kind === 'failed'
    const running = phase.endedAt === null && !terminal
    const end = phase.endedAt ?? nowMs
    return {
      kind: phase.kind,
      started: new Date(phase.startedAt).toISOString().slice(11, 23),
      duration: terminal ? '' : `${formatDuration(end - phase.startedAt)}${running ? ' (running)' : ''}`,
      running,
    }
  })
}

/**
 * The total downtime a failover has cost so far: from the first phase's start to the last end.
 * @param {{ kind: string, startedAt: number, endedAt: number | null }[]} phases
 * @param {number} nowMs
 */
export function failoverElapsed(phases, nowMs) {
  const first = phases[0]
  const last = phases[phases.length - 1]
  if (first === undefined || last === undefined) return '–'
  const terminal = last.kind === 'restored' || last.kind === 'failed'
  return formatDuration((terminal ? last.startedAt : (last.endedAt ?? nowMs)) - first.startedAt)
}

/** @param {string} address */
export function shortAddress(address) {
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address
}

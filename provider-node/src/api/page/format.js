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

/**
 * A u64 base-unit amount in token units with the mint's `decimals` (BigInt: no digit lost),
 * grouped, trailing zeros of the fraction dropped: `formatTokens('1500000', 6)` is `1.5`.
 * Without decimals (the mints not read yet) it is the base units, said so.
 * @param {string} decimal
 * @param {number | null} decimals
 */
export function formatTokens(decimal, decimals) {
  if (!/^(0|[1-9][0-9]*)$/.test(decimal)) return decimal
  if (decimals === null || !Number.isInteger(decimals) || decimals < 0) return `${formatAmount(decimal)} base units`
  const value = BigInt(decimal)
  const scale = 10n ** BigInt(decimals)
  const whole = (value / scale).toLocaleString('en-US')
  const fraction = (value % scale).toString().padStart(decimals, '0').replace(/0+$/, '')
  return fraction === '' ? whole : `${whole}.${fraction}`
}

/** What each on-chain reputation counter means, in the order the page lists them. */
const REPUTATION = [
  ['leasesCompleted', 'Leases completed', 'count'],
  ['leasesFailed', 'Leases failed', 'count'],
  ['failoversHandedOff', 'Failovers handed off', 'count'],
  ['failoversTaken', 'Failovers taken over', 'count'],
  ['disputesWon', 'Disputes won', 'count'],
  ['disputesLost', 'Disputes lost', 'count'],
  ['secondsVerified', 'Service on receipts', 'seconds'],
  ['secondsSelfAttested', 'Service self-attested', 'seconds'],
  ['earned', 'Earned (net of fees)', 'payment'],
]

/**
 * The reputation counters as table rows: a label a person reads, and the value as a count, a
 * duration or a payment in token units; counters the page does not know follow under their own name.
 * @param {Record<string, string>} reputation
 * @param {number | null} paymentDecimals
 * @returns {{ key: string, label: string, value: string }[]}
 */
export function reputationRows(reputation, paymentDecimals) {
  const known = new Set(REPUTATION.map(([key]) => key))
  const rows = REPUTATION.filter(([key]) => key in reputation).map(([key, label, kind]) => {
    const raw = reputation[key] ?? '0'
    const value =
      kind === 'payment'
        ? formatTokens(raw, paymentDecimals)
        : kind === 'seconds'
          ? Number(raw) === 0
            ? '0 s'
            : formatDuration(Number(raw) * 1000)
          : formatAmount(raw)
    return { key, label, value }
  })
  for (const [key, raw] of Object.entries(reputation)) {
    if (!known.has(key)) rows.push({ key, label: key, value: formatAmount(raw) })
  }
  return rows
}

/**
 * The geometry of a small line chart of `points` ([unix seconds, value], oldest first) in a
 * `width` × `height` box: the polyline's points, where the threshold line lies (null when it is
 * off the chart's scale or unknown), and the range shown. Pure, so Node tests check it.
 * @param {[number, number][]} points
 * @param {number | null} threshold
 * @param {number} width
 * @param {number} height
 */
export function chartGeometry(points, threshold, width, height) {
  const pad = 2
  if (points.length === 0) return { line: '', thresholdY: null, min: 0, max: 0, last: null }
  const values = points.map(([, v]) => v)
  let min = Math.min(...values, ...(threshold === null ? [] : [threshold]))
  let max = Math.max(...values, ...(threshold === null ? [] : [threshold]))
  if (min > 0 && min / (max || 1) < 0.5) min = 0
  if (max === min) {
    min -= 1
    max += 1
  }
  const t0 = points[0][0]
  const span = Math.max(1, points[points.length - 1][0] - t0)
  const x = (t) => pad + ((t - t0) / span) * (width - 2 * pad)
  const y = (v) => height - pad - ((v - min) / (max - min)) * (height - 2 * pad)
  const line = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
  return {
    line: points.length === 1 ? `${pad},${y(values[0]).toFixed(1)} ${width - pad},${y(values[0]).toFixed(1)}` : line,
    thresholdY: threshold === null ? null : Number(y(threshold).toFixed(1)),
    min,
    max,
    last: values[values.length - 1],
  }
}

/**
 * A series' value as a person reads it: memory and GPU are fractions of the machine, requests a count.
 * @param {string} name
 * @param {number} value
 */
export function formatSeriesValue(name, value) {
  if (!Number.isFinite(value)) return '–'
  if (name === 'requests') return `${Math.round(value * 10) / 10}`
  return `${Math.round(value * 100)} %`
}

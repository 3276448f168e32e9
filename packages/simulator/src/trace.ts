import { TraceFormatError, TraceHeaderError, TraceOrderError, UnknownPoolError } from './errors.js'
import { findSpotPool, SPOT_POOLS } from './fleet.js'
import type { FleetEvent } from './world.js'

/**
 * Availability/preemption trace, CSV with this header:
 *
 *     time_s,zone,instance_type,event
 *     3600,us-east-1a,p5.4g,interruption
 *     3600,us-east-1a,p5.4g,unavailable
 *     5400,us-east-1a,p5.4g,available
 *
 * `time_s` is seconds from the start of the run (non-decreasing); `zone` and `instance_type` name
 * a spot pool of the simulated fleet; `event` is `interruption` (the lowest-numbered running
 * machine of the pool that has no notice yet gets its 120 s notice; nothing happens if none
 * runs), `unavailable` (no launches in the pool until `available`) or `available`.
 * Blank lines and lines starting with `#` are skipped. A trace replaces the synthetic process.
 */
export const TRACE_HEADER = 'time_s,zone,instance_type,event'
const EVENTS = ['interruption', 'unavailable', 'available'] as const

export function parseTrace(text: string): FleetEvent[] {
  const lines = text.split(/\r?\n/)
  let header: number | undefined
  const events: FleetEvent[] = []
  let last = 0
  lines.forEach((raw, i) => {
    const line = raw.trim()
    const n = i + 1
    if (line === '' || line.startsWith('#')) return
    if (header === undefined) {
      if (line.replaceAll(' ', '') !== TRACE_HEADER) throw new TraceHeaderError(line)
      header = n
      return
    }
    const cells = line.split(',').map((c) => c.trim())
    if (cells.length !== 4) throw new TraceFormatError(n, `expected 4 fields, found ${cells.length}`)
    const [timeText, zone, type, kind] = cells as [string, string, string, string]
    const time = Number(timeText)
    if (timeText === '' || !Number.isFinite(time) || time < 0) throw new TraceFormatError(n, `bad time "${timeText}"`)
    if (time < last) throw new TraceOrderError(n)
    last = time
    if (!(EVENTS as readonly string[]).includes(kind)) {
      throw new TraceFormatError(n, `bad event "${kind}" (expected ${EVENTS.join(', ')})`)
    }
    const pool = findSpotPool(zone, type)
    if (pool === undefined) throw new UnknownPoolError(n, zone, type)
    if (kind === 'interruption') events.push({ time, kind: 'hit', pool: pool.index, slot: -1 })
    else if (kind === 'available') events.push({ time, kind: 'available', pool: pool.index })
    else events.push({ time, kind: 'unavailable', pool: pool.index, until: Number.POSITIVE_INFINITY })
  })
  if (header === undefined) throw new TraceHeaderError('')
  return events
}

/** Writes events in the trace format (synthetic runs can be exported and replayed). */
export function formatTrace(events: readonly FleetEvent[]): string {
  const rows = [TRACE_HEADER]
  const byIndex = new Map(SPOT_POOLS.map((p) => [p.index, p]))
  const out: { time: number; row: string }[] = []
  for (const e of events) {
    const p = byIndex.get(e.pool)
    if (p === undefined) continue
    const at = (time: number, kind: string) =>
      out.push({ time, row: `${time.toFixed(3)},${p.zone},${p.type.name},${kind}` })
    if (e.kind === 'hit') at(e.time, 'interruption')
    else if (e.kind === 'available') at(e.time, 'available')
    else {
      at(e.time, 'unavailable')
      if (Number.isFinite(e.until)) at(e.until, 'available')
    }
  }
  out.sort((a, b) => a.time - b.time)
  return `${[...rows, ...out.map((o) => o.row)].join('\n')}\n`
}

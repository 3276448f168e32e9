/**
 * `npm run bench:sim`: the whole 243-scenario grid, 7 simulated days each, all five policies,
 * on worker threads across the machine's cores; then the service simulation (ten policies, the
 * whole trace and 30 three-day windows) on a synthetic nine-zone capacity trace of 45 days in
 * the spot-traces format, so that it needs no downloaded data. Prints one line each.
 */
import { runGrid } from '../src/grid.js'
import { createStream } from '../src/rng.js'
import { fleetFromTraces } from '../src/service/data-fleet.js'
import { runTraceSet } from '../src/service/run.js'
import { parseSpotTrace } from '../src/service/spot-traces.js'

const started = performance.now()
const results = await runGrid({ seed: 1, days: 7 })
const seconds = (performance.now() - started) / 1000
const events = results.reduce((a, s) => a + s.runs.reduce((b, r) => b + r.events, 0), 0)
console.log(
  `sim grid scenarios=${results.length} seconds=${seconds.toFixed(1)} events_per_s=${Math.round(events / seconds)}`,
)

/** Two-state capacity per zone: up for ~8 h, down for ~1.5 h on average, 195 s ticks like the nine-zone set. */
function syntheticZone(zone: string, ticks: number, gap: number) {
  const rng = createStream(1, zone)
  const counts: number[] = []
  let up = rng.next() < 0.85
  for (let k = 0; k < ticks; k++) {
    counts.push(up ? 1 : 0)
    if (rng.next() < gap / (up ? 8 * 3600 : 1.5 * 3600)) up = !up
  }
  return parseSpotTrace(
    `availability/${zone}_v100_1.json`,
    JSON.stringify({ metadata: { gap_seconds: gap }, data: counts }),
  )
}
const zones = [
  'us-east-1a',
  'us-east-1c',
  'us-east-1d',
  'us-east-1f',
  'us-east-2a',
  'us-east-2b',
  'us-west-2a',
  'us-west-2b',
  'us-west-2c',
]
const gap = 195
const fleet = fleetFromTraces(
  zones.map((z) => syntheticZone(z, Math.round((45 * 86_400) / gap), gap)),
  { name: 'synthetic nine zones', capacityScale: 4 },
)
const serviceStarted = performance.now()
const set = runTraceSet(fleet, { windows: 30, windowDays: 3, seed: 1 })
const serviceSeconds = (performance.now() - serviceStarted) / 1000
const serviceEvents = [set.full, ...set.windows].reduce((a, w) => a + w.runs.reduce((b, r) => b + r.events, 0), 0)
console.log(
  `sim service zones=${set.zones} days=45 policies=${set.full.runs.length} windows=${set.windows.length} seconds=${serviceSeconds.toFixed(1)} events_per_s=${Math.round(serviceEvents / serviceSeconds)}`,
)

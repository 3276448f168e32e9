/**
 * `npm run bench:sim`: the whole 243-scenario grid, 7 simulated days each, all five policies,
 * on worker threads across the machine's cores. Prints one line.
 */
import { runGrid } from '../src/grid.js'

const started = performance.now()
const results = await runGrid({ seed: 1, days: 7 })
const seconds = (performance.now() - started) / 1000
const events = results.reduce((a, s) => a + s.runs.reduce((b, r) => b + r.events, 0), 0)
console.log(
  `sim grid scenarios=${results.length} seconds=${seconds.toFixed(1)} events_per_s=${Math.round(events / seconds)}`,
)

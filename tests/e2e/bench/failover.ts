/**
 * `npm run bench:failover`: the demo's spot preemption, repeated on one cast of real processes
 * (localnet, three provider nodes, the synkti CLI). Each run: the spot machine (back as a new
 * instance after the first run) gets a new lease (`synkti job run --provider … --wait`), load,
 * a spot interruption notice through its IMDS mock, the failover to the planner's choice; then
 * the load stops and the consumer closes the lease (`synkti job stop`).
 *
 * Overhead = notice → replacement healthy, minus the stand-in server's own start on the taker
 * (what Synkti adds on top of starting the job somewhere else). The baseline, measured in the
 * same run: the stand-in's cold start when a lease opens on the spot node (no failover around it).
 * Progress goes to stderr; stdout carries one line:
 *
 *   failover runs=10 overhead_p50_ms=… overhead_p95_ms=… requests_failed=… standin_start_p50_ms=… overhead_p50_vs_start=…x
 *
 * With `--model smollm2` each lease runs SmolLM2-135M-Instruct (consumer-cli/examples/smollm2.yaml,
 * llama.cpp through synkti-engine on the CPU), its weights fetched by sha256 from moto's S3 into
 * each provider's cache (the first failover's taker fetches them; a later one may find them
 * cached); the load is 1 request/s. Overhead = notice → replacement healthy minus the taker's job
 * start (weights fetch + engine load), and the line carries the engine's own load time on the
 * taker, measured in the same run, next to notice → healthy:
 *
 *   failover model=smollm2 runs=… notice_to_healthy_p50_ms=… notice_to_healthy_p95_ms=… engine_load_p50_ms=… weights_fetch_p50_ms=… overhead_p50_ms=… overhead_p95_ms=… requests_failed=… weights_from=…
 *
 * Usage: npm run bench:failover [-- --runs 10] [-- --model smollm2]
 */
import { parseArgs } from 'node:util'
import { SMOLLM2 } from '@synkti/inference/spawn'
import { quantile } from '@synkti/simulator'
import { nodeEvent } from '../harness/processes.js'
import type { RunningProvider } from '../harness/provider.js'
import { respawnSpot } from '../harness/spot.js'
import { assemble, type Cast, jobStartMs, load, MODEL, preempt, SPEC, synkti, waitUntil } from '../harness/story.js'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, model: { type: 'string', default: 'standin' } },
})
const RUNS = Math.max(1, Number(values.runs))
if (values.model !== 'standin' && values.model !== 'smollm2') {
  throw new Error(`--model ${values.model}: standin or smollm2`)
}
const REAL = values.model === 'smollm2'
const JOB = REAL
  ? { spec: 'consumer-cli/examples/smollm2.yaml', model: SMOLLM2.name, rate: 1, before: 3, after: 3 }
  : { spec: SPEC, model: MODEL, rate: 5, before: 10, after: 10 }
/** Enough escrow for a run many times over (the spot price is 800/s); refunded at each close. */
const DEPOSIT = '2000000'
/** Requests answered on the spot machine before the notice, and after the move, per run. */
const LOAD_BEFORE = JOB.before
const LOAD_AFTER = JOB.after

const t0 = Date.now()
const progress = (line: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`)

interface Run {
  lease: string
  overheadMs: number
  noticeToHealthyMs: number
  coldStartMs: number | null
  /** the taker's `engine-loaded` line (model jobs): the engine's own load, the weights' fetch and source */
  engine: { loadMs: number | null; weightsMs: number; weightsFrom: string } | null
  failed: number
}

async function once(cast: Cast, spot: RunningProvider, n: number): Promise<Run> {
  const run = await synkti(
    cast,
    ['job', 'run', JOB.spec, '--provider', spot.provider.toBase58(), '--deposit', DEPOSIT, '--wait'],
    240_000,
  )
  const lease = String(run.lease)
  progress(`run ${n}: lease ${lease} ${String(run.state)} on ${spot.spec.name}`)
  const generator = load(cast, lease, JOB.rate, JOB.model)
  let overheadMs: number
  let noticeToHealthyMs: number
  let engine: Run['engine'] = null
  try {
    await waitUntil('load on the spot machine', async () => generator.stats.succeeded >= LOAD_BEFORE || null, 60_000)
    const failover = await preempt(cast, progress, spot)
    if (failover.outcome !== 'restored') throw new Error(`run ${n}: failover ${failover.outcome}`)
    const moved = generator.stats.succeeded
    await waitUntil(
      'load on the new machine',
      async () => generator.stats.succeeded >= moved + LOAD_AFTER || null,
      60_000,
    )
    overheadMs = failover.noticeToHealthyMs - failover.replacementStartMs
    noticeToHealthyMs = failover.noticeToHealthyMs
    const taker = cast.providers.find((p) => p.spec.name === failover.to)
    const loaded = taker?.proc.lines.find(nodeEvent('engine-loaded', (e) => e.lease === lease))
    if (loaded !== undefined)
      engine = { loadMs: loaded.loadMs, weightsMs: loaded.weightsMs, weightsFrom: loaded.weightsFrom }
    if (REAL && engine === null) throw new Error(`run ${n}: no engine-loaded line on ${failover.to}`)
    progress(
      `run ${n}: ${failover.from} → ${failover.to}, notice → healthy ${failover.noticeToHealthyMs} ms, ${REAL ? 'job' : 'stand-in'} start ${failover.replacementStartMs} ms${engine === null ? '' : ` (weights from ${engine.weightsFrom} ${engine.weightsMs} ms, engine load ${engine.loadMs} ms)`}, overhead ${overheadMs} ms`,
    )
  } finally {
    await generator.stop()
  }
  return {
    lease,
    overheadMs,
    noticeToHealthyMs,
    coldStartMs: jobStartMs(spot, lease),
    engine,
    failed: generator.stats.failed,
  }
}

let cast: Cast | undefined
async function stop(code: number): Promise<never> {
  await cast?.stop()
  process.exit(code)
}
process.once('SIGINT', () => void stop(130))
process.once('SIGTERM', () => void stop(143))

async function main(): Promise<void> {
  const c = await assemble(progress, REAL ? { weights: 's3', startTimeoutMs: 120_000 } : {})
  cast = c
  const first = c.providers[0]
  if (first === undefined || !first.spec.spot) throw new Error('the first provider of the demo cast is the spot one')
  let spot: RunningProvider = first
  const runs: Run[] = []
  for (let n = 1; n <= RUNS; n++) {
    const run = await once(c, spot, n)
    runs.push(run)
    // the consumer closes the lease while the cloud brings the spot machine back
    const closed = synkti(c, ['job', 'stop', run.lease]).then(() => progress(`run ${n}: lease closed`))
    const [fresh] = await Promise.all([n < RUNS ? respawnSpot(c, progress, spot) : spot, closed])
    spot = fresh
  }
  const overhead = runs.map((r) => r.overheadMs).sort((a, b) => a - b)
  const cold = runs.flatMap((r) => (r.coldStartMs === null ? [] : [r.coldStartMs])).sort((a, b) => a - b)
  const p50 = quantile(overhead, 0.5)
  const coldP50 = quantile(cold, 0.5)
  const failed = runs.reduce((a, r) => a + r.failed, 0)
  if (REAL) {
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
    const healthy = sorted(runs.map((r) => r.noticeToHealthyMs))
    const engineLoad = sorted(runs.flatMap((r) => (r.engine?.loadMs == null ? [] : [r.engine.loadMs])))
    const fetches = sorted(runs.flatMap((r) => (r.engine === null ? [] : [r.engine.weightsMs])))
    const from = runs.map((r) => r.engine?.weightsFrom ?? '?').join(',')
    console.log(
      `failover model=smollm2 runs=${runs.length} notice_to_healthy_p50_ms=${Math.round(quantile(healthy, 0.5))} notice_to_healthy_p95_ms=${Math.round(quantile(healthy, 0.95))} engine_load_p50_ms=${Math.round(quantile(engineLoad, 0.5))} weights_fetch_p50_ms=${Math.round(quantile(fetches, 0.5))} overhead_p50_ms=${Math.round(p50)} overhead_p95_ms=${Math.round(quantile(overhead, 0.95))} requests_failed=${failed} weights_from=${from}`,
    )
    return
  }
  console.log(
    `failover runs=${runs.length} overhead_p50_ms=${Math.round(p50)} overhead_p95_ms=${Math.round(quantile(overhead, 0.95))} requests_failed=${failed} standin_start_p50_ms=${Math.round(coldP50)} overhead_p50_vs_start=${(p50 / coldP50).toFixed(2)}x`,
  )
}

main().then(
  () => stop(0),
  (err: Error) => {
    console.error(`bench:failover failed: ${err.name}: ${err.message}`)
    for (const p of cast?.providers ?? []) console.error(`--- ${p.spec.name} ---\n${p.proc.text.slice(-10).join('\n')}`)
    return stop(1)
  },
)

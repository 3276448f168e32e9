/**
 * Discovery benchmark: N Synkti nodes on loopback, spread over worker threads (one per core by
 * default), form a DHT; a fifth of them publish records and announce capability keys; lookups
 * (discover: find providers, fetch and verify records) from random nodes are timed; then an
 * update is published and timed until every node's lookup returns it. Prints exactly one line:
 *
 *   discovery nodes=50 lookups=… p50_ms=… p95_ms=… propagation_s=…
 *
 * Usage: npm run bench:discovery -- --nodes 50 [--lookups 50] [--providers 10] [--threads 2] [--seed 1]
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { type CapabilityKey, solanaAddressOf } from '../src/index.js'
import { keyFor } from './discovery-shared.js'
import type { WorkerOps } from './discovery-worker.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '50' },
    lookups: { type: 'string', default: '50' },
    providers: { type: 'string' },
    threads: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
})
const NODES = Math.max(3, Number(values.nodes))
const LOOKUPS = Math.max(1, Number(values.lookups))
const PROVIDERS = Math.min(NODES - 1, Number(values.providers ?? Math.max(2, Math.floor(NODES / 5))))
const THREADS = Math.max(1, Math.min(NODES, Number(values.threads ?? availableParallelism())))
/** nodes started (and joined) at once */
const JOIN_BATCH = 6
const GPUS = ['H100', 'A100-80GB', 'L4', 'RTX4090'] as const
const REGIONS = ['eu-central', 'us-east'] as const
/** Longest the whole run may take before it gives up (and still closes every node). */
const RUN_BUDGET_MS = 600_000

/** Progress on stderr with BENCH_VERBOSE=1; stdout carries only the result line. */
const progress = (what: string) => {
  if (process.env.BENCH_VERBOSE === '1') console.error(`[${new Date().toISOString()}] ${what}`)
}

// Deterministic choices (mulberry32), so reruns query the same pattern.
let state = Number(values.seed) >>> 0
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

/** A worker thread as an async RPC object. */
class Host {
  private readonly worker = new Worker(new URL('./discovery-worker.js', import.meta.url))
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private nextId = 0
  private failure: Error | undefined

  constructor() {
    this.worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const call = this.pending.get(id)
      this.pending.delete(id)
      if (error !== undefined) call?.reject(new Error(error))
      else call?.resolve(result)
    })
    const fail = (err: Error) => {
      this.failure ??= err
      for (const call of this.pending.values()) call.reject(err)
      this.pending.clear()
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`bench: worker exited (${code})`)))
  }

  call<K extends keyof WorkerOps>(
    op: K,
    ...args: Parameters<WorkerOps[K]>
  ): Promise<Awaited<ReturnType<WorkerOps[K]>>> {
    const id = this.nextId++
    if (this.failure !== undefined) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ id, op, args })
    })
  }

  async close(): Promise<void> {
    await this.call('stop').catch(() => undefined)
    await this.worker.terminate()
  }
}

async function pollUntil(probe: () => Promise<boolean>, deadline: number, what: string): Promise<void> {
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function main(): Promise<string> {
  const deadline = Date.now() + RUN_BUDGET_MS
  const hosts = Array.from({ length: THREADS }, () => new Host())
  // node i lives in thread i mod THREADS
  const on = (i: number) => hosts[i % THREADS] as Host
  const all = Array.from({ length: NODES }, (_, i) => i)
  try {
    const market = solanaAddressOf((await keyFor(1_000_000)).publicKey)
    const operators = await Promise.all(all.map(async (i) => solanaAddressOf((await keyFor(i)).publicKey)))

    // Nodes join in small batches; each knows node 0 and one random earlier node, as a config
    // file would list them.
    const addresses = [await on(0).call('create', 0, [])]
    for (let i = 1; i < NODES; i += JOIN_BATCH) {
      const batch = all.slice(i, i + JOIN_BATCH).map((j) => {
        const known = [...new Set([addresses[0] as string, pick(addresses)])]
        return on(j).call('create', j, known)
      })
      addresses.push(...(await Promise.all(batch)))
      progress(`${addresses.length} nodes joined`)
    }
    await pollUntil(
      async () => (await Promise.all(all.map((i) => on(i).call('routingTableSize', i)))).every((size) => size >= 1),
      deadline,
      'routing tables',
    )

    const providers = all.slice(1, PROVIDERS + 1)
    const keys = new Map<string, CapabilityKey>()
    for (const [n, i] of providers.entries()) {
      const key = { market, gpuModel: GPUS[n % GPUS.length] as string, region: REGIONS[n % REGIONS.length] as string }
      keys.set(`${key.gpuModel}/${key.region}`, key)
      await on(i).call('publish', i, key, '100')
      await on(i).call('announce', i, key)
    }
    progress(`${PROVIDERS} providers published and announced`)

    const lookupKeys = [...keys.values()]
    const latencies: number[] = []
    for (let n = 0; n < LOOKUPS; n++) {
      const from = pick(all)
      const key = pick(lookupKeys)
      const { ms, found } = await on(from).call('discover', from, key)
      if (found === 0) throw new Error(`bench: lookup ${n} found no provider of ${key.gpuModel}/${key.region}`)
      latencies.push(ms)
    }
    latencies.sort((a, b) => a - b)
    progress('lookups done')

    // Propagation is measured at the start of lookups, not at their end: each round issues a
    // lookup from every node that still returned the old record; the update has propagated at
    // the start of the first round in which every remaining lookup returns it. (Lookup cost is
    // what p50/p95 measure.)
    const updater = providers[0] as number
    const started = performance.now()
    const seq = await on(updater).call('publish', updater, lookupKeys[0] as CapabilityKey, '99')
    const pending = new Set(all)
    let convergedAt = started
    await pollUntil(
      async () => {
        convergedAt = performance.now()
        await Promise.all(
          [...pending].map(async (i) => {
            if ((await on(i).call('seq', i, market, operators[updater] as string)) === seq) pending.delete(i)
          }),
        )
        return pending.size === 0
      },
      deadline,
      'the update to reach every node',
    )
    progress('update seen by every node')

    return [
      'discovery',
      `nodes=${NODES}`,
      `lookups=${LOOKUPS}`,
      `p50_ms=${percentile(latencies, 50).toFixed(1)}`,
      `p95_ms=${percentile(latencies, 95).toFixed(1)}`,
      `propagation_s=${((convergedAt - started) / 1000).toFixed(3)}`,
    ].join(' ')
  } finally {
    await Promise.allSettled(hosts.map((host) => host.close()))
  }
}

main().then(
  (line) => {
    console.log(line)
    process.exit(0)
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)

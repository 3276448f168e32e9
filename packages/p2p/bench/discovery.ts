/**
 * Discovery benchmark: N Synkti nodes on loopback form a DHT, a fifth of them publish records
 * and announce capability keys, then lookups from random nodes are timed, and an updated record
 * is timed until every node's lookup returns it. Prints exactly one line:
 *
 *   discovery nodes=50 lookups=… p50_ms=… p95_ms=… propagation_s=…
 *
 * Usage: npm run bench:discovery -- --nodes 50 [--lookups 50] [--providers 10] [--seed 1]
 */

import { parseArgs } from 'node:util'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { Capability } from '@synkti/planner'
import { type CapabilityKey, SynktiNode, solanaAddressOf } from '../src/index.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '50' },
    lookups: { type: 'string', default: '50' },
    providers: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
})
const NODES = Math.max(3, Number(values.nodes))
const LOOKUPS = Math.max(1, Number(values.lookups))
const PROVIDERS = Math.min(NODES - 1, Number(values.providers ?? Math.max(2, Math.floor(NODES / 5))))
const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']
/**
 * Settings for many nodes packed into one process on one host: every node shares 127.0.0.1, so
 * per-host connection limits would throttle the mesh, and event-loop lag makes heartbeat pings
 * late without any peer being dead.
 */
const PACKED = {
  allow: ['/ip4/127.0.0.0/ipcidr/8'],
  connectionMonitor: false,
  requestTimeoutMs: 30_000,
}
/** nodes started (and joined) at once */
const JOIN_BATCH = 5
const GPUS = ['H100', 'A100-80GB', 'L4', 'RTX4090'] as const
const REGIONS = ['eu-central', 'us-east'] as const
/** Longest the whole run may take before it gives up (and still closes every node). */
const RUN_BUDGET_MS = 600_000

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

async function keyFor(i: number) {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, i + 1)
  seed[31] = 0x5b
  return generateKeyPairFromSeed('Ed25519', seed)
}

async function pollUntil(probe: () => Promise<boolean>, deadline: number, what: string): Promise<void> {
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function routingTableSize(node: SynktiNode): number {
  return (node.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size
}

/** Progress on stderr with BENCH_VERBOSE=1; stdout carries only the result line. */
const progress = (what: string) => {
  if (process.env.BENCH_VERBOSE === '1') console.error(`[${new Date().toISOString()}] ${what}`)
}

async function main(): Promise<string> {
  const deadline = Date.now() + RUN_BUDGET_MS
  const nodes: SynktiNode[] = []
  try {
    const market = solanaAddressOf((await keyFor(1_000_000)).publicKey)
    nodes.push(await SynktiNode.create({ privateKey: await keyFor(0), listen: LOOPBACK, ...PACKED }))
    // Nodes join in small batches; each knows the first node and one random earlier node, as a
    // config file would list them.
    for (let i = 1; i < NODES; i += JOIN_BATCH) {
      const batch = Array.from({ length: Math.min(JOIN_BATCH, NODES - i) }, async (_, j) => {
        const known = [nodes[0], pick(nodes)].map((n) => (n as SynktiNode).multiaddrs[0] as string)
        return SynktiNode.create({
          privateKey: await keyFor(i + j),
          listen: LOOPBACK,
          bootstrap: [...new Set(known)],
          ...PACKED,
        })
      })
      nodes.push(...(await Promise.all(batch)))
      progress(`${nodes.length} nodes joined`)
    }
    await pollUntil(async () => nodes.every((n) => routingTableSize(n) >= 1), deadline, 'routing tables')

    const providers = nodes.slice(1, PROVIDERS + 1)
    const keys = new Map<string, CapabilityKey>()
    for (const [i, node] of providers.entries()) {
      const key = { market, gpuModel: GPUS[i % GPUS.length] as string, region: REGIONS[i % REGIONS.length] as string }
      keys.set(`${key.gpuModel}/${key.region}`, key)
      await node.publishRecord({ market, capability: capabilityOf(key), pricePerSecond: 100n, load: idle })
      await node.announce(key)
    }

    progress(`${PROVIDERS} providers published and announced`)
    const lookupKeys = [...keys.values()]
    const latencies: number[] = []
    for (let i = 0; i < LOOKUPS; i++) {
      const from = pick(nodes)
      const key = pick(lookupKeys)
      const started = performance.now()
      const { providers: found, rejected } = await from.discover(key)
      latencies.push(performance.now() - started)
      progress(`lookup ${i}: ${found.length} found, ${rejected.length} rejected`)
      if (found.length === 0) throw new Error(`bench: lookup ${i} found no provider of ${key.gpuModel}/${key.region}`)
    }
    latencies.sort((a, b) => a - b)
    progress('lookups done')

    // Propagation: an update is published; time until every node's lookup returns it.
    const updater = providers[0] as SynktiNode
    const updateKey = lookupKeys[0] as CapabilityKey
    const started = performance.now()
    const updated = await updater.publishRecord({
      market,
      capability: capabilityOf(updateKey),
      pricePerSecond: 99n,
      load: { jobs: 1, gpuUtilization: 0.5 },
    })
    // Propagation is measured at the start of lookups, not at their end: each round issues a
    // lookup from every node that still returned the old record; the update has propagated at
    // the start of the first round in which every remaining lookup returns it. (Lookup cost is
    // what p50/p95 measure.)
    const pending = new Set(nodes)
    let convergedAt = performance.now()
    await pollUntil(
      async () => {
        convergedAt = performance.now()
        await Promise.all(
          [...pending].map(async (node) => {
            const got = await node.getRecord(market, updater.operator).catch(() => undefined)
            if (got?.record.seq === updated.record.seq) pending.delete(node)
          }),
        )
        return pending.size === 0
      },
      deadline,
      'the update to reach every node',
    )
    const propagationS = (convergedAt - started) / 1000
    progress('update seen by every node')

    return [
      'discovery',
      `nodes=${NODES}`,
      `lookups=${LOOKUPS}`,
      `p50_ms=${percentile(latencies, 50).toFixed(1)}`,
      `p95_ms=${percentile(latencies, 95).toFixed(1)}`,
      `propagation_s=${propagationS.toFixed(3)}`,
    ].join(' ')
  } finally {
    await Promise.allSettled(nodes.map((node) => node.stop()))
  }
}

const idle = { jobs: 0, gpuUtilization: 0 }

function capabilityOf(key: CapabilityKey): Capability {
  return {
    gpu: { model: key.gpuModel, count: 8, vramGb: 80 },
    cloud: 'aws',
    region: key.region,
    zone: `${key.region}-1a`,
    spot: true,
    runtimes: ['vllm'],
    cachedModels: [],
    diskGb: 1000,
  }
}

main().then(
  (line) => {
    console.log(line)
    // libp2p leaves no work behind after stop(); exit anyway so a stray timer cannot hang CI.
    process.exit(0)
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)

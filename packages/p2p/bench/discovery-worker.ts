/**
 * Hosts a share of the benchmark's nodes in one worker thread, driven by discovery.ts over
 * postMessage: `{ id, op, args }` in, `{ id, result }` or `{ id, error }` out.
 */
import { parentPort } from 'node:worker_threads'
import { type CapabilityKey, SynktiNode } from '../src/index.js'
import { capabilityOf, keyFor, PACKED } from './discovery-shared.js'

const nodes = new Map<number, SynktiNode>()
const port = parentPort
if (port === null) throw new Error('discovery-worker must run in a worker thread')

const node = (index: number): SynktiNode => {
  const found = nodes.get(index)
  if (found === undefined) throw new Error(`no node ${index} in this worker`)
  return found
}

const ops = {
  async create(index: number, bootstrap: string[]): Promise<string> {
    const created = await SynktiNode.create({
      privateKey: await keyFor(index),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap,
      ...PACKED,
    })
    nodes.set(index, created)
    return created.multiaddrs[0] as string
  },
  routingTableSize(index: number): number {
    return (node(index).libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size
  },
  async publish(index: number, key: CapabilityKey, price: string): Promise<number> {
    const load = { jobs: 0, gpuUtilization: 0 }
    const published = await node(index).publishRecord({
      market: key.market,
      capability: capabilityOf(key),
      pricePerSecond: price,
      load,
    })
    return published.record.seq
  },
  async announce(index: number, key: CapabilityKey): Promise<void> {
    await node(index).announce(key)
  },
  /** Milliseconds for one discover(), and how many verified providers it returned. */
  async discover(index: number, key: CapabilityKey): Promise<{ ms: number; found: number }> {
    const started = performance.now()
    const { providers } = await node(index).discover(key)
    return { ms: performance.now() - started, found: providers.length }
  },
  async seq(index: number, market: string, operator: string): Promise<number | null> {
    const got = await node(index)
      .getRecord(market, operator)
      .catch(() => undefined)
    return got?.record.seq ?? null
  },
  async stop(): Promise<void> {
    await Promise.allSettled([...nodes.values()].map((n) => n.stop()))
    nodes.clear()
  },
}

export type WorkerOps = typeof ops

port.on('message', async ({ id, op, args }: { id: number; op: keyof WorkerOps; args: unknown[] }) => {
  try {
    const result = await (ops[op] as (...a: unknown[]) => unknown)(...args)
    port.postMessage({ id, result })
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
})

import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import type { Capability } from '@synkti/planner'
import { type SynktiNode as Node, SynktiNode, type SynktiNodeInit, solanaAddressOf } from '../src/index.js'

export const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

export async function newKey(): Promise<Ed25519PrivateKey> {
  return generateKeyPair('Ed25519')
}

/** A market address for tests: any valid base58 32-byte key. */
export async function newAddress(): Promise<string> {
  return solanaAddressOf((await newKey()).publicKey)
}

export function capability(overrides: Partial<Capability> = {}): Capability {
  return {
    gpu: { model: 'H100', count: 8, vramGb: 80 },
    cloud: 'aws',
    region: 'eu-central',
    zone: 'eu-central-1a',
    spot: true,
    runtimes: ['vllm', 'container'],
    cachedModels: ['llama-3-70b'],
    diskGb: 2000,
    ...overrides,
  }
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

export function routingTableSize(node: Node): number {
  return (node.libp2p.services.dht as unknown as { routingTable: { size: number } }).routingTable.size
}

export interface TestNetwork {
  nodes: SynktiNode[]
  /** keys[i] is nodes[i]'s operator key */
  keys: Ed25519PrivateKey[]
  bootstrap: string[]
  add(init?: Partial<SynktiNodeInit>): Promise<SynktiNode>
  stop(): Promise<void>
}

/**
 * `n` nodes on loopback; the first is everyone's bootstrap peer. Resolves once every node has
 * someone in its routing table and the bootstrap node knows everyone.
 */
export async function startNetwork(
  n: number,
  init: (i: number) => Partial<SynktiNodeInit> = () => ({}),
): Promise<TestNetwork> {
  const nodes: SynktiNode[] = []
  const keys: Ed25519PrivateKey[] = []
  const create = async (extra: Partial<SynktiNodeInit>, bootstrap: string[] = []) => {
    const privateKey = extra.privateKey ?? (await newKey())
    const node = await SynktiNode.create({ privateKey, listen: LOOPBACK, bootstrap, ...extra })
    nodes.push(node)
    keys.push(privateKey)
    return node
  }
  const first = await create(init(0))
  const bootstrap = [first.multiaddrs[0] as string]
  const add = (extra: Partial<SynktiNodeInit> = {}) => create(extra, bootstrap)
  for (let i = 1; i < n; i++) await add(init(i))
  await waitFor(() => nodes.every((node) => routingTableSize(node) >= 1) && routingTableSize(first) >= n - 1, {
    what: 'routing tables',
  })
  return {
    nodes,
    keys,
    bootstrap,
    add,
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()))
    },
  }
}

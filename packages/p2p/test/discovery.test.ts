import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CapabilityKey, type ChainView, type DiscoveredProvider, SynktiNode } from '../src/index.js'
import {
  capability,
  LOOPBACK,
  newAddress,
  newKey,
  routingTableSize,
  startNetwork,
  type TestNetwork,
  waitFor,
} from './helpers.js'

const load = { jobs: 0, gpuUtilization: 0 }

describe('discovery by capability', () => {
  let net: TestNetwork
  let consumer: SynktiNode
  let market: string
  let h100: CapabilityKey
  let a100: CapabilityKey
  const inactive = new Set<string>()
  const chain: ChainView = { isActiveOperator: async (_market, operator) => !inactive.has(operator) }
  const status = { status: async () => ({ phase: 'serving' }) }

  // nodes[1], [2]: H100 in eu-central; [3]: A100 in us-east; [4]: announces H100 but its record
  // says L4; [5]: announces H100 and never publishes a record.
  beforeAll(async () => {
    market = await newAddress()
    h100 = { market, gpuModel: 'H100', region: 'eu-central' }
    a100 = { market, gpuModel: 'A100-80GB', region: 'us-east' }
    net = await startNetwork(6, () => ({ handlers: status }))
    const [, p1, p2, p3, p4, p5] = net.nodes as SynktiNode[]
    const publish = (node: SynktiNode, cap = capability()) =>
      node.publishRecord({ market, capability: cap, pricePerSecond: 100n, load })
    await publish(p1 as SynktiNode)
    await publish(p2 as SynktiNode)
    await publish(
      p3 as SynktiNode,
      capability({ gpu: { model: 'A100-80GB', count: 4, vramGb: 80 }, region: 'us-east' }),
    )
    await publish(p4 as SynktiNode, capability({ gpu: { model: 'L4', count: 1, vramGb: 24 } }))
    for (const node of [p1, p2, p4, p5]) await (node as SynktiNode).announce(h100)
    await (p3 as SynktiNode).announce(a100)
    consumer = await SynktiNode.create({
      privateKey: await newKey(),
      listen: LOOPBACK,
      bootstrap: net.bootstrap,
      dhtMode: 'client',
      chainView: chain,
    })
    await waitFor(() => routingTableSize(consumer) >= 1, { what: "the consumer's routing table" })
  })
  afterAll(async () => {
    await consumer.stop()
    await net.stop()
  })

  const operators = (nodes: SynktiNode[]) => nodes.map((n) => n.operator).sort()
  const node = (i: number) => net.nodes[i] as SynktiNode

  it('finds every provider that announced the key and keeps only verified, matching records', async () => {
    const { providers, rejected } = await consumer.discover(h100, { checkChain: false })
    expect(providers.map((p) => p.record.record.operator).sort()).toEqual(operators([node(1), node(2)]))
    const reasons = Object.fromEntries(rejected.map((r) => [r.peerId.toString(), r.error.name]))
    expect(reasons).toEqual({
      [node(4).peerId.toString()]: 'CapabilityMismatchError',
      [node(5).peerId.toString()]: 'RecordNotFoundError',
    })
  })

  it('keys are separate: another model and region find only their provider', async () => {
    const { providers } = await consumer.discover(a100)
    expect(providers.map((p) => p.record.record.operator)).toEqual([node(3).operator])
    expect(providers[0]?.record.record.capability.gpu.count).toBe(4)
  })

  it('with a ChainView, operators not active on chain are rejected (InactiveOperatorError)', async () => {
    inactive.add(node(2).operator)
    try {
      const { providers, rejected } = await consumer.discover(h100)
      expect(providers.map((p) => p.record.record.operator)).toEqual([node(1).operator])
      expect(rejected.find((r) => r.peerId.equals(node(2).peerId))?.error.name).toBe('InactiveOperatorError')
    } finally {
      inactive.clear()
    }
  })

  it('a discovered provider can be asked directly', async () => {
    const { providers } = await consumer.discover(a100)
    const { body } = await consumer.protocols.askStatus((providers[0] as DiscoveredProvider).peerId)
    expect(body).toMatchObject({ operator: node(3).operator, status: { phase: 'serving' } })
  })

  it('a restarted provider (same key, new port) re-announces and is found again at its new address', async () => {
    const key = net.keys[1]
    const oldAddress = node(1).multiaddrs[0]
    await node(1).stop()
    const restarted = await net.add({ privateKey: key, handlers: status })
    expect(restarted.operator).toBe(node(1).operator)
    expect(restarted.multiaddrs[0]).not.toBe(oldAddress)
    await waitFor(() => routingTableSize(restarted) >= 1, { what: 'the restarted routing table' })
    await restarted.publishRecord({ market, capability: capability(), pricePerSecond: 90n, load })
    await restarted.announce(h100)

    const found = await waitFor(
      async () => {
        const { providers } = await consumer.discover(h100)
        const mine = providers.find((p) => p.record.record.operator === restarted.operator)
        return mine?.record.record.addresses.includes(restarted.multiaddrs[0] as string) ? mine : undefined
      },
      { what: 'the restarted provider to be discovered' },
    )
    expect(found.record.record.pricePerSecond).toBe('90')
    const { body } = await consumer.protocols.askStatus(found.peerId)
    expect(body.operator).toBe(restarted.operator)
  })
})

describe('a lone provider (no other DHT server)', () => {
  it('publishes and announces without waiting for a peer; a consumer bootstrapped to it finds it by capability', async () => {
    const market = await newAddress()
    const l4: CapabilityKey = { market, gpuModel: 'L4', region: 'eu-central' }
    const provider = await SynktiNode.create({ privateKey: await newKey(), listen: LOOPBACK })
    const consumers: SynktiNode[] = []
    try {
      expect(provider.dhtPeers).toBe(0)
      // no peer to store them with: kept on this node, and the calls return (they used to wait
      // for a peer until their deadline, and the announcement never went out)
      await provider.publishRecord({
        market,
        capability: capability({ gpu: { model: 'L4', count: 1, vramGb: 24 } }),
        pricePerSecond: 100n,
        load,
      })
      await provider.announce(l4)

      const changes: number[] = []
      const off = provider.onDhtPeersChange((n) => changes.push(n))
      const consumer = await SynktiNode.create({
        privateKey: await newKey(),
        listen: LOOPBACK,
        bootstrap: [provider.multiaddrs[0] as string],
        dhtMode: 'client',
      })
      consumers.push(consumer)
      expect(consumer.dhtPeers).toBe(1)
      const { providers, rejected } = await consumer.discover(l4)
      expect(rejected).toEqual([])
      expect(providers.map((p) => p.record.record.operator)).toEqual([provider.operator])
      // another region or model is not this provider's key
      expect((await consumer.discover({ ...l4, region: 'us-east' })).providers).toEqual([])
      // a consumer (DHT client) is a connected peer, not a DHT peer
      expect(provider.connectedPeers).toBe(1)
      expect(provider.dhtPeers).toBe(0)

      // a second provider joins: the first now has a DHT peer and is told so
      const second = await SynktiNode.create({
        privateKey: await newKey(),
        listen: LOOPBACK,
        bootstrap: [provider.multiaddrs[0] as string],
      })
      consumers.push(second)
      await waitFor(() => changes.includes(1), { what: "the first provider's DHT peer" })
      expect(provider.dhtPeers).toBe(1)
      off()
    } finally {
      await Promise.all(consumers.map((c) => c.stop()))
      await provider.stop()
    }
  })
})

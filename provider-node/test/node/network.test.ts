// The node on P2P as the first hour meets it (issue 19, items 5, 6 and 8): a lone provider is
// found by capability by a consumer that bootstraps to it, and says it has no DHT peers instead
// of timing out; its address outlives a restart, so peers and consumers that kept it find it
// again; /health says what P2P and the DHT really are; a node that will not serve is not listed.
import { type AddressInfo, createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Keypair, type PublicKey } from '@solana/web3.js'
import { jobSpecHash } from '@synkti/jobs'
import type { CapabilityKey, SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeConfigSchema } from '../../src/node/config.js'
import type { NodeEvent } from '../../src/node/events.js'
import { chooseListenAddresses, DEFAULT_LISTEN_ADDRESSES, isEphemeralListen } from '../../src/node/listen.js'
import { ProviderNode } from '../../src/node/provider-node.js'
import { type ConsumerFx, client, type MarketFx, parties } from '../support/chain.js'
import { capability, consumerPeer, nodeConfig, standinSpec } from '../support/nodes.js'

let m: MarketFx
let c: ConsumerFx
const running: { stop(): Promise<void> }[] = []

beforeAll(async () => {
  m = await parties.market()
  c = await parties.consumer(m, 10_000_000n)
}, 120_000)

afterAll(async () => {
  await Promise.allSettled(running.map((r) => r.stop()))
})

/** Polls `probe` every 100 ms until it holds; fails after `ms` (a condition that never came). */
async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

async function startNode(config: Awaited<ReturnType<typeof nodeConfig>>, events: NodeEvent[]) {
  const node = await ProviderNode.start({ config, log: (e) => events.push(e) })
  running.push(node)
  return node
}

async function consumer(bootstrap: string[]): Promise<SynktiNode> {
  const peer = await consumerPeer(c, bootstrap)
  running.push(peer)
  return peer
}

async function health(node: ProviderNode) {
  const response = await fetch(`${node.api?.url}/health`)
  return {
    code: response.status,
    body: (await response.json()) as {
      ok: boolean
      status: string
      reasons?: string[]
      checks: { name: string; ok: boolean; degraded?: boolean; detail?: string }[]
    },
  }
}

const check = (h: Awaited<ReturnType<typeof health>>, name: string) => h.body.checks.find((x) => x.name === name)

describe('the P2P listen address in the config (issue 19, item 5)', () => {
  it('a config that names none listens on the documented default port, never a random one', async () => {
    const [market, provider] = [Keypair.generate(), Keypair.generate()].map((k) => k.publicKey.toBase58())
    const parsed = nodeConfigSchema.parse({
      keypair: 'operator.json',
      market,
      provider,
      stateDir: 'state',
      capability: capability(),
      pricePerSecond: '1000',
    })
    expect(parsed.listen).toEqual(['/ip4/127.0.0.1/tcp/4001'])
    expect(parsed.listen).toEqual(DEFAULT_LISTEN_ADDRESSES)
    expect(parsed.listen.some(isEphemeralListen)).toBe(false)
    // what register chooses is a port of its own, not 0
    expect((await chooseListenAddresses()).some(isEphemeralListen)).toBe(false)
    expect(isEphemeralListen('/ip4/127.0.0.1/tcp/0')).toBe(true)
  })
})

describe('a lone provider and its first consumer', () => {
  it('is found by capability through its address, says it has no DHT peers, and keeps its address across a restart', {
    timeout: 90_000,
  }, async () => {
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    // what `synkti-provider register` writes into a new config: a port chosen once
    const listen = await chooseListenAddresses()
    expect(listen[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/[1-9][0-9]*$/)
    const config = await nodeConfig(m, p, { listen })
    const events: NodeEvent[] = []
    const a = await startNode(config, events)
    const key: CapabilityKey = {
      market: m.key.toBase58(),
      gpuModel: config.capability.gpu.model,
      region: config.capability.region,
    }

    // alone: published on itself, said once by name, never a publish timeout
    await until('the first publish', () => events.some((e) => e.event === 'published'))
    expect(events.find((e) => e.event === 'published')).toMatchObject({ dhtPeers: 0 })
    const alone = events.filter((e) => e.event === 'no-dht-peers')
    expect(alone).toHaveLength(1)
    expect(alone[0]).toMatchObject({ addresses: a.p2p.multiaddrs })
    expect(events.filter((e) => e.event === 'publish-deferred')).toEqual([])

    // /health: serving, degraded, and why: nobody connected, nobody on the DHT; the RPC answers
    const lonely = await health(a)
    expect(lonely.code).toBe(200)
    expect(lonely.body).toMatchObject({ ok: true, status: 'degraded' })
    expect(check(lonely, 'rpc')).toMatchObject({ ok: true })
    expect(check(lonely, 'p2p')).toMatchObject({ ok: true, degraded: true })
    expect(check(lonely, 'p2p')?.detail).toContain('no peers')
    expect(check(lonely, 'dht')).toMatchObject({ ok: true, degraded: true })
    expect(lonely.body.reasons?.join('\n')).toContain('no DHT peers')

    // the consumer, given the provider's address, finds it by capability (`synkti providers --gpu … --region …`)
    const bootstrap = [a.p2p.multiaddrs[0] as string]
    const first = await consumer(bootstrap)
    const found = await first.discover(key)
    expect(found.rejected).toEqual([])
    expect(found.providers.map((f) => f.record.record.operator)).toEqual([a.address])
    expect(found.providers[0]?.record.record.provider).toBe(p.key.toBase58())
    const connected = await health(a)
    expect(check(connected, 'p2p')).toEqual({ name: 'p2p', ok: true, detail: '1 peer connected' })
    expect(check(connected, 'dht')).toMatchObject({ degraded: true })
    expect(a.details().network).toMatchObject({ peerId: a.p2p.peerId.toString(), peers: 1, dhtPeers: 0, listen })
    // the status page's token units: the market's mints, their decimals as the chain has them
    const decimals = async (mint: PublicKey) => {
      const { value } = await client.connection.getParsedAccountInfo(mint)
      if (value === null) throw new Error(`no mint ${mint.toBase58()}`)
      return (value.data as { parsed: { info: { decimals: number } } }).parsed.info.decimals
    }
    expect(a.details().tokens).toEqual({
      payment: { mint: m.mint.toBase58(), decimals: await decimals(m.mint) },
      stake: { mint: m.stakeMint.toBase58(), decimals: await decimals(m.stakeMint) },
    })
    await first.stop()

    // restarted on the same config: the same address, so what the consumer kept still works
    const before = a.p2p.multiaddrs
    await a.stop()
    const again: NodeEvent[] = []
    const restarted = await startNode(config, again)
    expect(restarted.p2p.multiaddrs).toEqual(before)
    const later = await consumer(bootstrap)
    const refound = await until('the restarted provider found by capability', async () => {
      const { providers } = await later.discover(key)
      return providers.length > 0 ? providers : undefined
    })
    expect(refound.map((f) => f.record.record.operator)).toEqual([a.address])
  })

  it('two providers that found each other find each other again after one restarts', { timeout: 90_000 }, async () => {
    const [p, q] = await Promise.all([parties.provider(m, 1_000n, 1_000_000n), parties.provider(m, 1_100n, 1_000_000n)])
    const config = await nodeConfig(m, p, { listen: await chooseListenAddresses() })
    const aEvents: NodeEvent[] = []
    const a = await startNode(config, aEvents)
    const bootstrap = [a.p2p.multiaddrs[0] as string]
    const b = await startNode(await nodeConfig(m, q, { bootstrap }), [])
    // the first provider hears of its first DHT peer, says so and publishes to it
    await until('a DHT peer on the first provider', () => aEvents.some((e) => e.event === 'dht-peers'))
    await until("the first provider's record on the second", () =>
      b.p2p.getRecord(m.key.toBase58(), a.address).then(
        () => true,
        () => false,
      ),
    )
    expect(check(await health(a), 'dht')).toEqual({ name: 'dht', ok: true, detail: '1 DHT peer in the routing table' })

    await a.stop()
    const again: NodeEvent[] = []
    const restarted = await startNode(config, again)
    // the second rejoins through the address it was given, which is still the first's
    await until('the second provider back in the routing table', () => restarted.p2p.dhtPeers > 0)
    await until('the second provider to see the restarted one', () => b.p2p.dhtPeers > 0)
    expect(again.some((e) => e.event === 'dht-peers')).toBe(true)
  })
})

describe('a P2P port another process holds', () => {
  it('stops the start with P2pListenError, naming the --listen fix', async () => {
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    try {
      const port = (holder.address() as AddressInfo).port
      const config = await nodeConfig(m, p, { listen: [`/ip4/127.0.0.1/tcp/${port}`] })
      const refused = await ProviderNode.start({ config }).then(
        (node) => {
          running.push(node)
          return undefined
        },
        (err: unknown) => err,
      )
      expect(refused).toMatchObject({
        name: 'P2pListenError',
        addresses: [`/ip4/127.0.0.1/tcp/${port}`],
        remedy: expect.stringContaining('--listen /ip4/127.0.0.1/tcp/<port>'),
      })
    } finally {
      holder.close()
    }
  })
})

describe('a node that will not serve (issue 19, item 8)', () => {
  it('a deployer publishes no record, announces nothing, refuses jobs saying why, and says how to serve', {
    timeout: 60_000,
  }, async () => {
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const events: NodeEvent[] = []
    const d = await startNode(await nodeConfig(m, p, { role: 'auto', context: 'workstation' }), events)
    // `--context workstation` is asserted, so the role is the workstation's: a deployer
    expect(events.find((e) => e.event === 'context')).toMatchObject({
      role: 'deployer',
      toServe: 'synkti-provider run --role worker',
    })
    expect(d.status()).toMatchObject({ role: 'deployer', admitting: false })

    const peer = await consumer([d.p2p.multiaddrs[0] as string])
    await d.publish() // what the refresh would do: nothing, for a deployer
    await expect(peer.getRecord(m.key.toBase58(), d.address)).rejects.toMatchObject({ name: 'RecordNotFoundError' })
    const { providers } = await peer.discover({
      market: m.key.toBase58(),
      gpuModel: d.config.capability.gpu.model,
      region: d.config.capability.region,
    })
    expect(providers).toEqual([])
    expect(events.filter((e) => e.event === 'published' || e.event === 'no-dht-peers')).toEqual([])

    // a consumer that opened a lease with it anyway is told why, by name, and nothing starts
    const spec = standinSpec()
    const opened = await client.openLease({
      consumer: c.kp,
      provider: p.key,
      jobSpecHash: jobSpecHash(spec),
      maxPricePerSecond: 5_000n,
      deposit: 1_000_000n,
    })
    const decision = await peer.protocols.submitJob(d.p2p.peerId, { lease: opened.lease.toBase58(), spec })
    expect(decision).toEqual({
      accepted: false,
      reason:
        'NodeNotAdmittingError: this node is a deployer: it serves no leases (its operator serves with synkti-provider run --role worker)',
    })
    expect(d.jobs.views()).toEqual([])
  })
})

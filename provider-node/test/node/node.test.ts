import { setTimeout as sleep } from 'node:timers/promises'
import { Keypair, PublicKey } from '@solana/web3.js'
import { jobOfLease, jobSpecHash, parseNodeStatus, requirementOf } from '@synkti/jobs'
import type { SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../src/node/events.js'
import { nodeFailoverEffects } from '../../src/node/failover-effects.js'
import { ProviderNode } from '../../src/node/provider-node.js'
import { type ConsumerFx, client, type MarketFx, type ProviderFx, parties, passTime } from '../support/chain.js'
import { capability, consumerPeer, nodeConfig, standinSpec } from '../support/nodes.js'

let m: MarketFx
let spot: ProviderFx
let steady: ProviderFx
let c: ConsumerFx
let a: ProviderNode
let b: ProviderNode
let consumer: SynktiNode

async function waitHealthy(node: ProviderNode, lease: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const job = jobOfLease(parseNodeStatus(JSON.parse(JSON.stringify(node.status()))), lease)
    if (job?.state === 'healthy' && job.endpoint !== null) return job.endpoint
    if (job?.state === 'failed') throw new Error(`job failed: ${job.reason}`)
    await sleep(100)
  }
  throw new Error('job never healthy')
}

async function lease(spec = standinSpec(), deposit = 5_000_000n) {
  const opened = await client.openLease({
    consumer: c.kp,
    provider: spot.key,
    jobSpecHash: jobSpecHash(spec),
    maxPricePerSecond: 5_000n,
    deposit,
  })
  return opened.lease.toBase58()
}

beforeAll(async () => {
  m = await parties.market()
  ;[spot, steady, c] = await Promise.all([
    parties.provider(m, 1_000n, 1_000_000n),
    parties.provider(m, 1_200n, 1_000_000n),
    parties.consumer(m, 100_000_000n),
  ])
  a = await ProviderNode.start({ config: await nodeConfig(m, spot) })
  b = await ProviderNode.start({
    config: await nodeConfig(m, steady, { bootstrap: a.p2p.multiaddrs, capability: capability({ spot: false }) }),
  })
  consumer = await consumerPeer(c, a.p2p.multiaddrs)
}, 120_000)

afterAll(async () => {
  await Promise.allSettled([consumer?.stop(), a?.stop(), b?.stop()])
})

describe('provider node: jobs over P2P, backed by the chain', () => {
  it('accepts a job on chain, runs it to healthy and serves completions', async () => {
    const address = await lease()
    const decision = await consumer.protocols.submitJob(a.p2p.peerId, { lease: address, spec: standinSpec() })
    expect(decision).toEqual({ accepted: true, jobId: address })
    const onChain = await client.fetchLease(new PublicKey(address))
    expect(onChain.status.kind).toBe('active')
    const endpoint = await waitHealthy(a, address)
    const reply = await fetch(`${endpoint}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test/model', prompt: 'hi', max_tokens: 3 }),
    })
    expect(reply.status).toBe(200)
    // a repeated submission of the same lease does not start a second process
    expect(await consumer.protocols.submitJob(a.p2p.peerId, { lease: address, spec: standinSpec() })).toEqual({
      accepted: true,
      jobId: address,
    })
    expect(a.jobs.views().filter((j) => j.lease === address)).toHaveLength(1)
    // the signed status over P2P says the same
    const signed = await consumer.protocols.askStatus(a.p2p.peerId)
    expect(jobOfLease(parseNodeStatus(signed.body.status), address)?.endpoint).toBe(endpoint)
  })

  it('publishes a signed record that names the provider account it speaks for', async () => {
    const market = m.key.toBase58()
    let found: Awaited<ReturnType<SynktiNode['getRecord']>> | undefined
    for (let i = 0; i < 100 && found === undefined; i++) {
      // getRecord verifies the signature, which covers `provider`
      found = await consumer.getRecord(market, b.address).catch(() => undefined)
      if (found === undefined) await sleep(200)
    }
    expect(found?.record).toMatchObject({ market, operator: b.address, provider: steady.key.toBase58() })
  })

  it('refuses bad submissions by name and starts nothing', async () => {
    const before = a.jobs.views().length
    const unknown = await consumer.protocols.submitJob(a.p2p.peerId, {
      lease: Keypair.generate().publicKey.toBase58(),
      spec: standinSpec(),
    })
    expect(unknown).toMatchObject({ accepted: false, reason: expect.stringMatching(/^UnknownLeaseError/) })

    const address = await lease()
    const other = standinSpec({ name: 'other' })
    expect(await consumer.protocols.submitJob(a.p2p.peerId, { lease: address, spec: other })).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/^SpecHashMismatchError/),
    })
    expect(await consumer.protocols.submitJob(a.p2p.peerId, { lease: address, spec: { version: 2 } })).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/^InvalidJobSpecError/),
    })

    const huge = standinSpec({ model: { name: 'big', sizeGb: 1, vramGb: 640 } })
    const hugeLease = await lease(huge)
    expect(await consumer.protocols.submitJob(a.p2p.peerId, { lease: hugeLease, spec: huge })).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/^JobDoesNotFitError: .*vram/),
    })

    // fits an empty machine (80 GB), not one whose running job already holds 16 GB of it
    const big = standinSpec({ model: { name: 'test/model', sizeGb: 1, vramGb: 70 } })
    const bigLease = await lease(big)
    expect(await consumer.protocols.submitJob(a.p2p.peerId, { lease: bigLease, spec: big })).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/^JobDoesNotFitError: .*capacity/),
    })

    const shell = standinSpec({ run: { kind: 'command', command: '/bin/sh', args: ['-c', 'true'] } })
    const shellLease = await lease(shell)
    expect(await consumer.protocols.submitJob(a.p2p.peerId, { lease: shellLease, spec: shell })).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/^CommandNotAllowedError/),
    })
    // a lease on another provider is not this node's to serve
    const elsewhere = await client.openLease({
      consumer: c.kp,
      provider: steady.key,
      jobSpecHash: jobSpecHash(standinSpec()),
      maxPricePerSecond: 5_000n,
      deposit: 1_000_000n,
    })
    expect(
      await consumer.protocols.submitJob(a.p2p.peerId, { lease: elsewhere.lease.toBase58(), spec: standinSpec() }),
    ).toMatchObject({ accepted: false, reason: expect.stringMatching(/^LeaseNotForThisProviderError/) })
    expect(a.jobs.views().length).toBe(before)
    for (const l of [address, hugeLease, bigLease, shellLease]) {
      expect((await client.fetchLease(new PublicKey(l))).status.kind).toBe('open')
    }
  })

  it('hands a lease off: the taker signs migrate_lease, the giver checks it, co-signs and sends it, the taker starts the job', async () => {
    const address = await lease()
    expect((await consumer.protocols.submitJob(a.p2p.peerId, { lease: address, spec: standinSpec() })).accepted).toBe(
      true,
    )
    await waitHealthy(a, address)
    // v2 refuses a hand-off before the current provider has served one second (ZeroLengthHandoff)
    await passTime(1)
    // the giver's own path: candidates priced from the chain, the taker's transaction checked against the plan
    const effects = nodeFailoverEffects(
      {
        client,
        p2p: a.p2p,
        market: m.key.toBase58(),
        self: a.address,
        selfProvider: spot.key.toBase58(),
        stopAdmitting: () => undefined,
        coSign: (tx) => a.coSignMigration(tx),
        drainOld: () => Promise.resolve(),
        plan: () => ({ ok: false, detail: 'not planned' }),
        log: () => undefined,
      },
      address,
    )
    const spec = standinSpec()
    const job = { jobId: address, spec, requirement: requirementOf(spec), expectedDurationSec: 60 }
    const candidates = await effects.findCandidates(job, AbortSignal.timeout(30_000))
    const target = candidates.find((c) => c.target.operator === b.address)?.target
    if (target === undefined) throw new Error('b is not a candidate')
    const outcome = await effects.offer(
      target,
      { lease: address, job, deadline: Date.now() + 120_000 },
      AbortSignal.timeout(30_000),
    )
    expect(outcome).toMatchObject({ accepted: true, migrateSignature: expect.any(String) })
    const onChain = await client.fetchLease(new PublicKey(address))
    expect(onChain.provider.toBase58()).toBe(steady.key.toBase58())
    expect(onChain.migrationCount).toBe(1)
    const endpoint = await waitHealthy(b, address)
    expect((await fetch(`${endpoint}/health`)).status).toBe(200)
    // the giver's own copy goes too (the drain is stubbed here): its lease check sees the lease
    // pay another provider and stops it — before the next test counts the machine's share
    for (let i = 0; i < 200 && a.jobs.view(address).state !== 'stopped'; i++) await sleep(100)
    expect(a.jobs.view(address)).toMatchObject({ state: 'stopped', reason: 'the lease pays another provider' })
  })

  it('declines a hand-off of a lease the offering operator does not hold', async () => {
    const address = await lease()
    // b offers a's lease to a: the chain says the lease is a's provider's, not b's
    const outcome = await b.p2p.protocols.handoff(
      a.p2p.peerId,
      { lease: address, job: { spec: standinSpec() }, deadline: Math.floor(Date.now() / 1000) + 120 },
      () => Promise.reject(new Error('must not be asked to co-sign')),
    )
    expect(outcome).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/^LeaseNotServableError|^LeaseNotForThisProviderError/),
    })
  })

  it('stops a job whose lease was closed on chain, freeing its share of the machine', async () => {
    const address = await lease()
    expect((await consumer.protocols.submitJob(a.p2p.peerId, { lease: address, spec: standinSpec() })).accepted).toBe(
      true,
    )
    await waitHealthy(a, address)
    const held = a.jobs.usedVramGb()
    await client.closeLease({ signer: c.kp, lease: new PublicKey(address) })
    for (let i = 0; i < 200 && a.jobs.view(address).state !== 'stopped'; i++) await sleep(100)
    expect(a.jobs.view(address)).toMatchObject({
      state: 'stopped',
      reason: 'the lease ended (completed)',
      endpoint: null,
    })
    expect(a.jobs.usedVramGb()).toBe(held - 16)
  })

  it('a failover leaves out a registered provider whose record outlived its node, and measures the others', async () => {
    const cheap = await parties.provider(m, 500n, 1_000_000n)
    const g = await ProviderNode.start({ config: await nodeConfig(m, cheap, { bootstrap: a.p2p.multiaddrs }) })
    const market = m.key.toBase58()
    for (let i = 0; i < 100; i++) {
      const found = await a.p2p.getRecord(market, g.address).then(
        () => true,
        () => false,
      )
      if (found) break
      await sleep(200)
    }
    await g.stop()
    // the record is still in the DHT, and the chain still lists the provider: only a probe tells
    expect((await a.p2p.getRecord(market, g.address)).record.operator).toBe(g.address)
    const logged: NodeEvent[] = []
    const effects = nodeFailoverEffects(
      {
        client,
        p2p: a.p2p,
        market,
        self: a.address,
        selfProvider: spot.key.toBase58(),
        stopAdmitting: () => undefined,
        coSign: () => Promise.reject(new Error('not offered')),
        drainOld: () => Promise.resolve(),
        plan: () => ({ ok: false, detail: 'not planned' }),
        log: (event) => logged.push(event),
      },
      await lease(),
    )
    const spec = standinSpec()
    const job = { jobId: 'job', spec, requirement: requirementOf(spec), expectedDurationSec: 60 }
    const candidates = await effects.findCandidates(job, AbortSignal.timeout(30_000))
    const operators = candidates.map((c) => c.target.operator)
    expect(operators).toContain(b.address)
    expect(operators).not.toContain(g.address)
    expect(operators).not.toContain(a.address)
    for (const c of candidates) expect(c.slot.latency).toBeGreaterThanOrEqual(0)
    expect(logged.find((l) => l.event === 'failover-candidates')).toMatchObject({ unreachable: [g.address] })
  })
})

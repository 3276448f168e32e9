/**
 * Weights from a peer (`/synkti/weights/1.0.0`): two nodes on the localnet, one with SmolLM2 in
 * its model cache, the other with an empty cache and no `weightsSources` (no S3). The second
 * finds the first by its signed record (`sha256:<hex>` in `capability.cachedModels`), fetches the
 * file from it into its own cache, hash-checked, and serves the job; on a failover the giver's
 * offer says it caches the weights and the taker asks it first.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PublicKey } from '@solana/web3.js'
import { SMOLLM2 } from '@synkti/inference/spawn'
import { type JobSpec, jobOfLease, jobSpecHash, parseNodeStatus, requirementOf } from '@synkti/jobs'
import type { SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smollm2Path } from '../../../packages/inference/test/support/tools.js'
import { modelDir } from '../../src/node/config.js'
import type { NodeEvent } from '../../src/node/events.js'
import { nodeFailoverEffects } from '../../src/node/failover-effects.js'
import { ProviderNode } from '../../src/node/provider-node.js'
import { type ConsumerFx, client, type MarketFx, type ProviderFx, parties, passTime } from '../support/chain.js'
import { engineLoaded } from '../support/events.js'
import { capability, consumerPeer, modelSpec, nodeConfig } from '../support/nodes.js'

let m: MarketFx
let holderFx: ProviderFx
let takerFx: ProviderFx
let c: ConsumerFx
let holder: ProviderNode
let taker: ProviderNode
let consumer: SynktiNode
const holderEvents: NodeEvent[] = []
const takerEvents: NodeEvent[] = []

async function lease(provider: ProviderFx, spec: JobSpec): Promise<string> {
  const opened = await client.openLease({
    consumer: c.kp,
    provider: provider.key,
    jobSpecHash: jobSpecHash(spec),
    maxPricePerSecond: 5_000n,
    deposit: 5_000_000n,
  })
  return opened.lease.toBase58()
}

async function waitHealthy(node: ProviderNode, address: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const job = jobOfLease(parseNodeStatus(JSON.parse(JSON.stringify(node.status()))), address)
    if (job?.state === 'healthy' && job.endpoint !== null) return job.endpoint
    if (job?.state === 'failed') throw new Error(`job failed: ${job.reason}`)
    await sleep(200)
  }
  throw new Error(`job of ${address} not healthy within ${timeoutMs} ms`)
}

async function complete(endpoint: string): Promise<string> {
  const reply = await fetch(`${endpoint}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: SMOLLM2.name, prompt: 'The capital of France is', max_tokens: 8, temperature: 0 }),
  })
  expect(reply.status).toBe(200)
  return ((await reply.json()) as { choices: { text: string }[] }).choices[0]?.text ?? ''
}

/** Stops the node's job of `address` and waits until it is gone (its engine holds a core). */
async function stopJob(node: ProviderNode, address: string): Promise<void> {
  await node.jobs.stop(address, 'test done', 10_000)
}

beforeAll(async () => {
  m = await parties.market()
  ;[holderFx, takerFx, c] = await Promise.all([
    parties.provider(m, 1_000n, 1_000_000n),
    parties.provider(m, 1_200n, 1_000_000n),
    parties.consumer(m, 100_000_000n),
  ])
  const holderConfig = await nodeConfig(m, holderFx, { allowCommands: [], weightsSources: [] })
  // the holder's cache has the model, as `npm run fetch-model -- --dir <modelDir>` leaves it
  const cached = join(modelDir(holderConfig), 'sha256', SMOLLM2.sha256)
  await mkdir(join(modelDir(holderConfig), 'sha256'), { recursive: true })
  await copyFile(smollm2Path(), cached)
  holder = await ProviderNode.start({ config: holderConfig, log: (e) => holderEvents.push(e) })
  taker = await ProviderNode.start({
    config: await nodeConfig(m, takerFx, {
      allowCommands: [],
      weightsSources: [],
      bootstrap: holder.p2p.multiaddrs,
      capability: capability({ spot: false }),
    }),
    log: (e) => takerEvents.push(e),
  })
  consumer = await consumerPeer(c, holder.p2p.multiaddrs)
  // the holder's record lists the hash before anyone looks for it
  for (let i = 0; i < 100; i++) {
    const record = await consumer.getRecord(m.key.toBase58(), holder.address).catch(() => undefined)
    if (record?.record.capability.cachedModels.includes(`sha256:${SMOLLM2.sha256}`)) break
    await sleep(200)
  }
}, 180_000)

afterAll(async () => {
  await Promise.allSettled([consumer?.stop(), holder?.stop(), taker?.stop()])
})

describe('weights from a peer over /synkti/weights/1.0.0', () => {
  it('a node without the weights and without S3 finds a peer by its record, fetches them from it and serves the job', async () => {
    expect(taker.status().cachedWeights).toEqual([])
    const spec = modelSpec()
    const address = await lease(takerFx, spec)
    // the preflight finds the weights fetchable from a peer (no S3 is configured)
    expect(await consumer.protocols.submitJob(taker.p2p.peerId, { lease: address, spec })).toEqual({
      accepted: true,
      jobId: address,
    })
    const endpoint = await waitHealthy(taker, address)
    expect(await complete(endpoint)).toMatch(/^ Paris/)
    const loaded = await engineLoaded(takerEvents, address)
    expect(loaded).toMatchObject({ lease: address, weightsFrom: `peer:${holder.address}` })
    expect(taker.status().cachedWeights).toEqual([SMOLLM2.sha256])
    // both ends measured the transfer: the planner's transfer term for that peer
    const fetched = taker.weights.bandwidthWith(holder.address)
    const served = holder.weights.bandwidthWith(taker.address)
    expect(fetched).toMatchObject({ direction: 'fetched', bytesPerSecond: expect.any(Number) })
    expect(served).toMatchObject({ direction: 'served', bytesPerSecond: expect.any(Number) })
    expect(fetched?.bytesPerSecond).toBeGreaterThan(SMOLLM2.sizeBytes / 120)
    console.log(
      `measured: fetched ${Math.round((fetched?.bytesPerSecond ?? 0) / 1e6)} MB/s, served ${Math.round((served?.bytesPerSecond ?? 0) / 1e6)} MB/s`,
    )
    console.log(
      `weights from a peer: ${SMOLLM2.sizeBytes} bytes in ${(loaded as { weightsMs: number }).weightsMs} ms (hash-checked)`,
    )
    await stopJob(taker, address)
  })

  it('on a failover the giver says it caches the weights; the taker, without them, gets them from the giver', async () => {
    // the taker forgets the weights it fetched in the previous test
    await rm(taker.weights.cache.pathOf(SMOLLM2.sha256), { force: true })
    await taker.weights.refresh()
    expect(taker.weights.cached).toEqual([])
    takerEvents.length = 0

    const spec = modelSpec()
    const address = await lease(holderFx, spec)
    expect((await consumer.protocols.submitJob(holder.p2p.peerId, { lease: address, spec })).accepted).toBe(true)
    await waitHealthy(holder, address)
    expect(await engineLoaded(holderEvents, address)).toMatchObject({
      lease: address,
      weightsFrom: 'cache',
    })
    // the chain refuses a hand-off before the current provider has served one second
    await passTime(1)
    const effects = nodeFailoverEffects(
      {
        client,
        p2p: holder.p2p,
        market: m.key.toBase58(),
        self: holder.address,
        selfProvider: holderFx.key.toBase58(),
        stopAdmitting: () => undefined,
        coSign: (tx) => holder.coSignMigration(tx),
        drainOld: () => Promise.resolve(),
        cachedWeights: () => holder.weights.cached,
        measuredBandwidth: (operator) => holder.weights.bandwidthWith(operator)?.bytesPerSecond,
        plan: () => ({ ok: false, detail: 'not planned' }),
        log: () => undefined,
      },
      address,
    )
    // what the taker is told to ask first
    const preferred: string[] = []
    const prefer = taker.weights.prefer.bind(taker.weights)
    taker.weights.prefer = (sha256, operator) => {
      preferred.push(`${sha256}@${operator}`)
      prefer(sha256, operator)
    }
    const job = { jobId: address, spec, requirement: requirementOf(spec), expectedDurationSec: 60 }
    const candidates = await effects.findCandidates(job, AbortSignal.timeout(30_000))
    const candidate = candidates.find((x) => x.target.operator === taker.address)
    if (candidate === undefined) throw new Error('the taker is not a candidate')
    const { target } = candidate
    // the planner's transfer term for the taker uses the rate the holder measured serving it
    const measured = holder.weights.bandwidthWith(taker.address)?.bytesPerSecond
    expect(measured).toBeGreaterThan(0)
    expect(candidate.slot.bandwidth).toBeCloseTo((measured ?? 0) / 1e9, 12)
    const outcome = await effects.offer(
      target,
      { lease: address, job, deadline: Date.now() + 120_000 },
      AbortSignal.timeout(30_000),
    )
    expect(outcome).toMatchObject({ accepted: true })
    expect(preferred).toEqual([`${SMOLLM2.sha256}@${holder.address}`])
    expect((await client.fetchLease(new PublicKey(address))).provider.toBase58()).toBe(takerFx.key.toBase58())
    const endpoint = await waitHealthy(taker, address)
    expect(await complete(endpoint)).toMatch(/^ Paris/)
    expect(await engineLoaded(takerEvents, address)).toMatchObject({
      lease: address,
      weightsFrom: `peer:${holder.address}`,
    })
    // the giver's copy stops once its lease check sees the lease pay another provider
    for (let i = 0; i < 200 && holder.jobs.view(address).state !== 'stopped'; i++) await sleep(100)
    await stopJob(taker, address)
  })

  it('a spare pre-selected while risk is high is asked to fetch the weights now, and fetches them from the asker', async () => {
    await rm(taker.weights.cache.pathOf(SMOLLM2.sha256), { force: true })
    await taker.weights.refresh()
    takerEvents.length = 0
    holderEvents.length = 0
    const spec = modelSpec()
    const address = await lease(holderFx, spec)
    expect((await consumer.protocols.submitJob(holder.p2p.peerId, { lease: address, spec })).accepted).toBe(true)
    await waitHealthy(holder, address)

    const failover = (holder as unknown as { failover: { preselectSpare(risk: number): Promise<void> } }).failover
    await failover.preselectSpare(0.9)
    expect(holderEvents.find((e) => e.event === 'spare-preselected')).toMatchObject({
      operator: taker.address,
      prefetch: 'accepted',
    })
    expect(takerEvents.find((e) => e.event === 'weights-prefetch')).toMatchObject({
      sha256: SMOLLM2.sha256,
      from: holder.address,
      outcome: 'started',
    })
    // the fetch runs after the answer
    for (let i = 0; i < 600; i++) {
      if (takerEvents.some((e) => e.event === 'weights-prefetched' || e.event === 'weights-prefetch-failed')) break
      await sleep(100)
    }
    expect(
      takerEvents.find((e) => e.event === 'weights-prefetched' || e.event === 'weights-prefetch-failed'),
    ).toMatchObject({ event: 'weights-prefetched', sha256: SMOLLM2.sha256, weightsFrom: `peer:${holder.address}` })
    expect(taker.weights.cached).toEqual([SMOLLM2.sha256])

    // asked again: it has them; asked by someone who is no provider of the market: declined
    expect(await holder.p2p.protocols.prefetchWeights(taker.p2p.peerId, SMOLLM2.sha256, SMOLLM2.sizeBytes)).toEqual({
      accepted: true,
      cached: true,
    })
    await consumer.connect(taker.p2p.multiaddrs[0] as string)
    expect(await consumer.protocols.prefetchWeights(taker.p2p.peerId, SMOLLM2.sha256, SMOLLM2.sizeBytes)).toEqual({
      accepted: false,
      reason: `${consumer.operator} is not a provider of market ${m.key.toBase58()}`,
    })
    await stopJob(holder, address)
  })
})

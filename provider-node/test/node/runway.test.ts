/**
 * The node does only paid work, on a localnet of its own (these tests move the chain clock,
 * which no other file may see): a lease whose deposit runs out is warned about, its job stopped,
 * its service attested to the last paid second and the lease closed by the node, every token of
 * the payment mint accounted for; a lease the consumer disputes is stopped within one settlement
 * tick and nothing is attested after the dispute; a job adopted from an earlier lease at the same
 * address is stopped on the settlement loop's word and never billed to the lease there now.
 */
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PublicKey } from '@solana/web3.js'
import { jobOfLease, jobSpecHash, parseNodeStatus, runwayOfLease } from '@synkti/jobs'
import type { MarketClient } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ConsumerFx,
  type MarketFx,
  type Parties,
  type ProviderFx,
  warpClock,
} from '../../../clients/market/test/support/parties.js'
import { isNodeEvent, type NodeEvent, type NodeEventName, type NodeEventOf } from '../../src/node/events.js'
import { ProviderNode } from '../../src/node/provider-node.js'
import { DEFAULT_TICK_MS } from '../../src/settlement/index.js'
import { isAlive } from '../helpers.js'
import { tokenHoldings } from '../support/holdings.js'
import { type Localnet, ownChain } from '../support/localnet.js'
import { consumerPeer, nodeConfig, standinSpec } from '../support/nodes.js'

// the default market: fee 250 bps (25 of every 1 000), attestation gap 600 s; the provider asks 1 000/s
const PRICE = 1_000n
const WARN_SEC = 300

let chain: Localnet
let client: MarketClient
let parties: Parties
let m: MarketFx
let p: ProviderFx
let c: ConsumerFx
let node: ProviderNode
let consumer: SynktiNode
const events: NodeEvent[] = []

const warp = (seconds: number) => warpClock(chain.rpcUrl, seconds)

async function until<T>(probe: () => T | undefined | null | false, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = probe()
    if (v !== undefined && v !== null && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** The first event named `name` about `lease` logged at or after index `from`. */
function eventOf<K extends NodeEventName>(name: K, lease: string, from = 0): NodeEventOf<K> | undefined {
  return events.slice(from).find(isNodeEvent(name, (e) => 'lease' in e && e.lease === lease))
}

/** The node's `attestations_sent_total{outcome="error"}`. */
async function failedAttestations(): Promise<number> {
  const metric = await node.registry.getSingleMetric('synkti_node_attestations_sent_total')?.get()
  if (metric === undefined) throw new Error('no attestation metric')
  return metric.values.filter((v) => v.labels.outcome === 'error').reduce((sum, v) => sum + v.value, 0)
}

const statusOf = (n: ProviderNode) => parseNodeStatus(JSON.parse(JSON.stringify(n.status())))

/** Opens a lease on `p` for the stand-in, submits it over P2P and waits until it serves. */
async function served(deposit: bigint): Promise<{ lease: string; acceptedAt: number }> {
  const spec = standinSpec()
  const opened = await client.openLease({
    consumer: c.kp,
    provider: p.key,
    jobSpecHash: jobSpecHash(spec),
    maxPricePerSecond: 5_000n,
    deposit,
  })
  const lease = opened.lease.toBase58()
  expect(await consumer.protocols.submitJob(node.p2p.peerId, { lease, spec })).toEqual({ accepted: true, jobId: lease })
  await until(() => jobOfLease(statusOf(node), lease)?.state === 'healthy', 'the job healthy')
  const { acceptedAt } = await client.fetchLease(opened.lease)
  return { lease, acceptedAt }
}

/** Every token of the payment mint this cast holds: nothing may appear or vanish. */
const holdings = (lease: PublicKey) => tokenHoldings(parties, m, p, c, lease)

beforeAll(async () => {
  ;({ chain, client, parties } = await ownChain())
  m = await parties.market()
  ;[p, c] = await Promise.all([parties.provider(m, PRICE, 1_000_000n), parties.consumer(m, 10_000_000n)])
  node = await ProviderNode.start({
    config: await nodeConfig(m, p, { rpcUrl: chain.rpcUrl, runwayWarnSec: WARN_SEC, runwayPollMs: 200 }),
    log: (event) => events.push(event),
  })
  consumer = await consumerPeer(c, node.p2p.multiaddrs)
}, 180_000)

afterAll(async () => {
  await Promise.allSettled([consumer?.stop(), node?.stop()])
  await chain?.stop()
})

describe('the node serves only what is paid for', () => {
  it('a lease whose deposit runs out: warned, its job stopped, attested to its end, closed; tokens conserved', async () => {
    const funds = await parties.balance(c.token)
    // 600 s of service (the least the node admits: one attestation gap) and 500 that buy less than a second
    const { lease, acceptedAt } = await served(600n * PRICE + 500n)
    const address = new PublicKey(lease)
    const paidThrough = acceptedAt + 600
    await until(() => runwayOfLease(statusOf(node), lease), 'the runway in the status')
    expect(runwayOfLease(statusOf(node), lease)).toMatchObject({ level: 'ok', paidThrough })
    expect(eventOf('runway-runway', lease)).toBeUndefined()

    // 350 s on: the settlement loop attests at its interval (300 s); 250 s are left, under the warning
    const mark = events.length
    await warp(350)
    await until(() => eventOf('settlement-attested', lease, mark), 'an attestation', 3 * DEFAULT_TICK_MS)
    const warned = await until(() => eventOf('runway-runway', lease, mark), 'the warning')
    expect(warned).toMatchObject({ kind: 'runway', level: 'low', paidThrough })
    expect(warned.secondsLeft).toBeLessThan(WARN_SEC)
    expect(runwayOfLease(statusOf(node), lease)).toMatchObject({ level: 'low', paidThrough })
    // the consumer sees the warning in the node's signed status
    const signed = await consumer.protocols.askStatus(node.p2p.peerId)
    expect(runwayOfLease(parseNodeStatus(signed.body.status), lease)).toMatchObject({ level: 'low', paidThrough })
    expect(jobOfLease(statusOf(node), lease)?.state).toBe('healthy')

    // past the last paid second: stopped, attested up to it, closed by the node
    await warp(300)
    const closed = await until(() => eventOf('runway-closed', lease, mark), 'the close')
    expect(closed).toMatchObject({ seconds: '0', payout: '0', fee: '0', refund: '500' })
    const mine = events.slice(mark).filter((e) => 'lease' in e && e.lease === lease)
    const order = mine.map((e) => e.event).filter((e) => e.startsWith('runway-'))
    expect(order).toEqual(['runway-runway', 'runway-runway', 'runway-stopping', 'runway-settled', 'runway-closed'])
    expect(mine.find(isNodeEvent('runway-stopping'))).toMatchObject({ reason: 'runway-exhausted' })
    expect(mine.filter(isNodeEvent('runway-runway')).map((e) => e.level)).toEqual(['low', 'exhausted'])
    expect(node.jobs.view(lease)).toMatchObject({ state: 'stopped', reason: 'runway-exhausted', endpoint: null })
    expect(node.jobs.served().map((s) => s.lease)).not.toContain(lease)

    const ended = await client.fetchLease(address)
    expect(ended.status).toMatchObject({ kind: 'ended', outcome: 'completed' })
    expect(ended.settledUntil).toBe(paidThrough)
    // exactly the 600 s the escrow covered (held back: the node's own word), the consumer the rest
    expect(ended.paidToProviders).toBe(600n * 975n)
    expect(ended.feesPaid).toBe(600n * 25n)
    expect(await holdings(address)).toEqual({
      consumer: funds - 600n * PRICE,
      escrowed: 0n,
      payout: 0n,
      earnings: 600n * PRICE, // payout and fee, held until the dispute window passes
      fees: 0n,
      total: funds,
    })
    // nothing left behind: not reported, nothing queued for it
    await until(() => runwayOfLease(statusOf(node), lease) === undefined, 'the runway forgotten')
    await until(
      () => node.settlement?.queued().every((q) => q.lease !== lease),
      'the queue emptied',
      3 * DEFAULT_TICK_MS,
    )
  }, 120_000)

  it('a disputed lease: its job stopped within one settlement tick, nothing attested after the dispute', async () => {
    const { lease } = await served(5_000_000n)
    const address = new PublicKey(lease)
    // something was attested before the dispute
    let mark = events.length
    await warp(350)
    await until(() => eventOf('settlement-attested', lease, mark), 'an attestation', 3 * DEFAULT_TICK_MS)

    mark = events.length
    const failedBefore = await failedAttestations()
    await client.openDispute({ consumer: c.kp, lease: address, evidenceHash: new Uint8Array(32).fill(7) })
    const disputedAt = Date.now()
    const frozen = await client.fetchLease(address)
    expect(frozen.status.kind).toBe('disputed')
    await until(() => node.jobs.view(lease).state === 'stopped', 'the job stopped', 2 * DEFAULT_TICK_MS)
    expect(Date.now() - disputedAt).toBeLessThan(DEFAULT_TICK_MS)
    expect(node.jobs.view(lease)).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/disputed/) })
    expect(node.jobs.served().map((s) => s.lease)).not.toContain(lease)

    // another interval passes: the node would attest a served lease now, and attests nothing
    await warp(350)
    await sleep(2 * DEFAULT_TICK_MS)
    expect(eventOf('settlement-attested', lease, mark)).toBeUndefined()
    expect(eventOf('settlement-enqueued', lease, mark)).toBeUndefined()
    expect(eventOf('runway-closed', lease, mark)).toBeUndefined()
    expect(await client.fetchLease(address)).toMatchObject({
      status: { kind: 'disputed' },
      settledUntil: frozen.settledUntil,
      paidToProviders: frozen.paidToProviders,
      feesPaid: frozen.feesPaid,
    })
    // a disputed lease is not a failed attestation
    expect(await failedAttestations()).toBe(failedBefore)
  }, 120_000)

  it('a job adopted from an earlier lease at the address is stopped on the settlement loop’s word, never billed', async () => {
    const [q, d] = await Promise.all([parties.provider(m, PRICE, 1_000_000n), parties.consumer(m, 10_000_000n)])
    const { lease, acceptedAt } = await parties.activeLease(d, q, 5_000_000n)
    const { openedAt } = await client.fetchLease(lease)
    // a process the previous run started for the lease that was at this address before the chain was reset
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    const pid = child.pid ?? 0
    const config = await nodeConfig(m, q, { rpcUrl: chain.rpcUrl, runwayPollMs: 200 })
    await mkdir(join(config.stateDir, 'jobs'), { recursive: true })
    await writeFile(
      join(config.stateDir, 'jobs', `${lease.toBase58()}.json`),
      JSON.stringify({
        lease: lease.toBase58(),
        consumer: d.kp.publicKey.toBase58(),
        spec: standinSpec(),
        pid,
        endpoint: 'http://127.0.0.1:9',
        since: openedAt - 100,
        startedAt: openedAt - 100,
      }),
    )
    const logged: NodeEvent[] = []
    const other = await ProviderNode.start({ config, log: (e) => logged.push(e) })
    try {
      expect(logged.find(isNodeEvent('job-adopted'))).toMatchObject({ lease: lease.toBase58(), pid })
      const stop = await until(
        () => logged.find(isNodeEvent('settlement-stop', (e) => e.lease === lease.toBase58())),
        'the settlement stop',
        3 * DEFAULT_TICK_MS,
      )
      expect(stop).toMatchObject({ reason: 'lease-reopened', openedAt })
      await until(() => other.jobs.view(lease.toBase58()).state === 'stopped', 'the job stopped', 10_000)
      expect(other.jobs.view(lease.toBase58()).reason).toBe('lease-reopened')
      await until(() => !isAlive(pid), 'the process gone', 10_000)
      expect(logged.some(isNodeEvent('settlement-enqueued', (e) => e.lease === lease.toBase58()))).toBe(false)
      expect(await client.fetchLease(lease)).toMatchObject({
        status: { kind: 'active' },
        settledUntil: acceptedAt,
        paidToProviders: 0n,
      })
    } finally {
      await other.stop()
      child.kill('SIGKILL')
    }
  }, 120_000)
})

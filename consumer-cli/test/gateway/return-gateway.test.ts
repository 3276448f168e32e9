/**
 * --return-to-spot in the whole Gateway, against a stand-in chain (leases in a map), stand-in
 * jobs (HTTP servers), a stand-in market look and a stand-in mover: the look, the hold, the
 * move through the gateway's own make-before-break path, the count kept in the state file
 * against the limit, a failed move retried only after another hold, events and the metric.
 * The real chain, nodes and move: tests/e2e/return-to-spot.test.ts.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Keypair, PublicKey } from '@solana/web3.js'
import { jobSpecHash } from '@synkti/jobs'
import type { MarketClient } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { afterEach, describe, expect, it } from 'vitest'
import { MoveAbortedError } from '../../src/errors.js'
import {
  Gateway,
  type GatewayEvent,
  type MarketLook,
  type Mover,
  type ReturnEvent,
  type ReturnToSpotInit,
} from '../../src/gateway/gateway.js'
import type { RouteState } from '../../src/gateway/route.js'
import { readState } from '../../src/gateway/state.js'
import { readSpec } from '../../src/spec.js'
import { EXAMPLE_SPEC, tempDir } from '../support/cli.js'
import { capability, offer } from '../support/fixtures.js'

const OLD = Keypair.generate().publicKey
const NEW = Keypair.generate().publicKey
const ON_DEMAND = Keypair.generate().publicKey.toBase58()
const SPOT = Keypair.generate().publicKey.toBase58()
const CHEAPER_SPOT = Keypair.generate().publicKey.toBase58()

const nowSec = () => Math.floor(Date.now() / 1000)

async function standInJob(name: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, path: req.url }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }
}

const running: { stop(): Promise<void> }[] = []
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop()
})

/** The old lease on an on-demand provider at 1000/s, the new one (once a move opens it) on spot at 800/s. */
async function world(o: { maxMoves?: number; fail?: number; holdSec?: number } = {}) {
  const spec = await readSpec(EXAMPLE_SPEC)
  const consumer = Keypair.generate()
  const leases = new Map<string, Record<string, unknown>>()
  const lease = (address: PublicKey, provider: string, price: bigint, since: number) =>
    leases.set(address.toBase58(), {
      address,
      market: Keypair.generate().publicKey,
      consumer: consumer.publicKey,
      receiptSigner: consumer.publicKey,
      provider: new PublicKey(provider),
      jobSpecHash: jobSpecHash(spec),
      policy: { maxPricePerSecond: 2_000n, maxMigrations: 64, providersMayMigrate: true },
      openedAt: since,
      providerSince: since,
      status: { kind: 'active' },
      deposited: 1_000_000n,
      paidToProviders: 0n,
      feesPaid: 0n,
      pricePerSecond: price,
      settledUntil: since,
    })
  lease(OLD, ON_DEMAND, 1_000n, nowSec() - 3_600)
  const client = {
    connection: {
      getAccountInfo: async () => {
        const data = Buffer.alloc(40)
        data.writeBigInt64LE(BigInt(nowSec()), 32)
        return { data }
      },
    },
    fetchLease: async (k: PublicKey) => {
      const l = leases.get(k.toBase58())
      if (l === undefined) throw new Error(`no lease ${k.toBase58()}`)
      return { ...l }
    },
  } as unknown as MarketClient
  const [oldJob, newJob] = await Promise.all([standInJob('old'), standInJob('new')])
  for (const j of [oldJob, newJob]) running.push({ stop: () => new Promise<void>((r) => j.server.close(() => r())) })
  const routes = new Map<string, RouteState>([
    [
      OLD.toBase58(),
      {
        kind: 'serving',
        route: { lease: OLD.toBase58(), operator: 'op-hetzner', provider: ON_DEMAND, endpoint: oldJob.url },
      },
    ],
  ])
  const newRoute = { lease: NEW.toBase58(), operator: 'op-aws-spot', provider: SPOT, endpoint: newJob.url }

  const offers = {
    onDemand: offer({
      provider: ON_DEMAND,
      operator: 'op-hetzner',
      pricePerSecond: 1_000n,
      capability: capability({ spot: false, cloud: 'hetzner' }),
    }),
    spot: offer({ provider: SPOT, operator: 'op-aws-spot', pricePerSecond: 800n }),
    cheaper: offer({ provider: CHEAPER_SPOT, operator: 'op-cheaper', pricePerSecond: 500n }),
  }
  let moved = false
  // the cheaper spot provider appears only after the move: the limit must stop a second one
  const look: MarketLook = async () => ({
    offers: moved ? [offers.cheaper, offers.spot, offers.onDemand] : [offers.spot, offers.onDemand],
    rejected: [],
    marketMinStake: 1n,
  })

  const orders: { to?: string; deposit?: bigint }[] = []
  let failures = o.fail ?? 0
  const mover: Mover = async (order, hooks) => {
    orders.push({
      ...(order.to !== undefined ? { to: order.to } : {}),
      ...(order.deposit !== undefined ? { deposit: order.deposit } : {}),
    })
    const from = order.lease.toBase58()
    hooks.emit({ kind: 'move', step: 'choosing', from, to: null, line: 'choosing a provider' })
    if (failures > 0) {
      failures--
      const err = new MoveAbortedError(from, 'waiting', 'JobNotHealthyError: not healthy', 'x', true)
      hooks.emit({
        kind: 'move-failed',
        from,
        to: 'x',
        step: 'waiting',
        newLeaseClosed: true,
        error: { name: err.name, message: err.message, remedy: err.remedy },
      })
      throw err
    }
    lease(NEW, SPOT, 800n, nowSec())
    routes.set(NEW.toBase58(), { kind: 'serving', route: newRoute })
    await hooks.switchTo({
      lease: NEW,
      openedAt: nowSec(),
      route: newRoute,
      offer: offers.spot,
      opened: { lease: NEW, signature: 'sig', deposit: order.deposit ?? 0n },
    })
    await hooks.drain()
    ;(leases.get(OLD.toBase58()) as { status: unknown }).status = { kind: 'ended', outcome: 'completed' }
    moved = true
    return {
      from,
      to: NEW.toBase58(),
      provider: SPOT,
      operator: 'op-aws-spot',
      pricePerSecond: 800n,
      deposit: order.deposit ?? 0n,
      signature: 'sig',
      endpoint: newJob.url,
      old: { closed: true, signature: 'close', refund: 1n },
    }
  }

  const dir = await tempDir()
  const events: GatewayEvent[] = []
  const returnToSpot: ReturnToSpotInit = {
    spec,
    specSource: EXAMPLE_SPEC,
    policy: {
      minSaving: 0.2,
      holdSec: o.holdSec ?? 1,
      dwellSec: 0,
      ...(o.maxMoves !== undefined ? { maxMoves: o.maxMoves } : {}),
    },
    everyMs: 100,
    look,
  }
  const gateway = new Gateway({
    client,
    node: {} as SynktiNode,
    lease: OLD,
    signer: consumer,
    followMs: 3_600_000,
    receiptEveryMs: 3_600_000,
    budgetEveryMs: 3_600_000,
    probeMs: 100,
    saveEveryMs: 50,
    budget: { warnBelowSec: 1 },
    stateDir: dir,
    move: mover,
    returnToSpot,
    lookUp: async (l) => routes.get(l.toBase58()) ?? { kind: 'waiting', reason: 'no route' },
    emit: (e) => events.push(e),
  })
  running.push(gateway)
  const returns = () => events.filter((e): e is ReturnEvent => e.kind === 'return-to-spot')
  return { gateway, events, returns, orders, dir, spec, leases, consumer }
}

const until = async (what: string, check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('synkti gateway --return-to-spot', () => {
  it('holds, then moves the lease to the cheaper spot provider through its own make-before-break, within the limit', async () => {
    const w = await world({ maxMoves: 1 })
    await w.gateway.start()
    await until('the move', () => w.returns().some((e) => e.outcome === 'moved'))
    await until('the limit', () => w.returns().some((e) => e.reason === 'limit-reached'))
    const seen = w.returns().map((e) => `${e.outcome} ${e.reason}`)
    expect(seen[0]).toBe('declined holding')
    expect(seen.slice(seen.indexOf('moving cheaper'))).toEqual([
      'moving cheaper',
      'moved cheaper',
      'declined limit-reached',
    ])
    const moved = w.returns().find((e) => e.outcome === 'moved')
    expect(moved).toMatchObject({
      lease: NEW.toBase58(),
      to: NEW.toBase58(),
      current: { provider: ON_DEMAND, pricePerSecond: '1000' },
      candidate: { provider: SPOT, pricePerSecond: '800', saving: 0.2 },
      moves: 1,
      maxMoves: 1,
    })
    // the move the gateway ordered: to the provider it held, with an hour at 800/s (more than the old escrow)
    expect(w.orders).toEqual([{ to: SPOT, deposit: 800n * 3_600n }])
    expect(w.gateway.lease).toBe(NEW.toBase58())
    // its events are JSON as they are: no bigint in them
    expect(() => JSON.stringify(w.events)).not.toThrow()
    const status = (await (await fetch(`${w.gateway.url}/_synkti/status`)).json()) as Record<string, unknown>
    expect(status).toMatchObject({
      lease: NEW.toBase58(),
      movedFrom: OLD.toBase58(),
      returnToSpot: { moves: 1, maxMoves: 1, last: { reason: 'limit-reached' } },
    })
    const metrics = await (await fetch(`${w.gateway.url}/_synkti/metrics`)).text()
    expect(metrics).toMatch(/^synkti_gateway_return_to_spot_total\{outcome="moved",reason="cheaper"\} 1$/m)
    expect(metrics).toMatch(/^synkti_gateway_return_to_spot_total\{outcome="declined",reason="holding"\} \d+$/m)
    expect(metrics).toMatch(/^synkti_gateway_return_to_spot_total\{outcome="considered",reason=""\} \d+$/m)
    expect(metrics).toMatch(/^synkti_gateway_moves_total\{outcome="moved"\} 1$/m)
    await w.gateway.stop()
    // the count goes with the job, on disk: a restart does not start from 0
    expect((await readState(w.dir, NEW.toBase58()))?.autoMoves).toBe(1)
    expect((await readState(w.dir, OLD.toBase58()))?.movedTo).toBe(NEW.toBase58())
  })

  it('a move that fails is not counted, and the provider must be offered a whole hold again', async () => {
    const w = await world({ fail: 1 })
    await w.gateway.start()
    await until('the move', () => w.returns().some((e) => e.outcome === 'moved'), 15_000)
    const seen = w.returns().map((e) => `${e.outcome} ${e.reason}`)
    const failed = seen.indexOf('failed MoveAbortedError')
    expect(failed).toBeGreaterThan(0)
    // after the failure, holding again before the second try
    expect(seen.slice(failed)).toEqual([
      'failed MoveAbortedError',
      'declined holding',
      'moving cheaper',
      'moved cheaper',
      ...seen.slice(failed + 4),
    ])
    expect(w.returns()[failed]).toMatchObject({ moves: 0, lease: OLD.toBase58() })
    expect(w.returns().find((e) => e.outcome === 'moved')).toMatchObject({ moves: 1, maxMoves: 64 })
    expect(w.orders).toHaveLength(2)
  })

  it('refuses a spec the lease was not opened with, before it serves', async () => {
    const w = await world()
    ;(w.leases.get(OLD.toBase58()) as { jobSpecHash: Uint8Array }).jobSpecHash = new Uint8Array(32)
    await expect(w.gateway.start()).rejects.toMatchObject({ name: 'JobSpecMismatchError' })
  })
})

/**
 * The Gateway as a whole against a stand-in chain (leases in a map, the clock sysvar) and a
 * stand-in job (an HTTP server): its state across a restart, the control endpoint and a move
 * switching the traffic behind the same URL. The real chain, nodes and moves: tests/e2e.
 */

import { readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Keypair, type PublicKey } from '@solana/web3.js'
import type { MarketClient } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { afterEach, describe, expect, it } from 'vitest'
import { run as moveCommand } from '../../src/commands/job-move.js'
import type { Deps } from '../../src/context.js'
import { Gateway, type GatewayEvent, type GatewayInit, type Mover } from '../../src/gateway/gateway.js'
import { liveLock, readState, statePath } from '../../src/gateway/state.js'
import { EXAMPLE_SPEC, tempDir } from '../support/cli.js'

const OLD = Keypair.generate().publicKey
const NEW = Keypair.generate().publicKey
const PROVIDER_A = Keypair.generate().publicKey
const PROVIDER_B = Keypair.generate().publicKey

/** Leases as the program would hold them, just the fields the gateway reads. */
function standInChain() {
  const leases = new Map<string, Record<string, unknown>>()
  const lease = (address: PublicKey, provider: PublicKey, openedAt: number) =>
    leases.set(address.toBase58(), {
      address,
      market: Keypair.generate().publicKey,
      provider,
      openedAt,
      status: { kind: 'active' },
      deposited: 1_000_000n,
      paidToProviders: 0n,
      feesPaid: 0n,
      pricePerSecond: 1_000n,
      settledUntil: openedAt,
    })
  lease(OLD, PROVIDER_A, 1_000)
  lease(NEW, PROVIDER_B, 2_000)
  const topUps: bigint[] = []
  const client = {
    connection: {
      getAccountInfo: async () => {
        const data = Buffer.alloc(40)
        data.writeBigInt64LE(BigInt(Math.floor(Date.now() / 1000)), 32)
        return { data }
      },
    },
    fetchLease: async (k: PublicKey) => {
      const l = leases.get(k.toBase58())
      if (l === undefined) throw new Error(`no lease ${k.toBase58()}`)
      return { ...l }
    },
    topUpLease: async (p: { lease: PublicKey; amount: bigint }) => {
      const l = leases.get(p.lease.toBase58()) as { deposited: bigint }
      l.deposited += p.amount
      topUps.push(p.amount)
      return { signature: `top-up-${topUps.length}` }
    },
  }
  return { client: client as unknown as MarketClient, topUps, leases }
}

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

function gateway(
  chain: ReturnType<typeof standInChain>,
  over: Partial<GatewayInit> & Pick<GatewayInit, 'stateDir'>,
): { gateway: Gateway; events: GatewayEvent[] } {
  const events: GatewayEvent[] = []
  const g = new Gateway({
    client: chain.client,
    // no node to ask: the route stays "waiting" until a move names one
    node: {} as SynktiNode,
    lease: OLD,
    signer: Keypair.generate(),
    followMs: 3_600_000,
    receiptEveryMs: 3_600_000,
    budgetEveryMs: 3_600_000,
    probeMs: 100,
    saveEveryMs: 50,
    budget: { warnBelowSec: 600 },
    emit: (e) => events.push(e),
    ...over,
  })
  running.push(g)
  return { gateway: g, events }
}

const until = async (what: string, check: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('gateway state across a restart', () => {
  it('does not top up past --max-spend after a restart: what it spent is read back', async () => {
    const chain = standInChain()
    const dir = await tempDir()
    const budget = { warnBelowSec: 1e9, amount: 100_000n, maxSpend: 150_000n }
    const first = gateway(chain, { stateDir: dir, budget, budgetEveryMs: 30 })
    await first.gateway.start()
    expect(first.events[0]).toMatchObject({ kind: 'state', lease: OLD.toBase58(), resumed: false, spent: '0' })
    await until('the spend-limit warning', () => first.events.some((e) => e.kind === 'warn'))
    expect(first.events.filter((e) => e.kind === 'top-up')).toEqual([
      expect.objectContaining({ amount: '100000', spent: '100000' }),
    ])
    await first.gateway.stop()

    const second = gateway(chain, { stateDir: dir, budget, budgetEveryMs: 30 })
    await second.gateway.start()
    expect(second.events[0]).toMatchObject({ kind: 'state', resumed: true, spent: '100000' })
    await until('three budget rounds', () => second.events.filter((e) => e.kind === 'warn').length >= 3)
    expect(second.events.filter((e) => e.kind === 'top-up')).toEqual([])
    expect(chain.topUps).toEqual([100_000n])
    expect((await readState(dir, OLD.toBase58()))?.spent).toBe(100_000n)
  })

  it('a state file it cannot read stops it with GatewayStateCorruptError and stays as it was', async () => {
    const chain = standInChain()
    const dir = await tempDir()
    const first = gateway(chain, { stateDir: dir })
    await first.gateway.start()
    await first.gateway.stop()
    const path = statePath(dir, OLD.toBase58())
    await writeFile(path, '{"version":1,"lease":"garbage"')
    const second = gateway(chain, { stateDir: dir })
    await expect(second.gateway.start()).rejects.toMatchObject({ name: 'GatewayStateCorruptError', path })
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"lease":"garbage"')
    // it let go of the lease: nothing holds it
    expect(await liveLock(dir, OLD.toBase58())).toBeNull()
  })

  it('a state left by an earlier lease at the same address is moved aside, not used', async () => {
    const chain = standInChain()
    const dir = await tempDir()
    const first = gateway(chain, { stateDir: dir, budget: { warnBelowSec: 1e9, amount: 5n }, budgetEveryMs: 30 })
    await first.gateway.start()
    await until('a top-up', () => first.events.some((e) => e.kind === 'top-up'))
    await first.gateway.stop()
    ;(chain.leases.get(OLD.toBase58()) as { openedAt: number }).openedAt = 1_500
    const second = gateway(chain, { stateDir: dir })
    await second.gateway.start()
    expect(second.events[0]).toMatchObject({ kind: 'state-aside', lease: OLD.toBase58() })
    expect(second.events[1]).toMatchObject({ kind: 'state', resumed: false, spent: '0' })
  })
})

describe('a move through the gateway', () => {
  it('switches the traffic behind the same URL, on an order that carries the token; a restart on the old lease serves the new one', async () => {
    const chain = standInChain()
    const dir = await tempDir()
    const job = await standInJob('new')
    running.push({ stop: () => new Promise<void>((r) => job.server.close(() => r())) })
    const orders: unknown[] = []
    const mover: Mover = async (order, hooks) => {
      orders.push(order)
      const from = order.lease.toBase58()
      hooks.emit({ kind: 'move', step: 'choosing', from, to: null, line: 'choosing a provider' })
      const route = { lease: NEW.toBase58(), operator: 'op-b', provider: PROVIDER_B.toBase58(), endpoint: job.url }
      await hooks.switchTo({
        lease: NEW,
        openedAt: 2_000,
        route,
        offer: { provider: PROVIDER_B.toBase58(), operator: 'op-b', pricePerSecond: 900n } as never,
        opened: { lease: NEW, signature: 'sig', deposit: 3_240_000n },
      })
      await hooks.drain()
      return {
        from,
        to: NEW.toBase58(),
        provider: PROVIDER_B.toBase58(),
        operator: 'op-b',
        pricePerSecond: 900n,
        deposit: 3_240_000n,
        signature: 'sig',
        endpoint: job.url,
        old: { closed: true, signature: 'close', refund: 42n },
      }
    }
    const first = gateway(chain, { stateDir: dir, move: mover })
    await first.gateway.start()
    const url = first.gateway.url as string
    const holder = await liveLock(dir, OLD.toBase58())
    expect(holder).toMatchObject({ pid: process.pid, url, serving: OLD.toBase58() })

    const post = (headers: Record<string, string>, body: unknown = {}) =>
      fetch(`${url}/_synkti/move`, { method: 'POST', headers, body: JSON.stringify(body) })
    expect((await post({ 'content-type': 'application/json' })).status).toBe(401)
    expect((await post({ 'content-type': 'text/plain', authorization: `Bearer ${holder?.token}` })).status).toBe(415)
    const badSpec = await post(
      { 'content-type': 'application/json', authorization: `Bearer ${holder?.token}` },
      { spec: { version: 1 } },
    )
    expect(badSpec.status).toBe(400)
    expect(((await badSpec.json()) as { error: { name: string } }).error.name).toBe('InvalidJobSpecError')

    // synkti job move finds the gateway by its lock and orders the move there
    const progress: string[] = []
    const deps = { progress: (l: string) => progress.push(l) } as unknown as Deps
    const moved = await moveCommand({ lease: OLD, spec: EXAMPLE_SPEC, stateDir: dir }, deps)
    expect(moved.failure).toBeUndefined()
    expect(moved.result).toMatchObject({
      kind: 'job-move',
      from: OLD.toBase58(),
      lease: NEW.toBase58(),
      gateway: url,
      deposit: 3_240_000n,
      old: { closed: true, refund: 42n },
    })
    expect(progress).toEqual([
      `lease ${OLD.toBase58()} is served by the gateway at ${url}: ordering the move there`,
      'choosing a provider',
    ])
    expect(orders).toEqual([expect.objectContaining({ lease: OLD, specSource: EXAMPLE_SPEC })])

    // the same URL now reaches the new lease's job
    const answer = (await (await fetch(`${url}/v1/models`)).json()) as { name: string }
    expect(answer.name).toBe('new')
    const status = (await (await fetch(`${url}/_synkti/status`)).json()) as Record<string, unknown>
    expect(status).toMatchObject({ lease: NEW.toBase58(), movedFrom: OLD.toBase58(), state: 'serving' })
    expect(await readState(dir, OLD.toBase58())).toMatchObject({ movedTo: NEW.toBase58() })
    expect(await readState(dir, NEW.toBase58())).toMatchObject({ movedFrom: OLD.toBase58(), openedAt: 2_000 })
    expect(await liveLock(dir, NEW.toBase58())).toMatchObject({ pid: process.pid, url, serving: NEW.toBase58() })
    // an order for the lease it left says where the job went
    const again = await moveCommand({ lease: OLD, spec: EXAMPLE_SPEC, stateDir: dir }, deps).catch((e) => e)
    expect(again).toMatchObject({ name: 'LeaseAlreadyMovedError' })
    await first.gateway.stop()
    expect(await liveLock(dir, OLD.toBase58())).toBeNull()

    const second = gateway(chain, { stateDir: dir, move: mover })
    await second.gateway.start()
    expect(second.events.slice(0, 2)).toMatchObject([
      { kind: 'followed', from: OLD.toBase58(), to: NEW.toBase58() },
      { kind: 'state', lease: NEW.toBase58(), resumed: true },
    ])
    expect(second.gateway.lease).toBe(NEW.toBase58())
  })
})

/**
 * The runway watcher against the real program on a localnet of its own (no other test file
 * moves its clock): a lease whose deposit runs out is warned about, stopped, attested to the end
 * of what it paid for, and closed; the provider is paid exactly the seconds the escrow covered
 * and the consumer gets the rest back, to the base unit. A disputed lease is stopped.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair, type PublicKey } from '@solana/web3.js'
import { type MarketClient, signReceipt } from '@synkti/market'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type ConsumerFx,
  type MarketFx,
  type Parties,
  type ProviderFx,
  warpClock,
} from '../../../clients/market/test/support/parties.js'
import { createRunwayWatcher, type RunwayEvent, type RunwayStopReason } from '../../src/runway/index.js'
import {
  checkReceipt,
  createSettlementLoop,
  type LeaseRef,
  ReceiptBook,
  type SettlementLoop,
} from '../../src/settlement/index.js'
import { tokenHoldings } from '../support/holdings.js'
import { type Localnet, ownChain } from '../support/localnet.js'

let chain: Localnet
let client: MarketClient
let parties: Parties
let stateDir: string

beforeAll(async () => {
  ;({ chain, client, parties } = await ownChain())
})
afterAll(() => chain?.stop())
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'synkti-runway-'))
})
afterEach(() => rm(stateDir, { recursive: true, force: true }))

const warp = (seconds: number) => warpClock(chain.rpcUrl, seconds)
// trio(): price 1_000/s, fee 250 bps (25 per second), gap 600 s.
const PRICE = 1_000n

/** A node's settlement and runway over `served`, with the job stop recorded. */
async function node(p: ProviderFx, served: LeaseRef[], receipts?: ReceiptBook) {
  const stops: [string, RunwayStopReason][] = []
  const events: RunwayEvent[] = []
  const loop: SettlementLoop = await createSettlementLoop({
    client,
    operator: p.operator,
    provider: p.key,
    stateDir,
    leases: () => served,
    ...(receipts !== undefined ? { receipts } : {}),
  })
  const watcher = createRunwayWatcher({
    client,
    operator: p.operator,
    provider: p.key,
    leases: () => served,
    stopJob: async (lease, reason) => {
      stops.push([lease, reason])
      // the job drained: the node no longer lists the lease
      served.splice(0, served.length, ...served.filter((s) => s.lease.toBase58() !== lease))
    },
    settle: (lease, until) => loop.settle(lease, until),
    warnBelowSec: 600,
    pollMs: 100,
    onEvent: (e) => events.push(e),
  })
  return { loop, watcher, stops, events }
}

/** Every token of the payment mint this cast holds: nothing may appear or vanish. */
const holdings = (m: MarketFx, p: ProviderFx, c: ConsumerFx, lease: PublicKey) => tokenHoldings(parties, m, p, c, lease)

describe('runway on localnet', () => {
  it('a lease whose deposit runs out is warned, stopped, attested to its end and closed; tokens conserved', async () => {
    const { m, p, c } = await parties.trio()
    const funds = await parties.balance(c.token)
    // 900 s of service and 500 units that buy less than a second
    const deposit = 900n * PRICE + 500n
    const { lease, acceptedAt } = await parties.activeLease(c, p, deposit)
    const paidThrough = acceptedAt + 900
    const served: LeaseRef[] = [{ lease, since: acceptedAt }]
    const { loop, watcher, stops, events } = await node(p, served)
    await using _l = loop
    await using _w = watcher

    expect(await watcher.check()).toMatchObject({ read: 1, low: 0, ending: 0 })
    expect(events).toEqual([])
    // The settlement loop attests at its interval; the runway counts from what is settled.
    await warp(350)
    expect(await loop.tick()).toMatchObject({ attested: 1 })
    expect(await watcher.check()).toMatchObject({ low: 1, ending: 0 })
    expect(events).toEqual([
      {
        kind: 'runway',
        lease: lease.toBase58(),
        level: 'low',
        secondsLeft: expect.toSatisfy((s: number) => s > 0 && s < 600),
        paidThrough,
        available: expect.any(BigInt),
      },
    ])
    expect(watcher.status().leases).toEqual([
      { lease: lease.toBase58(), level: 'low', secondsLeft: expect.any(Number), paidThrough },
    ])
    await warp(300)
    expect(await loop.tick()).toMatchObject({ attested: 1 })
    await watcher.check()
    expect(events).toHaveLength(1) // still low: warned once

    // The escrow ends: the job is stopped, service attested up to where it paid, the lease closed.
    await warp(300)
    expect(await watcher.check()).toMatchObject({ ending: 1, ended: 1 })
    expect(stops).toEqual([[lease.toBase58(), 'runway-exhausted']])
    expect(served).toEqual([])
    expect(events.slice(1)).toEqual([
      expect.objectContaining({ kind: 'runway', level: 'exhausted', paidThrough }),
      { kind: 'stopping', lease: lease.toBase58(), reason: 'runway-exhausted' },
      {
        kind: 'settled',
        lease: lease.toBase58(),
        until: paidThrough,
        result: { outcome: 'attested', until: paidThrough, partial: false },
      },
      {
        kind: 'closed',
        lease: lease.toBase58(),
        signature: expect.any(String),
        seconds: 0n,
        payout: 0n,
        fee: 0n,
        refund: 500n,
      },
    ])
    const ended = await client.fetchLease(lease)
    expect(ended.status).toMatchObject({ kind: 'ended', outcome: 'completed' })
    expect(ended.settledUntil).toBe(paidThrough)
    // The provider is paid exactly the 900 s served (held back: its own word), the consumer the rest.
    expect(ended.paidToProviders).toBe(900n * 975n)
    expect(ended.feesPaid).toBe(900n * 25n)
    expect(await parties.earned(p)).toBe(900n * 975n)
    const after = await holdings(m, p, c, lease)
    expect(after).toEqual({
      consumer: funds - 900n * PRICE,
      escrowed: 0n,
      payout: 0n,
      earnings: 900n * PRICE, // payout and fee, held until the window passes
      fees: 0n,
      total: funds,
    })
    // Nothing more: the lease is not served, nothing queued for it, nothing begun again.
    expect(await watcher.check()).toMatchObject({ read: 0, ending: 0 })
    expect(watcher.status()).toEqual({ leases: [], ending: [], lastError: null })
    expect(loop.status().queued).toBe(0)
  })

  it('with the consumer receipts, the watcher on its timer ends the lease the moment the escrow does; paid at once', async () => {
    const { m, p, c } = await parties.trio()
    const funds = await parties.balance(c.token)
    const gateway = Keypair.generate()
    const deposit = 600n * PRICE + 500n // one gap: the least the program accepts
    const { lease, acceptedAt } = await parties.activeLease(c, p, deposit, { receiptSigner: gateway.publicKey })
    // The consumer's gateway vouches for the service up to well past the escrow's end.
    const receipt = { from: acceptedAt, until: acceptedAt + 5_000, requests: 9n, digest: new Uint8Array(32).fill(1) }
    const receipts = await ReceiptBook.open(stateDir)
    const submission = {
      lease: lease.toBase58(),
      provider: p.key.toBase58(),
      signer: gateway.publicKey.toBase58(),
      from: receipt.from,
      until: receipt.until,
      requests: '9',
      digest: Buffer.from(receipt.digest).toString('base64'),
      signature: Buffer.from(signReceipt(gateway, lease, p.key, receipt)).toString('base64'),
    }
    await receipts.put(checkReceipt(submission, await client.fetchLease(lease), p.key.toBase58()))
    const served: LeaseRef[] = [{ lease, since: acceptedAt }]
    const { loop, watcher, stops, events } = await node(p, served, receipts)
    await using _l = loop
    await using _w = watcher
    const closed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (events.some((e) => e.kind === 'closed')) {
          clearInterval(check)
          resolve()
        }
      }, 20)
    })

    watcher.start()
    await warp(700)
    await closed
    expect(stops).toEqual([[lease.toBase58(), 'runway-exhausted']])
    expect(events.find((e) => e.kind === 'settled')).toEqual({
      kind: 'settled',
      lease: lease.toBase58(),
      until: acceptedAt + 600,
      result: { outcome: 'attested', until: acceptedAt + 600, partial: false },
    })
    expect(events.find((e) => e.kind === 'closed')).toMatchObject({ seconds: 0n, payout: 0n, refund: 500n })
    const ended = await client.fetchLease(lease)
    expect(ended.settledUntil).toBe(acceptedAt + 600)
    // Receipt-backed: paid out at once, the fee to the market at once.
    expect(await holdings(m, p, c, lease)).toEqual({
      consumer: funds - 600n * PRICE,
      escrowed: 0n,
      payout: 600n * 975n,
      earnings: 0n,
      fees: 600n * 25n,
      total: funds,
    })
    expect((await client.fetchProvider(p.key)).reputation.secondsVerified).toBe(600n)
  })

  it('a disputed lease is stopped, neither attested nor closed', async () => {
    const { p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 5_000_000n)
    const served: LeaseRef[] = [{ lease, since: acceptedAt }]
    const { loop, watcher, stops, events } = await node(p, served)
    await using _l = loop
    await using _w = watcher
    await warp(30)
    await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
    const frozen = await client.fetchLease(lease)
    expect(await watcher.check()).toMatchObject({ ending: 1, ended: 1 })
    expect(stops).toEqual([[lease.toBase58(), 'disputed']])
    expect(events).toEqual([{ kind: 'stopping', lease: lease.toBase58(), reason: 'disputed' }])
    expect(await client.fetchLease(lease)).toMatchObject({
      status: { kind: 'disputed' },
      settledUntil: frozen.settledUntil,
      paidToProviders: 0n,
    })
    // Listed again (a job that would not stop): stopped once, not again.
    served.push({ lease, since: acceptedAt })
    await watcher.check()
    expect(stops).toHaveLength(1)
  })
})

/**
 * The loop against the run's localnet: attestations at the interval, exact payouts, and the
 * queue's guard against settling twice after a crash between confirmation and removal.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { MarketClient } from '@synkti/market'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createSettlementLoop,
  type LeaseRef,
  type SettlementEvent,
  type SettlementLoopInit,
  SettlementQueue,
} from '../../src/settlement/index.js'
import { client, type ProviderFx, parties, passTime } from '../support/chain.js'

let stateDir: string
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'synkti-settlement-'))
})
afterEach(() => rm(stateDir, { recursive: true, force: true }))

// trio(): price 1_000/s, fee 250 bps → the provider nets 975 per second served; gap 600 s.
const NET_PER_SECOND = 975n

/** A loop of provider `p` on this test's state dir, serving `leases`. */
function loopOf(
  p: ProviderFx,
  leases: LeaseRef[],
  extra: Partial<SettlementLoopInit> = {},
): ReturnType<typeof createSettlementLoop> {
  return createSettlementLoop({
    client,
    operator: p.operator,
    provider: p.key,
    stateDir,
    leases: () => leases,
    ...extra,
  })
}

const attestedIn = (events: SettlementEvent[]) =>
  events.filter((e): e is Extract<SettlementEvent, { kind: 'attested' }> => e.kind === 'attested')

describe('settlement loop on localnet', () => {
  it('attests each lease at the interval; the payout grows by price × seconds − fee', async () => {
    const { p, c } = await parties.trio()
    // A large deposit (9 000 s) so that clock warps of concurrent test files cannot exhaust it.
    const { lease, acceptedAt } = await parties.activeLease(c, p, 9_000_000n)
    const events: SettlementEvent[] = []
    await using loop = await loopOf(p, [{ lease, since: acceptedAt }], { onEvent: (e) => events.push(e) })
    await loop.tick()
    expect(events).toContainEqual({ kind: 'interval', intervalSec: 300, gapSecs: 600 })

    await passTime(300)
    const first = await loop.tick()
    expect(first).toMatchObject({ enqueued: 1, attested: 1, deferred: 0, rpcDown: false })
    const [a1] = attestedIn(events)
    expect(a1!.until - acceptedAt).toBeGreaterThanOrEqual(300)
    expect(await parties.earned(p)).toBe(NET_PER_SECOND * BigInt(a1!.until - acceptedAt))
    expect((await client.fetchLease(lease)).settledUntil).toBe(a1!.until)

    await passTime(300)
    await loop.tick()
    const [, a2] = attestedIn(events)
    expect(a2!.until - a1!.until).toBeGreaterThanOrEqual(300)
    expect(a2!.payout).toBe(NET_PER_SECOND * BigInt(a2!.until - a1!.until))
    expect(await parties.earned(p)).toBe(NET_PER_SECOND * BigInt(a2!.until - acceptedAt))
    expect(loop.status()).toEqual({ queued: 0, lastAttestedAt: expect.any(Number), lastError: null })
    // The journal records exactly what was sent.
    expect((await loop.journal()).map((e) => [e.kind, e.until])).toEqual(
      attestedIn(events).map((e) => ['attested', e.until]),
    )
  })

  it('flush pays every served lease up to now, whatever the interval', async () => {
    const { p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 5_000_000n)
    await passTime(20)
    await using loop = await loopOf(p, [{ lease, since: acceptedAt }])
    expect(await loop.flush()).toMatchObject({ enqueued: 1, attested: 1 })
    const settled = (await client.fetchLease(lease)).settledUntil
    expect(settled - acceptedAt).toBeGreaterThanOrEqual(20)
    expect(await parties.earned(p)).toBe(NET_PER_SECOND * BigInt(settled - acceptedAt))
  })

  it('an item left queued after it confirmed (crash before removal) is dropped, not sent twice', async () => {
    const { p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 5_000_000n)
    await passTime(30)
    const first = await loopOf(p, [{ lease, since: acceptedAt }])
    await first.flush()
    await first.stop()
    const { settledUntil: until, openedAt } = await client.fetchLease(lease)
    const paid = await parties.earned(p)
    // The crash: the confirmed item is still on disk when the node comes back.
    await (await SettlementQueue.open(join(stateDir, 'settlement'))).enqueue(
      { lease: lease.toBase58(), openedAt },
      until,
      1,
    )

    let onDropped: (e: SettlementEvent) => void = () => {}
    const dropped = new Promise<SettlementEvent>((resolve) => {
      onDropped = resolve
    })
    await using restarted = await loopOf(p, [], { onEvent: (e) => e.kind === 'dropped' && onDropped(e) })
    expect(restarted.status().queued).toBe(1)
    restarted.start() // a started loop sends what it finds queued at once
    expect(await dropped).toEqual({
      kind: 'dropped',
      lease: lease.toBase58(),
      openedAt,
      until,
      reason: 'already-settled',
      error: null,
    })
    await restarted.stop()
    expect(await parties.earned(p)).toBe(paid)
    expect(restarted.status().queued).toBe(0)
  })

  it('a lease migrated to another provider is dropped as migrated-away', async () => {
    const { m, p, c } = await parties.trio()
    const other = await parties.provider(m, 1_000n, 1_000_000n)
    const { lease, acceptedAt } = await parties.activeLease(c, p, 5_000_000n)
    await passTime(10)
    // Queued for up to +8 s, but the lease changed hands at +5 s (which settled us up to then).
    const { openedAt } = await client.fetchLease(lease)
    await (await SettlementQueue.open(join(stateDir, 'settlement'))).enqueue(
      { lease: lease.toBase58(), openedAt },
      acceptedAt + 8,
      1,
    )
    // The node has not noticed the hand-off yet: it still lists the lease as served.
    await using loop = await loopOf(p, [{ lease, since: acceptedAt }])
    await client.migrateLease({
      oldOperator: p.operator,
      newOperator: other.operator,
      lease,
      newProvider: other.key,
      handoffAt: acceptedAt + 5,
    })
    const paid = await parties.earned(p)
    expect(await loop.tick()).toMatchObject({ attested: 0, dropped: 1 })
    // (until may have grown to "now" if the chain clock passed an interval meanwhile.)
    expect((await loop.journal()).at(-1)).toMatchObject({
      kind: 'dropped',
      lease: lease.toBase58(),
      until: expect.toSatisfy((u: number) => u >= acceptedAt + 8),
      reason: 'migrated-away',
    })
    expect(await parties.earned(p)).toBe(paid)
    // Not ours any more: a later interval queues nothing for it.
    await passTime(300)
    expect(await loop.tick()).toMatchObject({ enqueued: 0, attested: 0, dropped: 0 })
  })

  it('a served lease whose service began before the lease at its address opened is told to stop, never queued', async () => {
    const { p, c } = await parties.trio()
    const { lease } = await parties.activeLease(c, p, 5_000_000n)
    const { openedAt } = await client.fetchLease(lease)
    const events: SettlementEvent[] = []
    // The node's job began an hour before this lease opened: it serves an earlier lease at the address.
    await using loop = await loopOf(p, [{ lease, since: openedAt - 3_600 }], { onEvent: (e) => events.push(e) })
    expect(await loop.flush()).toMatchObject({ enqueued: 0, attested: 0 })
    await loop.flush()
    expect(events.filter((e) => e.kind === 'stop')).toEqual([
      { kind: 'stop', lease: lease.toBase58(), openedAt, reason: 'lease-reopened' },
    ])
    expect((await client.fetchLease(lease)).paidToProviders).toBe(0n)
  })

  it('a disputed lease is never served for free: the item is dropped as disputed, the node told to stop, Release pays up to the dispute', async () => {
    const { m, p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 5_000_000n)
    const events: SettlementEvent[] = []
    await using loop = await loopOf(p, [{ lease, since: acceptedAt }], { onEvent: (e) => events.push(e) })
    await passTime(30)
    expect(await loop.flush()).toMatchObject({ attested: 1 })
    const paid = await parties.earned(p)
    await passTime(20)
    const { events: opened } = await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
    const dispute = opened.find((e) => e.name === 'DisputeOpened')
    if (dispute?.name !== 'DisputeOpened') throw new Error('no DisputeOpened event')
    const frozen = await client.fetchLease(lease)
    await passTime(20)

    // The node still lists the lease (it has not noticed): the loop queues, reads, drops, says stop.
    expect(await loop.flush()).toMatchObject({ enqueued: 1, attested: 0, dropped: 1 })
    const { openedAt } = frozen
    expect(events.filter((e) => e.kind === 'dropped' || e.kind === 'stop')).toEqual([
      expect.objectContaining({ kind: 'dropped', lease: lease.toBase58(), openedAt, reason: 'disputed' }),
      { kind: 'stop', lease: lease.toBase58(), openedAt, reason: 'disputed' },
    ])
    // Nothing billed into the frozen balance, and nothing queued for it again.
    const after = await client.fetchLease(lease)
    expect(after.paidToProviders).toBe(frozen.paidToProviders)
    expect(after.settledUntil).toBe(frozen.settledUntil)
    expect(await parties.earned(p)).toBe(paid)
    await passTime(300)
    expect(await loop.tick()).toMatchObject({ enqueued: 0, attested: 0, dropped: 0 })
    expect(events.filter((e) => e.kind === 'stop')).toHaveLength(1)

    // Release: the provider is paid from its last settlement up to the dispute, and takes the bond.
    const { events: ruled } = await client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'release' })
    const ended = ruled.find((e) => e.name === 'LeaseEnded')
    if (ended?.name !== 'LeaseEnded') throw new Error('no LeaseEnded event')
    expect(ended.data.seconds).toBe(BigInt(dispute.data.openedAt - frozen.settledUntil))
    expect(ended.data.bond).toBe(m.params.disputeBond)
    expect(await parties.earned(p)).toBe(paid + NET_PER_SECOND * ended.data.seconds + ended.data.bond)
  })

  it('an item the chain cannot take yet stays, backing off, with the refusal named', async () => {
    const { p, c } = await parties.trio()
    const { lease } = await parties.openLease(c, p, 5_000_000n) // opened, never accepted
    const wall = { ms: Date.now() }
    const { settledUntil, openedAt } = await client.fetchLease(lease)
    await (await SettlementQueue.open(join(stateDir, 'settlement'))).enqueue(
      { lease: lease.toBase58(), openedAt },
      settledUntil + 5,
      1,
    )
    await using loop = await loopOf(p, [], { now: () => wall.ms, backoff: { baseMs: 1_000, maxMs: 4_000 } })
    expect(await loop.tick()).toMatchObject({ attested: 0, dropped: 0, deferred: 1 })
    expect(loop.queued()).toMatchObject([{ attempts: 1, lastError: 'LeaseNotActiveError' }])
    expect(loop.status()).toMatchObject({ queued: 1, lastError: 'LeaseNotActiveError' })
    // Within the backoff a tick leaves it alone; after it, the next attempt doubles the delay.
    expect(await loop.tick()).toMatchObject({ deferred: 0 })
    expect(loop.status().lastError).toBe('LeaseNotActiveError')
    wall.ms += 1_000
    expect(await loop.tick()).toMatchObject({ deferred: 1 })
    wall.ms += 1_999
    expect(await loop.tick()).toMatchObject({ deferred: 0 })
    // flush ignores the backoff (before a hand-off or exit).
    expect(await loop.flush()).toMatchObject({ deferred: 1 })
    expect(loop.queued()).toMatchObject([{ attempts: 3 }])
  })

  it('an unreachable RPC keeps the queue as it is and says so', async () => {
    const { p } = await parties.trio()
    const lease = Keypair.generate().publicKey.toBase58()
    await (await SettlementQueue.open(join(stateDir, 'settlement'))).enqueue({ lease, openedAt: 50 }, 100, 1)
    const dead = new MarketClient({ rpcUrl: 'http://127.0.0.1:9' })
    await using loop = await loopOf(p, [], { client: dead })
    expect(await loop.tick()).toMatchObject({ rpcDown: true, deferred: 1, attested: 0, dropped: 0 })
    expect(loop.status()).toMatchObject({ queued: 1, lastError: expect.stringMatching(/^RpcUnreachableError/) })
    expect(loop.queued()).toEqual([{ lease, openedAt: 50, until: 100, enqueuedAt: 1, attempts: 0, lastError: null }])
  })

  it('error: an interval above the market gap is refused with InvalidAttestationIntervalError', async () => {
    const { p } = await parties.trio()
    const loop = await loopOf(p, [], { intervalSec: 601 })
    await expect(loop.tick()).rejects.toMatchObject({ name: 'InvalidAttestationIntervalError', maxGapSecs: 600 })
    await loop.stop()
    await expect(loop.tick()).rejects.toMatchObject({ name: 'SettlementLoopStoppedError' })
    // The gap is now known on disk: a node restarted with the same setting is refused at once.
    await expect(loopOf(p, [], { intervalSec: 601 })).rejects.toMatchObject({ name: 'InvalidAttestationIntervalError' })
  })
})

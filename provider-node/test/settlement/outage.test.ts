/**
 * "RPC down, then back" with a chain of its own: localnet is stopped and started again on the
 * same port and ledger (its journal replays every account and the clock offset), while the
 * node queues on disk, restarts, and sends once the RPC answers again.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Parties, warpClock } from '../../../clients/market/test/support/parties.js'
import { createSettlementLoop, type SettlementEvent } from '../../src/settlement/index.js'
import { clientOn, type Localnet, ledgerChain, removeLedgerChain, startLocalnet } from '../support/localnet.js'

let ledgerDir: string
let stateDir: string
let chain: Localnet
let port: number

beforeAll(async () => {
  ;({ chain, port, ledgerDir, stateDir } = await ledgerChain('outage'))
})

afterAll(() => removeLedgerChain({ chain, ledgerDir, stateDir }))

const NET_PER_SECOND = 975n

describe('settlement through an RPC outage', () => {
  it('queues on disk while the RPC is down, survives a restart, sends once it returns; a lease closed meanwhile is dropped', async () => {
    const client = clientOn(chain)
    const parties = new Parties(client)
    const { p, c } = await parties.trio()
    const served = await parties.activeLease(c, p, 5_000_000n)
    const closed = await parties.activeLease(c, p, 5_000_000n)
    // One queue file per lease, named by its address and the time it opened.
    const files = await Promise.all(
      [served, closed].map(async (l) => `${l.lease.toBase58()}.${(await client.fetchLease(l.lease)).openedAt}.json`),
    )
    const leases = () => [
      { lease: served.lease, since: served.acceptedAt },
      { lease: closed.lease, since: closed.acceptedAt },
    ]
    const events: SettlementEvent[] = []
    const init = {
      operator: p.operator,
      provider: p.key,
      stateDir,
      leases,
      onEvent: (e: SettlementEvent) => events.push(e),
    }

    // Up: the node learns the market gap and the chain clock, and pays the first interval.
    await warpClock(chain.rpcUrl, 300)
    const before = await createSettlementLoop({ ...init, client })
    expect(await before.tick()).toMatchObject({ attested: 2, rpcDown: false })
    const firstUntil = (await client.fetchLease(served.lease)).settledUntil

    // Down: the interval passes on the node's clock (plus the offset it learnt); items go to disk.
    await chain.stop()
    // Chain time is whole seconds: let at least one pass, so there is time to bill.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const down = await before.flush()
    expect(down).toMatchObject({ enqueued: 2, attested: 0, rpcDown: true })
    expect(before.status()).toMatchObject({ queued: 2, lastError: expect.stringMatching(/^RpcUnreachableError/) })
    await before.stop()
    const queuedUntil = new Map(before.queued().map((i) => [i.lease, i.until]))
    expect(queuedUntil.get(served.lease.toBase58())).toBeGreaterThan(firstUntil)

    // Restart while still down: the new process finds both items on disk and keeps them.
    const restartedClient = clientOn(chain)
    await using after = await createSettlementLoop({ ...init, client: restartedClient, leases: () => [] })
    expect(after.queued().map((i) => [i.lease, i.until])).toEqual(before.queued().map((i) => [i.lease, i.until]))
    expect(await after.tick()).toMatchObject({ attested: 0, rpcDown: true })
    expect((await readdir(join(stateDir, 'settlement', 'queue'))).sort()).toEqual(files.sort())

    // Back (same port, same ledger): the consumer closes one lease before the node retries.
    chain = await startLocalnet({ port, ledgerDir, reset: false })
    const { events: closing } = await restartedClient.closeLease({ signer: c.kp, lease: closed.lease })
    const ended = closing.find((e) => e.name === 'LeaseEnded')
    if (ended?.name !== 'LeaseEnded') throw new Error('no LeaseEnded event')

    const back = await after.tick()
    expect(back).toMatchObject({ attested: 1, dropped: 1, rpcDown: false })
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'dropped', lease: closed.lease.toBase58(), reason: 'lease-closed' }),
    )
    const settled = await restartedClient.fetchLease(served.lease)
    expect(settled.settledUntil).toBe(queuedUntil.get(served.lease.toBase58()))
    expect(after.status()).toEqual({ queued: 0, lastAttestedAt: expect.any(Number), lastError: null })

    // Nothing twice: every attestation in the journal is unique, and the money adds up exactly.
    const journal = [...(await before.journal())]
    const attested = journal.filter((e) => e.kind === 'attested')
    expect(new Set(attested.map((e) => `${e.lease}@${e.until}`)).size).toBe(attested.length)
    expect(attested.map((e) => e.lease).sort()).toEqual(
      [served.lease, closed.lease, served.lease].map((k) => k.toBase58()).sort(),
    )
    const closedFirst = attested.find((e) => e.lease === closed.lease.toBase58())!.until
    expect(await parties.earned(p)).toBe(
      NET_PER_SECOND * BigInt(settled.settledUntil - served.acceptedAt) +
        NET_PER_SECOND * BigInt(closedFirst - closed.acceptedAt) +
        ended.data.payout,
    )
    expect(await after.tick()).toMatchObject({ enqueued: 0, attested: 0, dropped: 0 })
  })
})

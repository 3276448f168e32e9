/**
 * Attack: a lease address that comes back. On one chain a lease's address derives from the
 * market's lease counter and never repeats, but a chain that is reset (devnet, a localnet with a
 * fresh ledger) recreates the same market, provider and lease 0 at the same addresses. An item
 * the node queued for the old lease must never be attested against the new one: it is dropped
 * as `lease-reopened`. A chain of its own, started from an empty ledger twice on one port.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { createMintInstructions, type MarketClient, marketAddress } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ConsumerFx,
  defaultParams,
  gpu,
  type MarketFx,
  Parties,
  type ProviderFx,
  warpClock,
} from '../../../clients/market/test/support/parties.js'
import { createSettlementLoop, type SettlementEvent } from '../../src/settlement/index.js'
import { clientOn, type Localnet, ledgerChain, removeLedgerChain, startLocalnet } from '../support/localnet.js'

let ledgerDir: string
let stateDir: string
let chain: Localnet
let port: number

beforeAll(async () => {
  ;({ chain, port, ledgerDir, stateDir } = await ledgerChain('reopened'))
})

afterAll(() => removeLedgerChain({ chain, ledgerDir, stateDir }))

/** Every key of the cast, fixed, so that a reset chain recreates every address. */
const keys = {
  creator: Keypair.generate(),
  arbiter: Keypair.generate(),
  treasury: Keypair.generate(),
  mint: Keypair.generate(),
  stakeMint: Keypair.generate(),
  authority: Keypair.generate(),
  operator: Keypair.generate(),
  consumer: Keypair.generate(),
}

/** The market, one provider at 1_000/s and a consumer, from `keys`: the same addresses on every chain. */
async function cast(client: MarketClient): Promise<{ parties: Parties; p: ProviderFx; c: ConsumerFx }> {
  const parties = new Parties(client)
  for (const kp of [keys.creator, keys.authority, keys.operator, keys.consumer]) await parties.fund(kp.publicKey)
  const { creator, mint, stakeMint } = keys
  await client.send(
    [
      ...(await createMintInstructions(client.connection, creator.publicKey, mint.publicKey, creator.publicKey, 6)),
      ...(await createMintInstructions(
        client.connection,
        creator.publicKey,
        stakeMint.publicKey,
        creator.publicKey,
        6,
      )),
    ],
    [creator, mint, stakeMint],
  )
  const params = defaultParams(keys.arbiter.publicKey, keys.treasury.publicKey)
  await client.createMarket({ creator, mint: mint.publicKey, stakeMint: stakeMint.publicKey, params })
  const key = marketAddress(creator.publicKey, mint.publicKey)
  const m = { key, mint: mint.publicKey, stakeMint: stakeMint.publicKey, mintAuthority: creator, params } as MarketFx
  const payout = await parties.tokenAccount(m, keys.authority.publicKey, m.mint, 0n)
  const stakeWallet = await parties.tokenAccount(m, keys.authority.publicKey, m.stakeMint, 1_000_000_000n)
  const { provider } = await client.registerProvider({
    authority: keys.authority,
    operator: keys.operator,
    market: key,
    index: 0,
    capabilities: gpu(),
    pricePerSecond: 1_000n,
  })
  await client.depositStake({ authority: keys.authority, provider, amount: 1_000_000n })
  const p = { authority: keys.authority, operator: keys.operator, index: 0, key: provider, payout, stakeWallet }
  const token = await parties.tokenAccount(m, keys.consumer.publicKey, m.mint, 10_000_000n)
  return { parties, p: p as ProviderFx, c: { kp: keys.consumer, token, stakeToken: token } }
}

describe('a lease address reused by a reset chain', () => {
  it('attack: an item queued for the lease opened at t1 is dropped as lease-reopened, never attested against the lease opened at t2', async () => {
    const first = clientOn(chain)
    const old = await cast(first)
    const served = await old.parties.activeLease(old.c, old.p, 5_000_000n)
    const openedAt1 = (await first.fetchLease(served.lease)).openedAt
    const events: SettlementEvent[] = []
    const init = {
      operator: keys.operator,
      provider: old.p.key,
      stateDir,
      onEvent: (e: SettlementEvent) => events.push(e),
    }

    // The node serves the lease and learns the chain; the old chain's clock runs well ahead of
    // the wall clock, so the item it queues reaches past the time the new chain will start at.
    const before = await createSettlementLoop({
      ...init,
      client: first,
      leases: () => [{ lease: served.lease, since: served.acceptedAt }],
    })
    await before.tick()
    await warpClock(chain.rpcUrl, 500)
    expect(await before.tick()).toMatchObject({ enqueued: 1, attested: 1 })
    await chain.stop()
    // Chain time is whole seconds: let one pass, so there is time to bill.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    expect(await before.flush()).toMatchObject({ enqueued: 1, attested: 0, rpcDown: true })
    await before.stop()
    const [item] = before.queued()
    expect(item).toMatchObject({ lease: served.lease.toBase58(), openedAt: openedAt1 })
    expect(await readdir(join(stateDir, 'settlement', 'queue'))).toEqual([
      `${served.lease.toBase58()}.${openedAt1}.json`,
    ])

    // The chain comes back reset: the same market, provider and lease 0, opened again at t2.
    chain = await startLocalnet({ port, ledgerDir, reset: true })
    const second = clientOn(chain)
    const again = await cast(second)
    await warpClock(chain.rpcUrl, 30)
    const reopened = await again.parties.activeLease(again.c, again.p, 5_000_000n)
    expect(reopened.lease.equals(served.lease)).toBe(true)
    await warpClock(chain.rpcUrl, 30)
    const fresh = await second.fetchLease(reopened.lease)
    expect(fresh.openedAt).toBeGreaterThan(openedAt1)
    // Without the key, the old item would now pay up to the new chain's clock on the new lease.
    expect(item!.until).toBeGreaterThan((await second.fetchLease(reopened.lease)).settledUntil + 30)

    await using after = await createSettlementLoop({ ...init, client: second, leases: () => [] })
    expect(after.queued()).toHaveLength(1)
    expect(await after.tick()).toMatchObject({ attested: 0, dropped: 1 })
    expect(events.at(-1)).toEqual({
      kind: 'dropped',
      lease: served.lease.toBase58(),
      openedAt: openedAt1,
      until: item!.until,
      reason: 'lease-reopened',
      error: null,
    })
    expect((await after.journal()).at(-1)).toMatchObject({ kind: 'dropped', reason: 'lease-reopened' })
    const untouched = await second.fetchLease(reopened.lease)
    expect(untouched.settledUntil).toBe(fresh.settledUntil)
    expect(untouched.paidToProviders).toBe(0n)
    expect(await again.parties.earned(again.p)).toBe(0n)
    expect(after.queued()).toEqual([])
  })
})

// Level 2 (localnet): the two-operator hand-off, built by one side, co-signed as bytes by the
// other; the consumer's consent when its policy asks for it.
import { describe, expect, it } from 'vitest'
import { chainNow, escrowAddress, findEvent } from '../../src/index.js'
import { client, itWarps, parties, passTime, warp } from '../support/chain.js'
import { charge, type LeaseOptions } from '../support/parties.js'

async function twoProviders(standbyPrice = 1_100n) {
  const m = await parties.market()
  const [old, next] = await Promise.all([
    parties.provider(m, 1_000n, 1_000_000n),
    parties.provider(m, standbyPrice, 1_000_000n),
  ])
  const c = await parties.consumer(m, 10_000_000n)
  return { m, old, next, c }
}

/** A lease on `old`, active for 3 s; the hand-off is dated 2 s after acceptance. */
async function handoff(opts: LeaseOptions = {}) {
  const world = await twoProviders()
  const { lease, acceptedAt } = await parties.activeLease(world.c, world.old, 1_000_000n, opts)
  await passTime(3)
  return { ...world, lease, acceptedAt, handoffAt: acceptedAt + 2 }
}

describe('migrate_lease', () => {
  it('holds the old provider’s pay up to the hand-off and moves the lease, signed by both sides as bytes', async () => {
    const { m, old, next, lease, handoffAt } = await handoff()
    // The old operator builds and signs; bytes go to the new operator over P2P.
    const bytes = await client.prepareMigrateLease({
      oldOperator: old.operator.publicKey,
      newOperator: next.operator.publicKey,
      signer: old.operator,
      lease,
      newProvider: next.key,
      handoffAt,
    })
    const described = client.describeTransaction(bytes)
    expect(described.instructions.map((i) => i.name)).toEqual(['migrateLease'])
    expect(described.missingSigners).toEqual([next.operator.publicKey])
    expect(described.feePayer).toEqual(old.operator.publicKey)
    await expect(client.sendTransactionBytes(bytes)).rejects.toMatchObject({
      name: 'MissingSignatureError',
      missing: [next.operator.publicKey.toBase58()],
    })
    const stranger = await parties.funded(1)
    expect(() => client.cosignTransaction(bytes, stranger, 'migrateLease')).toThrow(
      expect.objectContaining({ name: 'UnexpectedTransactionError' }),
    )
    expect(() => client.cosignTransaction(bytes, next.operator, 'closeLease')).toThrow(
      expect.objectContaining({ name: 'UnexpectedTransactionError' }),
    )
    const signed = client.cosignTransaction(bytes, next.operator, 'migrateLease')
    const { events } = await client.sendTransactionBytes(signed)
    expect(findEvent(events, 'LeaseMigrated')?.data).toEqual({
      lease,
      fromProvider: old.key,
      toProvider: next.key,
      handoffAt,
      seconds: 2n,
      payout: 1_950n,
      fee: 50n,
      oldPricePerSecond: 1_000n,
      newPricePerSecond: 1_100n,
      migrationCount: 1,
    })
    // The old provider's last interval is its own word: held in its earnings vault.
    expect(await parties.balance(old.earningsVault)).toBe(2_000n)
    expect(await parties.balance(old.payout)).toBe(0n)
    expect(await parties.balance(m.feeVault)).toBe(0n)
    expect(await parties.balance(escrowAddress(lease))).toBe(998_000n)
    expect(await client.fetchLease(lease)).toMatchObject({
      provider: next.key,
      pricePerSecond: 1_100n,
      settledUntil: handoffAt,
      providerSince: handoffAt,
      paidToCurrent: 0n,
      migrationCount: 1,
    })
    const [o, n] = await Promise.all([client.fetchProvider(old.key), client.fetchProvider(next.key)])
    expect(o).toMatchObject({
      openLeases: 0,
      leaseRecords: 0,
      reputation: { failoversHandedOff: 1n, secondsSelfAttested: 2n, earned: 1_950n },
    })
    expect(o.held.reduce((a, t) => a + t.payout + t.fee, 0n)).toBe(2_000n)
    expect(n).toMatchObject({ openLeases: 1, leaseRecords: 1, reputation: { failoversTaken: 1n } })
    // The new operator attests now; the old one no longer can.
    await passTime(2)
    const until = await chainNow(client.connection)
    await expect(client.attestUsage({ operator: old.operator, lease, until })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    await client.attestUsage({ operator: next.operator, lease, until })
    expect(await parties.balance(next.earningsVault)).toBe(charge(BigInt(until - handoffAt), 1_100n).gross)
  })

  it('needs the consumer’s signature when its policy says so (ConsumerConsentRequired), and stops at the policy’s count', async () => {
    const policy = { maxPricePerSecond: 2_000n, maxMigrations: 1, providersMayMigrate: false }
    const { old, next, c, lease, handoffAt } = await handoff({ policy })
    expect((await client.fetchLease(lease)).policy).toEqual(policy)
    const base = { oldOperator: old.operator, newOperator: next.operator, lease, newProvider: next.key, handoffAt }
    await expect(client.migrateLease(base)).rejects.toMatchObject({
      name: 'ConsumerConsentRequiredError',
      remedy: expect.stringContaining("consumer's signature"),
    })
    // Someone else's signature is no consent.
    const stranger = await parties.funded(1)
    await expect(client.migrateLease({ ...base, consumerSigner: stranger })).rejects.toMatchObject({
      name: 'ConsumerConsentRequiredError',
    })
    const { events } = await client.migrateLease({ ...base, consumerSigner: c.kp })
    expect(findEvent(events, 'LeaseMigrated')?.data).toMatchObject({ toProvider: next.key, migrationCount: 1 })
    // One hand-off allowed: moving it back is refused even with the consumer's consent.
    await passTime(2)
    const back = await chainNow(client.connection)
    await expect(
      client.migrateLease({
        oldOperator: next.operator,
        newOperator: old.operator,
        consumerSigner: c.kp,
        lease,
        newProvider: old.key,
        handoffAt: back,
      }),
    ).rejects.toMatchObject({ name: 'MigrationLimitReachedError' })
  })

  it('names every refusal of a hand-off', async () => {
    const { m, old, next, c, lease, acceptedAt, handoffAt } = await handoff()
    const migrate = (over: Partial<Parameters<typeof client.migrateLease>[0]>) =>
      client.migrateLease({
        oldOperator: old.operator,
        newOperator: next.operator,
        lease,
        newProvider: next.key,
        handoffAt,
        ...over,
      })
    await expect(migrate({ handoffAt: acceptedAt - 1 })).rejects.toMatchObject({ name: 'InvalidHandoffTimeError' })
    const now = await chainNow(client.connection)
    await expect(migrate({ handoffAt: now + 3_600 })).rejects.toMatchObject({ name: 'InvalidHandoffTimeError' })
    // The current provider must have served for a second.
    await expect(migrate({ handoffAt: acceptedAt })).rejects.toMatchObject({ name: 'ZeroLengthHandoffError' })
    // Same provider twice: Anchor's duplicate-mutable-account check fires before SameProvider.
    await expect(migrate({ newOperator: old.operator, newProvider: old.key })).rejects.toMatchObject({
      name: 'ConstraintDuplicateMutableAccountError',
    })
    await expect(migrate({ newOperator: old.operator })).rejects.toMatchObject({ name: 'UnauthorizedError' })
    const dear = await parties.provider(m, 20_000n, 1_000_000n)
    await expect(migrate({ newOperator: dear.operator, newProvider: dear.key })).rejects.toMatchObject({
      name: 'PriceAboveCapError',
    })
    const thin = await parties.provider(m, 1_000n, 1n)
    await expect(migrate({ newOperator: thin.operator, newProvider: thin.key })).rejects.toMatchObject({
      name: 'InsufficientStakeError',
    })
    // A provider run by the lease's own consumer cannot take it.
    const own = await parties.provider(m, 1_000n, 1_000_000n, { authority: c.kp, index: 7 })
    await expect(migrate({ newOperator: own.operator, newProvider: own.key })).rejects.toMatchObject({
      name: 'SelfDealingError',
    })
    await client.pauseProvider({ signer: next.operator, provider: next.key })
    await expect(migrate({})).rejects.toMatchObject({ name: 'ProviderNotActiveError' })
    const other = await parties.market()
    const foreign = await parties.provider(other, 1_000n, 1_000_000n)
    await expect(migrate({ newOperator: foreign.operator, newProvider: foreign.key })).rejects.toMatchObject({
      name: 'WrongMarketError',
    })
    const { lease: open } = await parties.openLease(c, old, 600_000n)
    await expect(migrate({ lease: open, newOperator: dear.operator, newProvider: dear.key })).rejects.toMatchObject({
      name: 'LeaseNotActiveError',
    })
  })

  itWarps('refuses handing off a stalled lease (LeaseStalled)', async () => {
    const { m, old, next, lease } = await handoff()
    await warp(m.params.maxAttestationGapSecs + 1)
    const now = await chainNow(client.connection)
    await expect(
      client.migrateLease({
        oldOperator: old.operator,
        newOperator: next.operator,
        lease,
        newProvider: next.key,
        handoffAt: now,
      }),
    ).rejects.toMatchObject({ name: 'LeaseStalledError' })
  })
})

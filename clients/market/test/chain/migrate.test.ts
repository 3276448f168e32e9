// Level 2 (localnet): the two-operator hand-off, built by one side, co-signed as bytes by the other.
import { describe, expect, it } from 'vitest'
import { chainNow, escrowAddress, findEvent } from '../../src/index.js'
import { client, parties, passTime } from '../support/chain.js'

async function twoProviders(standbyPrice = 1_100n) {
  const m = await parties.market()
  const [old, next] = await Promise.all([
    parties.provider(m, 1_000n, 1_000_000n),
    parties.provider(m, standbyPrice, 1_000_000n),
  ])
  const c = await parties.consumer(m, 10_000_000n)
  return { m, old, next, c }
}

describe('migrate_lease', () => {
  it('settles the old provider up to the hand-off and moves the lease, signed by both sides as bytes', async () => {
    const { m, old, next, c } = await twoProviders()
    const { lease, acceptedAt } = await parties.activeLease(c, old, 1n, 1_000_000n)
    await passTime(3)
    const handoffAt = acceptedAt + 2
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
    expect(await parties.balance(old.payout)).toBe(1_950n)
    expect(await parties.balance(m.feeVault)).toBe(50n)
    expect(await parties.balance(escrowAddress(lease))).toBe(998_000n)
    expect(await client.fetchLease(lease)).toMatchObject({
      provider: next.key,
      pricePerSecond: 1_100n,
      settledUntil: handoffAt,
      migrationCount: 1,
    })
    const [o, n] = await Promise.all([client.fetchProvider(old.key), client.fetchProvider(next.key)])
    expect(o).toMatchObject({
      openLeases: 0,
      reputation: { failoversHandedOff: 1n, secondsServed: 2n, earned: 1_950n },
    })
    expect(n).toMatchObject({ openLeases: 1, reputation: { failoversTaken: 1n } })
  })

  it('names every refusal of a hand-off', async () => {
    const { m, old, next, c } = await twoProviders()
    const { lease, acceptedAt } = await parties.activeLease(c, old, 1n, 1_000_000n)
    const migrate = (over: Partial<Parameters<typeof client.migrateLease>[0]>) =>
      client.migrateLease({
        oldOperator: old.operator,
        newOperator: next.operator,
        lease,
        newProvider: next.key,
        handoffAt: acceptedAt,
        ...over,
      })
    await expect(migrate({ handoffAt: acceptedAt - 1 })).rejects.toMatchObject({ name: 'InvalidHandoffTimeError' })
    const now = await chainNow(client.connection)
    await expect(migrate({ handoffAt: now + 3_600 })).rejects.toMatchObject({ name: 'InvalidHandoffTimeError' })
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
    await client.pauseProvider({ signer: next.operator, provider: next.key })
    await expect(migrate({})).rejects.toMatchObject({ name: 'ProviderNotActiveError' })
    const other = await parties.market()
    const foreign = await parties.provider(other, 1_000n, 1_000_000n)
    await expect(migrate({ newOperator: foreign.operator, newProvider: foreign.key })).rejects.toMatchObject({
      name: 'WrongMarketError',
    })
    const { lease: open } = await parties.openLease(c, old, 2n, 1_000n)
    await expect(migrate({ lease: open, newOperator: dear.operator, newProvider: dear.key })).rejects.toMatchObject({
      name: 'LeaseNotActiveError',
    })
  })
})

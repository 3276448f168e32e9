// Level 2 (localnet): open, accept, attest, top up, close and reclaim through the client.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { chainNow, escrowAddress, findEvent, leaseAddress } from '../../src/index.js'
import { client, itWarps, parties, passTime, warp } from '../support/chain.js'

describe('open_lease and accept_lease', () => {
  it('funds the escrow, records the terms, and starts billing at acceptance', async () => {
    const { m, p, c } = await parties.trio()
    const jobSpecHash = randomBytes(32)
    const opened = await client.openLease({
      consumer: c.kp,
      provider: p.key,
      nonce: 42n,
      jobSpecHash,
      maxPricePerSecond: 1_500n,
      deposit: 3_600_000n,
    })
    expect(opened.lease).toEqual(leaseAddress(c.kp.publicKey, 42n))
    expect(opened.escrow).toEqual(escrowAddress(opened.lease))
    expect(findEvent(opened.events, 'LeaseOpened')?.data).toEqual({
      lease: opened.lease,
      market: m.key,
      consumer: c.kp.publicKey,
      provider: p.key,
      nonce: 42n,
      jobSpecHash: new Uint8Array(jobSpecHash),
      pricePerSecond: 1_000n,
      maxPricePerSecond: 1_500n,
      deposit: 3_600_000n,
    })
    expect(await parties.balance(opened.escrow)).toBe(3_600_000n)
    expect(await parties.balance(c.token)).toBe(6_400_000n)
    const lease = await client.fetchLease(opened.lease)
    expect(lease).toMatchObject({ status: { kind: 'open' }, deposited: 3_600_000n, paidToProviders: 0n, acceptedAt: 0 })
    expect((await client.fetchMarket(m.key)).leaseCount).toBe(1n)

    const accepted = await client.acceptLease({ operator: p.operator, lease: opened.lease })
    const at = findEvent(accepted.events, 'LeaseAccepted')?.data.acceptedAt
    expect(at).toBeGreaterThan(0)
    expect(await client.fetchLease(opened.lease)).toMatchObject({
      status: { kind: 'active' },
      acceptedAt: at,
      settledUntil: at,
      lastActivityAt: at,
    })
    expect((await client.fetchProvider(p.key)).openLeases).toBe(1)
    await expect(client.acceptLease({ operator: p.operator, lease: opened.lease })).rejects.toMatchObject({
      name: 'LeaseNotOpenError',
    })
  })

  it('names every refusal to open', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const unstaked = await parties.provider(m, 1_000n, 999_999n)
    const c = await parties.consumer(m, 10_000_000n)
    await expect(parties.openLease(c, p, 1n, 0n)).rejects.toMatchObject({ name: 'ZeroAmountError' })
    await expect(parties.openLease(c, p, 1n, 1_000n, 999n)).rejects.toMatchObject({ name: 'PriceAboveCapError' })
    await expect(parties.openLease(c, unstaked, 1n, 1_000n)).rejects.toMatchObject({
      name: 'InsufficientStakeError',
      remedy: 'deposit more stake: synkti-provider stake --amount <n>',
    })
    await client.pauseProvider({ signer: p.operator, provider: p.key })
    await expect(parties.openLease(c, p, 1n, 1_000n)).rejects.toMatchObject({ name: 'ProviderNotActiveError' })
    await client.resumeProvider({ signer: p.operator, provider: p.key })

    const base = {
      consumer: c.kp.publicKey,
      market: m.key,
      provider: p.key,
      mint: m.mint,
      consumerToken: c.token,
    }
    const terms = { nonce: 5n, jobSpecHash: new Uint8Array(32), maxPricePerSecond: 2_000n, deposit: 1_000n }
    // A lease address that is not the PDA of (consumer, nonce).
    const wrongSeeds = await client.instructions.openLease(
      { ...base, lease: leaseAddress(c.kp.publicKey, 6n), escrow: escrowAddress(leaseAddress(c.kp.publicKey, 6n)) },
      terms,
    )
    await expect(client.send([wrongSeeds], [c.kp])).rejects.toMatchObject({ name: 'ConstraintSeedsError' })
    const elsewhere = await parties.market()
    const wrongMarket = await client.instructions.openLease(
      { ...base, market: elsewhere.key, mint: elsewhere.mint },
      terms,
    )
    await expect(client.send([wrongMarket], [c.kp])).rejects.toMatchObject({ name: 'WrongMarketError' })
    await expect(
      client.openLease({ consumer: c.kp, provider: p.key, ...terms, consumerToken: c.stakeToken }),
    ).rejects.toMatchObject({ name: 'WrongMintError' })
  })

  it('refuses an accept by another operator, for another provider, or by a provider that lost its stake rules', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const q = await parties.provider(m, 1_000n, 1_000_000n)
    const c = await parties.consumer(m, 10_000_000n)
    const { lease } = await parties.openLease(c, p, 1n, 1_000_000n)
    await expect(client.acceptLease({ operator: q.operator, lease })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    const ix = await client.instructions.acceptLease({
      operator: q.operator.publicKey,
      market: m.key,
      provider: q.key,
      lease,
    })
    await expect(client.send([ix], [q.operator])).rejects.toMatchObject({ name: 'WrongProviderError' })
    await client.pauseProvider({ signer: p.operator, provider: p.key })
    await expect(client.acceptLease({ operator: p.operator, lease })).rejects.toMatchObject({
      name: 'ProviderNotActiveError',
    })
  })
})

describe('attest_usage and top_up_lease', () => {
  it('pays attested seconds from escrow minus the fee, to the base unit', async () => {
    const { m, p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 1n, 100_000n)
    await passTime(3)
    const { events } = await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 2 })
    expect(findEvent(events, 'UsageAttested')?.data).toEqual({
      lease,
      provider: p.key,
      from: acceptedAt,
      until: acceptedAt + 2,
      seconds: 2n,
      payout: 1_950n,
      fee: 50n,
    })
    expect(await parties.balance(p.payout)).toBe(1_950n)
    expect(await parties.balance(m.feeVault)).toBe(50n)
    expect(await parties.balance(escrowAddress(lease))).toBe(98_000n)
    const after = await client.fetchLease(lease)
    expect(after).toMatchObject({ paidToProviders: 1_950n, feesPaid: 50n, settledUntil: acceptedAt + 2 })
    expect((await client.fetchProvider(p.key)).reputation).toMatchObject({ secondsServed: 2n, earned: 1_950n })

    await expect(client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 2 })).rejects.toMatchObject({
      name: 'AttestationNotAfterLastError',
    })
    const now = await chainNow(client.connection)
    await expect(client.attestUsage({ operator: p.operator, lease, until: now + 3_600 })).rejects.toMatchObject({
      name: 'AttestationInFutureError',
    })
    const stranger = await parties.funded(1)
    await expect(client.attestUsage({ operator: stranger, lease, until: acceptedAt + 3 })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
  })

  itWarps('refuses attesting more than escrow holds until the consumer tops up', async () => {
    const { p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 1n, 50_000n)
    await warp(60)
    await expect(client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 60 })).rejects.toMatchObject({
      name: 'AttestationExceedsDepositError',
      remedy: expect.stringContaining('top up'),
    })
    const topped = await client.topUpLease({ consumer: c.kp, lease, amount: 10_000n })
    expect(topped.events).toEqual([{ name: 'LeaseToppedUp', data: { lease, amount: 10_000n, deposited: 60_000n } }])
    expect(await parties.balance(c.token)).toBe(10_000_000n - 60_000n)
    const paid = await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 60 })
    expect(findEvent(paid.events, 'UsageAttested')?.data).toMatchObject({ seconds: 60n, payout: 58_500n, fee: 1_500n })
    expect(await parties.balance(escrowAddress(lease))).toBe(0n)
  })

  it('names refusals of attesting an open lease and of bad top-ups', async () => {
    const { m, p, c } = await parties.trio()
    const { lease } = await parties.openLease(c, p, 1n, 10_000n)
    const now = await chainNow(client.connection)
    await expect(client.attestUsage({ operator: p.operator, lease, until: now })).rejects.toMatchObject({
      name: 'LeaseNotActiveError',
    })
    await expect(client.topUpLease({ consumer: c.kp, lease, amount: 0n })).rejects.toMatchObject({
      name: 'ZeroAmountError',
    })
    const other = await parties.consumer(m, 1_000n)
    await expect(
      client.topUpLease({ consumer: other.kp, lease, amount: 1n, consumerToken: other.token }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })
    // An attestation paying into an account that is not the provider's payout.
    await client.acceptLease({ operator: p.operator, lease })
    const ix = await client.instructions.attestUsage(
      {
        operator: p.operator.publicKey,
        market: m.key,
        provider: p.key,
        lease,
        escrow: escrowAddress(lease),
        payout: c.token,
        feeVault: m.feeVault,
        mint: m.mint,
      },
      now,
    )
    await expect(client.send([ix], [p.operator])).rejects.toMatchObject({ name: 'WrongTokenAccountError' })
  })
})

describe('close_lease and reclaim_stalled_lease', () => {
  it('cancels an unaccepted lease with a full refund and its rent back', async () => {
    const { p, c } = await parties.trio()
    const lamportsBefore = await client.connection.getBalance(c.kp.publicKey)
    const { lease } = await parties.openLease(c, p, 1n, 500_000n)
    const { events } = await client.closeLease({ signer: c.kp, lease })
    expect(findEvent(events, 'LeaseEnded')?.data).toMatchObject({
      lease,
      provider: p.key,
      by: c.kp.publicKey,
      outcome: 'cancelled',
      seconds: 0n,
      payout: 0n,
      fee: 0n,
      refund: 500_000n,
      slashed: 0n,
    })
    expect(await parties.balance(c.token)).toBe(10_000_000n)
    // Only the two signature fees are gone: the rent of lease and escrow came back.
    expect(await client.connection.getBalance(c.kp.publicKey)).toBe(lamportsBefore - 10_000)
    await expect(client.fetchLease(lease)).rejects.toMatchObject({ name: 'AccountNotFoundError' })
  })

  it('completes an active lease: unattested time paid, rest refunded; an ended lease is gone', async () => {
    const { m, p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 1n, 1_000_000n)
    await passTime(2)
    const stranger = await parties.funded(1)
    await expect(client.closeLease({ signer: stranger, lease, consumerToken: c.token })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    const { events } = await client.closeLease({ signer: p.operator, lease })
    const ended = findEvent(events, 'LeaseEnded')?.data
    expect(ended).toMatchObject({ outcome: 'completed', by: p.operator.publicKey })
    if (ended === undefined) throw new Error('no LeaseEnded')
    const seconds = BigInt(ended.at - acceptedAt)
    expect(ended.seconds).toBe(seconds)
    const gross = seconds * 1_000n
    expect(ended.fee).toBe((gross * 250n) / 10_000n)
    expect(ended.payout).toBe(gross - ended.fee)
    expect(ended.refund).toBe(1_000_000n - gross)
    expect(await parties.balance(c.token)).toBe(9_000_000n + ended.refund)
    expect(await parties.balance(p.payout)).toBe(ended.payout)
    const provider = await client.fetchProvider(p.key)
    expect(provider.openLeases).toBe(0)
    expect(provider.reputation.leasesCompleted).toBe(1n)
    // Acting on the closed lease through the build-only layer hits Anchor's AccountNotInitialized.
    const ix = await client.instructions.topUpLease(
      { consumer: c.kp.publicKey, lease, escrow: escrowAddress(lease), mint: m.mint, consumerToken: c.token },
      1n,
    )
    await expect(client.send([ix], [c.kp])).rejects.toMatchObject({
      name: 'AccountNotInitializedError',
      account: 'lease',
    })
    await expect(client.closeLease({ signer: c.kp, lease })).rejects.toMatchObject({ name: 'AccountNotFoundError' })
  })

  itWarps('lets the consumer reclaim everything once attestations stall', async () => {
    const { m, p, c } = await parties.trio()
    const { lease } = await parties.activeLease(c, p, 1n, 2_000_000n)
    await expect(client.reclaimStalledLease({ consumer: c.kp, lease })).rejects.toMatchObject({
      name: 'LeaseNotStalledError',
    })
    const other = await parties.funded(1)
    await expect(client.reclaimStalledLease({ consumer: other, lease, consumerToken: c.token })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    await warp(m.params.maxAttestationGapSecs + 1)
    const { events } = await client.reclaimStalledLease({ consumer: c.kp, lease })
    expect(findEvent(events, 'LeaseEnded')?.data).toMatchObject({
      outcome: 'reclaimed',
      refund: 2_000_000n,
      payout: 0n,
    })
    expect(await parties.balance(c.token)).toBe(10_000_000n)
    expect((await client.fetchProvider(p.key)).reputation.leasesFailed).toBe(1n)
  })

  it('refuses reclaiming a lease that was never accepted', async () => {
    const { p, c } = await parties.trio()
    const { lease } = await parties.openLease(c, p, 1n, 1_000n)
    await expect(client.reclaimStalledLease({ consumer: c.kp, lease })).rejects.toMatchObject({
      name: 'LeaseNotActiveError',
    })
  })
})

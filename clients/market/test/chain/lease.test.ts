// Level 2 (localnet): open, accept, attest (on the provider's word, held; on the consumer's
// receipt, paid at once), top up, close, reclaim and finalize through the client.
import { randomBytes } from 'node:crypto'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { chainNow, escrowAddress, findEvent, leaseAddress, receiptInstruction, signReceipt } from '../../src/index.js'
import { client, itWarps, parties, passTime, warp } from '../support/chain.js'
import { charge, NO_TRANCHE } from '../support/parties.js'

describe('open_lease and accept_lease', () => {
  it('opens at the market’s next id, funds the escrow, records the terms, and starts billing at acceptance', async () => {
    const { m, p, c } = await parties.trio()
    const jobSpecHash = randomBytes(32)
    const opened = await client.openLease({
      consumer: c.kp,
      provider: p.key,
      jobSpecHash,
      maxPricePerSecond: 1_500n,
      deposit: 3_600_000n,
    })
    expect(opened.lease).toEqual(leaseAddress(m.key, 0n))
    expect(opened.escrow).toEqual(escrowAddress(opened.lease))
    expect(findEvent(opened.events, 'LeaseOpened')?.data).toEqual({
      lease: opened.lease,
      market: m.key,
      consumer: c.kp.publicKey,
      provider: p.key,
      id: 0n,
      jobSpecHash: new Uint8Array(jobSpecHash),
      pricePerSecond: 1_000n,
      policy: { maxPricePerSecond: 1_500n, maxMigrations: 64, providersMayMigrate: true },
      receiptSigner: c.kp.publicKey,
      deposit: 3_600_000n,
    })
    expect(await parties.balance(opened.escrow)).toBe(3_600_000n)
    expect(await parties.balance(c.token)).toBe(6_400_000n)
    const lease = await client.fetchLease(opened.lease)
    expect(lease).toMatchObject({
      id: 0n,
      status: { kind: 'open' },
      arbiter: m.arbiter.publicKey,
      receiptSigner: c.kp.publicKey,
      deposited: 3_600_000n,
      paidToProviders: 0n,
      held: [NO_TRANCHE, NO_TRANCHE],
      bond: 0n,
      acceptedAt: 0,
    })
    expect((await client.fetchMarket(m.key)).leaseCount).toBe(1n)
    expect(await client.fetchProvider(p.key)).toMatchObject({ openLeases: 1, leaseRecords: 1 })
    // The next lease takes the next id, whoever opens it.
    const other = await parties.consumer(m, 1_000_000n)
    expect((await parties.openLease(other, p, 600_000n)).lease).toEqual(leaseAddress(m.key, 1n))

    const accepted = await client.acceptLease({ operator: p.operator, lease: opened.lease })
    const at = findEvent(accepted.events, 'LeaseAccepted')?.data.acceptedAt
    expect(at).toBeGreaterThan(0)
    expect(await client.fetchLease(opened.lease)).toMatchObject({
      status: { kind: 'active' },
      acceptedAt: at,
      providerSince: at,
      settledUntil: at,
      lastActivityAt: at,
    })
    await expect(client.acceptLease({ operator: p.operator, lease: opened.lease })).rejects.toMatchObject({
      name: 'LeaseNotOpenError',
    })
  })

  it('names every refusal to open', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const unstaked = await parties.provider(m, 1_000n, 999_999n)
    const c = await parties.consumer(m, 10_000_000n)
    await expect(parties.openLease(c, p, 0n)).rejects.toMatchObject({ name: 'ZeroAmountError' })
    // An escrow must cover one attestation gap at the price: 600 s × 1_000.
    await expect(parties.openLease(c, p, 599_999n)).rejects.toMatchObject({
      name: 'DepositBelowIntervalError',
      remedy: expect.stringContaining('price × gap'),
    })
    await expect(parties.openLease(c, p, 600_000n, { maxPrice: 999n })).rejects.toMatchObject({
      name: 'PriceAboveCapError',
    })
    await expect(parties.openLease(c, unstaked, 600_000n)).rejects.toMatchObject({
      name: 'InsufficientStakeError',
      remedy: 'deposit more stake: synkti-provider stake --amount <n>',
    })
    await client.pauseProvider({ signer: p.operator, provider: p.key })
    await expect(parties.openLease(c, p, 600_000n)).rejects.toMatchObject({ name: 'ProviderNotActiveError' })
    await client.resumeProvider({ signer: p.operator, provider: p.key })
    // A provider's own keys cannot lease from it (reputation for free).
    for (const self of [p.authority, p.operator]) {
      const token = await parties.tokenAccount(m, self.publicKey, m.mint, 1_000_000n)
      await expect(
        client.openLease({
          consumer: self,
          provider: p.key,
          jobSpecHash: new Uint8Array(32),
          maxPricePerSecond: 1_000n,
          deposit: 600_000n,
          consumerToken: token,
        }),
      ).rejects.toMatchObject({ name: 'SelfDealingError' })
    }
    expect((await client.fetchMarket(m.key)).leaseCount).toBe(0n)

    const base = { consumer: c.kp.publicKey, market: m.key, provider: p.key, mint: m.mint, consumerToken: c.token }
    const policy = { maxPricePerSecond: 2_000n, maxMigrations: 1, providersMayMigrate: true }
    const terms = { jobSpecHash: new Uint8Array(32), deposit: 600_000n, policy }
    // A lease address that is not the market's next id.
    const skipped = await client.instructions.openLease({ ...base, lease: leaseAddress(m.key, 5n) }, terms)
    await expect(client.send([skipped], [c.kp])).rejects.toMatchObject({ name: 'StaleLeaseIdError' })
    const elsewhere = await parties.market()
    const wrongMarket = await client.instructions.openLease(
      { ...base, market: elsewhere.key, mint: elsewhere.mint, lease: leaseAddress(elsewhere.key, 0n) },
      terms,
    )
    await expect(client.send([wrongMarket], [c.kp])).rejects.toMatchObject({ name: 'WrongMarketError' })
    await expect(
      client.openLease({
        consumer: c.kp,
        provider: p.key,
        jobSpecHash: terms.jobSpecHash,
        deposit: 600_000n,
        maxPricePerSecond: 2_000n,
        consumerToken: c.stakeToken,
      }),
    ).rejects.toMatchObject({ name: 'WrongMintError' })
  })

  it('refuses an accept by another operator, for another provider, or by a paused provider', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const q = await parties.provider(m, 1_000n, 1_000_000n)
    const c = await parties.consumer(m, 10_000_000n)
    const { lease } = await parties.openLease(c, p, 1_000_000n)
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

describe('attest_usage', () => {
  it('holds self-attested pay in the earnings vault until it vests, to the base unit', async () => {
    const { m, p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
    await passTime(3)
    const before = await chainNow(client.connection)
    const { events } = await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 2 })
    const attested = findEvent(events, 'UsageAttested')?.data
    expect(attested).toEqual({
      lease,
      provider: p.key,
      from: acceptedAt,
      until: acceptedAt + 2,
      seconds: 2n,
      payout: 1_950n,
      fee: 50n,
      verified: false,
      vestsAt: expect.any(Number),
    })
    if (attested === undefined) throw new Error('no UsageAttested')
    // Vests at the end of the next dispute-window bucket: one to two windows later.
    expect(attested.vestsAt % 3_600).toBe(0)
    expect(attested.vestsAt).toBeGreaterThan(before + 3_600 - 1)
    expect(attested.vestsAt).toBeLessThanOrEqual((await chainNow(client.connection)) + 7_200)
    // The gross (payout and fee) waits in the earnings vault; nothing reached payout or fee vault.
    expect(await parties.balance(p.earningsVault)).toBe(2_000n)
    expect(await parties.balance(p.payout)).toBe(0n)
    expect(await parties.balance(m.feeVault)).toBe(0n)
    expect(await parties.balance(escrowAddress(lease))).toBe(998_000n)
    const tranche = { vestsAt: attested.vestsAt, payout: 1_950n, fee: 50n }
    expect(await client.fetchLease(lease)).toMatchObject({
      paidToProviders: 1_950n,
      feesPaid: 50n,
      paidToCurrent: 2_000n,
      settledUntil: acceptedAt + 2,
      held: [tranche, NO_TRANCHE],
    })
    expect(await client.fetchProvider(p.key)).toMatchObject({
      held: [tranche, NO_TRANCHE],
      unclaimed: 0n,
      reputation: { secondsSelfAttested: 2n, secondsVerified: 0n, earned: 1_950n },
    })

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

  it('pays receipt-backed usage to the payout account at once; a receipt by the wrong key is InvalidReceipt', async () => {
    const { m, p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
    await passTime(3)
    const until = acceptedAt + 2
    // Signed by someone who is not the lease's receipt signer, or for another provider.
    const forged = parties.receipt(Keypair.generate(), lease, p, acceptedAt, until)
    await expect(client.attestUsage({ operator: p.operator, lease, until, receipt: forged })).rejects.toMatchObject({
      name: 'InvalidReceiptError',
      remedy: expect.stringContaining('receipt signer'),
    })
    const genuine = parties.receipt(c.kp, lease, p, acceptedAt, until)
    // Altered after signing: its signature no longer verifies (the client checks before sending,
    // since the Ed25519 program would refuse it before this program runs).
    const tampered = { ...genuine, receipt: { ...genuine.receipt, requests: 1_000n } }
    await expect(client.attestUsage({ operator: p.operator, lease, until, receipt: tampered })).rejects.toMatchObject({
      name: 'InvalidReceiptError',
    })
    // Genuine, but it does not cover the period attested.
    const short = parties.receipt(c.kp, lease, p, acceptedAt, until - 1)
    await expect(client.attestUsage({ operator: p.operator, lease, until, receipt: short })).rejects.toMatchObject({
      name: 'ReceiptDoesNotCoverError',
    })
    expect(await parties.balance(escrowAddress(lease))).toBe(1_000_000n)

    const { events } = await client.attestUsage({ operator: p.operator, lease, until, receipt: genuine })
    expect(findEvent(events, 'UsageAttested')?.data).toEqual({
      lease,
      provider: p.key,
      from: acceptedAt,
      until,
      seconds: 2n,
      payout: 1_950n,
      fee: 50n,
      verified: true,
      vestsAt: 0,
    })
    expect(await parties.balance(p.payout)).toBe(1_950n)
    expect(await parties.balance(m.feeVault)).toBe(50n)
    expect(await parties.balance(p.earningsVault)).toBe(0n)
    expect(await parties.balance(escrowAddress(lease))).toBe(998_000n)
    expect(await client.fetchProvider(p.key)).toMatchObject({
      held: [NO_TRANCHE, NO_TRANCHE],
      reputation: { secondsVerified: 2n, secondsSelfAttested: 0n, earned: 1_950n },
    })
    expect(await client.fetchLease(lease)).toMatchObject({ paidToCurrent: 2_000n, held: [NO_TRANCHE, NO_TRANCHE] })
  })

  it('accepts receipts only from the gateway key the lease names', async () => {
    const { p, c } = await parties.trio()
    const gateway = Keypair.generate()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 600_000n, { receiptSigner: gateway.publicKey })
    expect((await client.fetchLease(lease)).receiptSigner).toEqual(gateway.publicKey)
    await passTime(2)
    const until = acceptedAt + 1
    const byConsumer = parties.receipt(c.kp, lease, p, acceptedAt, until)
    await expect(client.attestUsage({ operator: p.operator, lease, until, receipt: byConsumer })).rejects.toMatchObject(
      { name: 'InvalidReceiptError' },
    )
    // The gateway signs with signReceipt; the node passes signature and signer along.
    const receipt = { from: acceptedAt, until, requests: 7n, digest: randomBytes(32) }
    const signature = signReceipt(gateway, lease, p.key, receipt)
    await client.attestUsage({
      operator: p.operator,
      lease,
      until,
      receipt: { receipt, signature, signer: gateway.publicKey },
    })
    expect(await parties.balance(p.payout)).toBe(975n)
  })

  itWarps(
    'refuses billing a silence alone (LeaseStalled) and more than escrow holds until the consumer tops up',
    async () => {
      const { p, c } = await parties.trio()
      const { lease, acceptedAt } = await parties.activeLease(c, p, 600_000n)
      await warp(700)
      // Past the gap since the last activity: the provider's word alone no longer bills.
      await expect(client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 600 })).rejects.toMatchObject({
        name: 'LeaseStalledError',
        remedy: expect.stringContaining('consumer receipt'),
      })
      // The consumer's receipt still pays, but only what escrow covers (600 s).
      const receipt = parties.receipt(c.kp, lease, p, acceptedAt, acceptedAt + 700)
      await expect(
        client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 700, receipt }),
      ).rejects.toMatchObject({ name: 'AttestationExceedsDepositError', remedy: expect.stringContaining('top up') })
      const topped = await client.topUpLease({ consumer: c.kp, lease, amount: 100_000n })
      expect(topped.events).toEqual([{ name: 'LeaseToppedUp', data: { lease, amount: 100_000n, deposited: 700_000n } }])
      expect(await parties.balance(c.token)).toBe(10_000_000n - 700_000n)
      const paid = await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 700, receipt })
      const { payout, fee } = charge(700n, 1_000n)
      expect(findEvent(paid.events, 'UsageAttested')?.data).toMatchObject({
        seconds: 700n,
        payout,
        fee,
        verified: true,
      })
      expect(await parties.balance(escrowAddress(lease))).toBe(0n)
      expect(await parties.balance(p.payout)).toBe(payout)
    },
  )

  it('names refusals of attesting an open lease, of bad top-ups, and of foreign vaults', async () => {
    const { m, p, c } = await parties.trio()
    const { lease } = await parties.openLease(c, p, 1_000_000n)
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
    await client.acceptLease({ operator: p.operator, lease })
    await passTime(2)
    const accounts = {
      operator: p.operator.publicKey,
      market: m.key,
      provider: p.key,
      lease,
      escrow: escrowAddress(lease),
      payout: p.payout,
      earningsVault: p.earningsVault,
      feeVault: m.feeVault,
      mint: m.mint,
    }
    const until = await chainNow(client.connection)
    for (const over of [{ feeVault: c.token }, { earningsVault: c.token }]) {
      const ix = await client.instructions.attestUsage({ ...accounts, ...over }, until, null)
      await expect(client.send([ix], [p.operator])).rejects.toMatchObject({ name: 'WrongTokenAccountError' })
    }
    // A payout account that is not the recorded one is never paid: it is credited as unclaimed.
    const receipt = parties.receipt(c.kp, lease, p, (await client.fetchLease(lease)).acceptedAt, until)
    const proof = receiptInstruction(c.kp.publicKey, lease, p.key, receipt.receipt, receipt.signature)
    const foreign = await client.instructions.attestUsage({ ...accounts, payout: c.token }, until, receipt.receipt)
    const tokensBefore = await parties.balance(c.token)
    await client.send([proof, foreign], [p.operator])
    expect(await parties.balance(c.token)).toBe(tokensBefore)
    const { unclaimed } = await client.fetchProvider(p.key)
    expect(unclaimed).toBeGreaterThan(0n)
    expect(await parties.balance(p.earningsVault)).toBe(unclaimed)
  })
})

describe('close_lease, reclaim_stalled_lease and finalize_lease', () => {
  it('cancels an unaccepted lease with a full refund; finalizing returns the rent', async () => {
    const { p, c } = await parties.trio()
    const lamportsBefore = await client.connection.getBalance(c.kp.publicKey)
    const { lease } = await parties.openLease(c, p, 500_000n + 100_000n)
    const { events } = await client.closeLease({ signer: c.kp, lease })
    const ended = findEvent(events, 'LeaseEnded')?.data
    expect(ended).toMatchObject({
      lease,
      provider: p.key,
      by: c.kp.publicKey,
      outcome: 'cancelled',
      seconds: 0n,
      payout: 0n,
      fee: 0n,
      refund: 600_000n,
      slashed: 0n,
      bond: 0n,
    })
    expect(await parties.balance(c.token)).toBe(10_000_000n)
    // The record stays, ended; a cancelled lease can be finalized as soon as the clock moves on.
    expect((await client.fetchLease(lease)).status).toEqual({ kind: 'ended', outcome: 'cancelled', at: ended?.at })
    expect(await client.fetchProvider(p.key)).toMatchObject({ openLeases: 0, leaseRecords: 1 })
    await passTime(1)
    const finalized = await client.finalizeLease({ caller: c.kp, lease })
    expect(findEvent(finalized.events, 'LeaseFinalized')?.data).toMatchObject({
      lease,
      provider: p.key,
      outcome: 'cancelled',
      refund: 0n,
    })
    await expect(client.fetchLease(lease)).rejects.toMatchObject({ name: 'AccountNotFoundError' })
    expect(await client.connection.getAccountInfo(escrowAddress(lease))).toBeNull()
    expect((await client.fetchProvider(p.key)).leaseRecords).toBe(0)
    // Only the three signature fees are gone: the rent of lease and escrow came back.
    expect(await client.connection.getBalance(c.kp.publicKey)).toBe(lamportsBefore - 15_000)
  })

  itWarps(
    'completes an active lease: time since the last settlement held, the rest refunded, the record kept for the window',
    async () => {
      const { m, p, c } = await parties.trio()
      const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
      await warp(20)
      const stranger = await parties.funded(1)
      await expect(client.closeLease({ signer: stranger, lease, consumerToken: c.token })).rejects.toMatchObject({
        name: 'UnauthorizedError',
      })
      const { events } = await client.closeLease({ signer: p.operator, lease })
      const ended = findEvent(events, 'LeaseEnded')?.data
      expect(ended).toMatchObject({ outcome: 'completed', by: p.operator.publicKey })
      if (ended === undefined) throw new Error('no LeaseEnded')
      const seconds = BigInt(ended.at - acceptedAt)
      const { gross, fee, payout } = charge(seconds, 1_000n)
      expect(ended).toMatchObject({ seconds, fee, payout, refund: 1_000_000n - gross })
      expect(await parties.balance(c.token)).toBe(9_000_000n + ended.refund)
      expect(await parties.balance(p.earningsVault)).toBe(gross)
      expect(await parties.balance(p.payout)).toBe(0n)
      // An ended lease is still fetched, with its outcome, until it is finalized.
      expect((await client.fetchLease(lease)).status).toEqual({ kind: 'ended', outcome: 'completed', at: ended.at })
      expect(await client.fetchProvider(p.key)).toMatchObject({
        openLeases: 0,
        leaseRecords: 1,
        reputation: { leasesCompleted: 1n },
      })
      // Nothing more can be done to it but a dispute (within the window) and, after, finalize.
      await expect(client.closeLease({ signer: c.kp, lease })).rejects.toMatchObject({ name: 'LeaseEndedError' })
      await expect(client.topUpLease({ consumer: c.kp, lease, amount: 1n })).rejects.toMatchObject({
        name: 'LeaseEndedError',
      })
      await expect(client.reclaimStalledLease({ consumer: c.kp, lease })).rejects.toMatchObject({
        name: 'LeaseEndedError',
      })
      const anyone = await parties.funded(1)
      await expect(client.finalizeLease({ caller: anyone, lease })).rejects.toMatchObject({
        name: 'DisputeWindowOpenError',
      })

      await warp(m.params.disputeWindowSecs + 1)
      const lamportsBefore = await client.connection.getBalance(c.kp.publicKey)
      const rent =
        (await client.connection.getBalance(lease)) + (await client.connection.getBalance(escrowAddress(lease)))
      const finalized = await client.finalizeLease({ caller: anyone, lease })
      const event = findEvent(finalized.events, 'LeaseFinalized')?.data
      expect(event).toEqual({ lease, provider: p.key, outcome: 'completed', refund: 0n, at: expect.any(Number) })
      // Rent goes to the consumer, not to whoever finalized.
      expect(await client.connection.getBalance(c.kp.publicKey)).toBe(lamportsBefore + rent)
      const provider = await client.fetchProvider(p.key)
      expect(provider).toMatchObject({ leaseRecords: 0, exposureEndedAt: event?.at })
      await expect(client.fetchLease(lease)).rejects.toMatchObject({ name: 'AccountNotFoundError' })
      // Acting on the finalized lease through the build-only layer hits Anchor's AccountNotInitialized.
      const ix = await client.instructions.topUpLease(
        { consumer: c.kp.publicKey, lease, escrow: escrowAddress(lease), mint: m.mint, consumerToken: c.token },
        1n,
      )
      await expect(client.send([ix], [c.kp])).rejects.toMatchObject({
        name: 'AccountNotInitializedError',
        account: 'lease',
      })
    },
  )

  it('refuses finalizing a lease that has not ended', async () => {
    const { p, c } = await parties.trio()
    const { lease: open } = await parties.openLease(c, p, 600_000n)
    const { lease: active } = await parties.activeLease(c, p, 600_000n)
    for (const lease of [open, active]) {
      await expect(client.finalizeLease({ caller: c.kp, lease })).rejects.toMatchObject({
        name: 'LeaseNotEndedError',
      })
    }
  })

  itWarps('lets the consumer reclaim everything once attestations stall', async () => {
    const { m, p, c } = await parties.trio()
    const { lease } = await parties.activeLease(c, p, 2_000_000n)
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
    expect(await client.fetchProvider(p.key)).toMatchObject({
      openLeases: 0,
      leaseRecords: 1,
      reputation: { leasesFailed: 1n },
    })
    expect((await client.fetchLease(lease)).status).toMatchObject({ kind: 'ended', outcome: 'reclaimed' })
  })

  it('refuses reclaiming a lease that was never accepted', async () => {
    const { p, c } = await parties.trio()
    const { lease } = await parties.openLease(c, p, 600_000n)
    await expect(client.reclaimStalledLease({ consumer: c.kp, lease })).rejects.toMatchObject({
      name: 'LeaseNotActiveError',
    })
  })
})

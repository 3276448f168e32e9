// Level 2 (localnet): disputes (with their bond), evidence, resolution by the arbiter, expiry,
// and disputes of ended leases within the window.
import { randomBytes } from 'node:crypto'
import { getAssociatedTokenAddressSync } from '@solana/spl-token'
import { describe, expect, it } from 'vitest'
import { chainNow, escrowAddress, findEvent } from '../../src/index.js'
import { client, itWarps, parties, passTime, warp } from '../support/chain.js'
import { charge } from '../support/parties.js'

const BOND = 100_000n
const FUNDS = 10_000_000n

/** An active lease (1_000/s, deposit 1_000_000) with its first second self-attested: 1_000 held. */
async function attestedLease(deposit = 1_000_000n) {
  const { m, p, c } = await parties.trio()
  const { lease, acceptedAt } = await parties.activeLease(c, p, deposit)
  await passTime(2)
  await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 1 })
  return { m, p, c, lease, acceptedAt }
}

describe('open_dispute, add_evidence and resolve_dispute', () => {
  it('posts the bond and stops the lease; every settlement path is refused; evidence is recorded', async () => {
    const { p, c, lease } = await attestedLease()
    const evidenceHash = randomBytes(32)
    const opened = await client.openDispute({ consumer: c.kp, lease, evidenceHash })
    const dispute = findEvent(opened.events, 'DisputeOpened')?.data
    expect(dispute).toEqual({
      lease,
      provider: p.key,
      openedAt: expect.any(Number),
      endedAt: null,
      frozen: 999_000n,
      bond: BOND,
      evidenceHash: new Uint8Array(evidenceHash),
    })
    // The bond moves from the consumer into the escrow, next to what is left of the deposit.
    expect(await parties.balance(c.token)).toBe(FUNDS - 1_000_000n - BOND)
    expect(await parties.balance(escrowAddress(lease))).toBe(999_000n + BOND)
    expect(await client.fetchLease(lease)).toMatchObject({
      status: { kind: 'disputed', openedAt: dispute?.openedAt, endedAt: null },
      bond: BOND,
      consumerEvidence: new Uint8Array(evidenceHash),
    })

    const frozen = 'LeaseDisputedError'
    const now = await chainNow(client.connection)
    await expect(client.attestUsage({ operator: p.operator, lease, until: now })).rejects.toMatchObject({
      name: frozen,
    })
    await expect(client.closeLease({ signer: c.kp, lease })).rejects.toMatchObject({ name: frozen })
    await expect(client.topUpLease({ consumer: c.kp, lease, amount: 1n })).rejects.toMatchObject({ name: frozen })
    await expect(client.openDispute({ consumer: c.kp, lease, evidenceHash })).rejects.toMatchObject({ name: frozen })
    await expect(client.finalizeLease({ caller: c.kp, lease })).rejects.toMatchObject({ name: 'LeaseNotEndedError' })
    await expect(client.resolveDispute({ arbiter: c.kp, lease, verdict: 'refund' })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    await expect(client.expireDispute({ caller: c.kp, lease })).rejects.toMatchObject({
      name: 'DisputeWindowOpenError',
    })

    // Either side adds evidence while the dispute is open: the provider's authority or operator, the consumer.
    const providerSide = randomBytes(32)
    const added = await client.addEvidence({ signer: p.operator, lease, evidenceHash: providerSide })
    expect(added.events).toEqual([
      { name: 'EvidenceAdded', data: { lease, by: p.operator.publicKey, evidenceHash: new Uint8Array(providerSide) } },
    ])
    const byAuthority = randomBytes(32)
    await client.addEvidence({ signer: p.authority, lease, evidenceHash: byAuthority })
    const more = randomBytes(32)
    await client.addEvidence({ signer: c.kp, lease, evidenceHash: more })
    expect(await client.fetchLease(lease)).toMatchObject({
      providerEvidence: new Uint8Array(byAuthority),
      consumerEvidence: new Uint8Array(more),
    })
    const stranger = await parties.funded(1)
    await expect(client.addEvidence({ signer: stranger, lease, evidenceHash: more })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
  })

  it('a Refund claws back held pay, returns escrow and bond, and slashes twice the disputed value to the treasury', async () => {
    const { m, p, c, lease } = await attestedLease()
    await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
    const { events } = await client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'refund' })
    // The held 1_000 comes back, so the consumer lost nothing: the whole slash (2 × 1_000) goes
    // to the slash vault, none to the consumer.
    expect(findEvent(events, 'LeaseEnded')?.data).toMatchObject({
      outcome: 'refunded',
      by: m.arbiter.publicKey,
      refund: 999_000n + BOND,
      clawedBack: 1_000n,
      slashed: 2_000n,
      slashToConsumer: 0n,
      bond: BOND,
      payout: 0n,
    })
    expect(await parties.balance(c.token)).toBe(FUNDS)
    expect(await parties.balance(c.stakeToken)).toBe(0n)
    expect(await parties.balance(m.slashVault)).toBe(2_000n)
    expect(await parties.balance(p.stakeVault)).toBe(1_000_000n - 2_000n)
    expect(await parties.balance(p.earningsVault)).toBe(0n)
    expect(await parties.balance(escrowAddress(lease))).toBe(0n)
    expect(await client.fetchProvider(p.key)).toMatchObject({
      staked: 998_000n,
      openLeases: 0,
      leaseRecords: 1,
      reputation: { disputesLost: 1n, leasesFailed: 1n, earned: 0n },
    })
    const { held } = await client.fetchProvider(p.key)
    expect(held.map((t) => t.payout + t.fee)).toEqual([0n, 0n])
    expect((await client.fetchLease(lease)).status).toMatchObject({ kind: 'ended', outcome: 'refunded' })
    // The treasury takes the slashes out of the slash vault (stake mint).
    const to = await parties.tokenAccount(m, m.treasury.publicKey, m.stakeMint, 0n)
    const withdrawn = await client.withdrawFees({
      treasury: m.treasury,
      market: m.key,
      amount: 2_000n,
      vault: 'slashes',
    })
    expect(findEvent(withdrawn.events, 'FeesWithdrawn')?.data).toEqual({
      market: m.key,
      vault: m.slashVault,
      to,
      amount: 2_000n,
    })
  })

  it('a Refund of receipt-paid service makes the consumer whole from the slash, and no more', async () => {
    const { m, p, c } = await parties.trio()
    const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
    await passTime(2)
    const receipt = parties.receipt(c.kp, lease, p, acceptedAt, acceptedAt + 1)
    await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 1, receipt })
    await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
    const { events } = await client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'refund' })
    expect(findEvent(events, 'LeaseEnded')?.data).toMatchObject({
      clawedBack: 0n,
      slashed: 2_000n,
      slashToConsumer: 1_000n,
    })
    expect(await parties.balance(p.payout)).toBe(975n)
    expect(await parties.balance(c.token)).toBe(FUNDS - 1_000n)
    expect(await parties.balance(c.stakeToken)).toBe(1_000n)
    expect(await parties.balance(m.slashVault)).toBe(1_000n)
  })

  it('a Release pays the provider up to the dispute (held) and forfeits the bond to its payout', async () => {
    const { m, p, c, lease } = await attestedLease()
    const opened = await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
    const { events } = await client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'release' })
    const ended = findEvent(events, 'LeaseEnded')?.data
    const dispute = findEvent(opened.events, 'DisputeOpened')?.data
    expect(ended).toMatchObject({ outcome: 'released', slashed: 0n, clawedBack: 0n, bond: BOND })
    if (ended === undefined || dispute === undefined) throw new Error('missing events')
    expect(ended.payout + ended.fee + ended.refund).toBe(dispute.frozen)
    const { gross, fee } = charge(ended.seconds, 1_000n)
    expect(ended.fee).toBe(fee)
    // The provider's pay (the first second and the rest up to the dispute) is held; the bond is its own.
    expect(await parties.balance(p.earningsVault)).toBe(1_000n + gross)
    expect(await parties.balance(p.payout)).toBe(BOND)
    expect(await parties.balance(c.token)).toBe(FUNDS - 1_000n - gross - BOND)
    expect(await parties.balance(escrowAddress(lease))).toBe(0n)
    expect((await client.fetchProvider(p.key)).reputation).toMatchObject({ disputesWon: 1n, leasesCompleted: 1n })
  })

  it('the arbiter rules for a consumer that never held the stake mint: its account is created in the same transaction', async () => {
    // a plain consumer has no stake-mint account; the verdict must not wait for one (either way)
    for (const verdict of ['release', 'refund'] as const) {
      const m = await parties.market()
      const p = await parties.provider(m, 1_000n, 1_000_000n)
      const kp = await parties.funded()
      const token = await parties.tokenAccount(m, kp.publicKey, m.mint, FUNDS)
      const c = { kp, token, stakeToken: getAssociatedTokenAddressSync(m.stakeMint, kp.publicKey, true) }
      expect(await client.connection.getAccountInfo(c.stakeToken)).toBeNull()
      const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
      await passTime(2)
      await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 1 })
      await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
      const { events } = await client.resolveDispute({ arbiter: m.arbiter, lease, verdict })
      expect(findEvent(events, 'LeaseEnded')?.data.outcome).toBe(verdict === 'refund' ? 'refunded' : 'released')
      expect(await parties.balance(c.stakeToken)).toBe(0n)
    }
  })

  it('names refusals of resolving what is not disputed, evidence without a dispute, and disputes of an open lease', async () => {
    const { m, c, p, lease } = await attestedLease()
    await expect(client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'release' })).rejects.toMatchObject({
      name: 'LeaseNotDisputedError',
    })
    await expect(client.expireDispute({ caller: c.kp, lease })).rejects.toMatchObject({ name: 'LeaseNotDisputedError' })
    await expect(
      client.addEvidence({ signer: p.operator, lease, evidenceHash: new Uint8Array(32) }),
    ).rejects.toMatchObject({ name: 'LeaseNotDisputedError' })
    const other = await parties.consumer(m, 0n)
    await expect(
      client.openDispute({ consumer: other.kp, lease, evidenceHash: new Uint8Array(32) }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })
    const p2 = await parties.provider(m, 1_000n, 1_000_000n)
    const { lease: open } = await parties.openLease(c, p2, 600_000n)
    await expect(
      client.openDispute({ consumer: c.kp, lease: open, evidenceHash: new Uint8Array(32) }),
    ).rejects.toMatchObject({ name: 'LeaseNotActiveError' })
    // The slash goes to a stake-mint account of the consumer: a payment-mint one is refused.
    await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
    await expect(
      client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'refund', consumerStakeToken: other.token }),
    ).rejects.toMatchObject({ name: 'WrongMintError' })
    // A stake-mint account, but not the consumer's.
    const strangerStake = await parties.tokenAccount(m, other.kp.publicKey, m.stakeMint, 0n)
    await expect(
      client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'refund', consumerStakeToken: strangerStake }),
    ).rejects.toMatchObject({ name: 'WrongTokenAccountError' })
  })
})

describe('expire_dispute and the dispute window', () => {
  itWarps(
    'anyone ends a dispute left past its window, in the provider’s favour: the consumer’s bond is lost',
    async () => {
      const { m, p, c, lease } = await attestedLease()
      await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
      await warp(m.params.disputeWindowSecs + 1)
      const anyone = await parties.funded(1)
      const { events } = await client.expireDispute({ caller: anyone, lease })
      expect(findEvent(events, 'LeaseEnded')?.data).toMatchObject({
        outcome: 'released',
        by: anyone.publicKey,
        bond: BOND,
      })
      expect(await parties.balance(p.payout)).toBe(BOND)
      expect((await client.fetchProvider(p.key)).reputation.disputesWon).toBe(1n)
      // The record stays for another window, then anyone finalizes it.
      expect((await client.fetchLease(lease)).status).toMatchObject({ kind: 'ended', outcome: 'released' })
      await expect(client.finalizeLease({ caller: anyone, lease })).rejects.toMatchObject({
        name: 'DisputeWindowOpenError',
      })
      await warp(m.params.disputeWindowSecs + 1)
      await client.finalizeLease({ caller: anyone, lease })
      await expect(client.fetchLease(lease)).rejects.toMatchObject({ name: 'AccountNotFoundError' })
      expect(await client.connection.getAccountInfo(escrowAddress(lease))).toBeNull()
    },
  )

  itWarps('lets the consumer dispute an ended lease within the window only', async () => {
    const { m, c, p, lease } = await attestedLease()
    await warp(10)
    const closed = await client.closeLease({ signer: c.kp, lease })
    const closedAt = findEvent(closed.events, 'LeaseEnded')?.data.at
    await warp(m.params.disputeWindowSecs - 10)
    const opened = await client.openDispute({ consumer: c.kp, lease, evidenceHash: new Uint8Array(32) })
    expect(findEvent(opened.events, 'DisputeOpened')?.data).toMatchObject({ endedAt: closedAt, bond: BOND })
    expect((await client.fetchLease(lease)).status).toEqual({
      kind: 'disputed',
      openedAt: expect.any(Number),
      endedAt: closedAt,
    })
    expect(await parties.balance(escrowAddress(lease))).toBe(BOND)

    const { lease: late } = await parties.activeLease(c, p, 600_000n)
    await warp(10)
    await client.closeLease({ signer: c.kp, lease: late })
    await warp(m.params.disputeWindowSecs + 1)
    await expect(
      client.openDispute({ consumer: c.kp, lease: late, evidenceHash: new Uint8Array(32) }),
    ).rejects.toMatchObject({ name: 'DisputeWindowClosedError' })
  })
})

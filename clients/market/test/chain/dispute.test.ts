// Level 2 (localnet): disputes, their resolution by the arbiter, and expiry.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { chainNow, escrowAddress, findEvent } from '../../src/index.js'
import { client, itWarps, parties, passTime, warp } from '../support/chain.js'

async function attestedLease(deposit = 1_000_000n) {
  const { m, p, c } = await parties.trio()
  const { lease, acceptedAt } = await parties.activeLease(c, p, 1n, deposit)
  await passTime(2)
  await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 1 })
  return { m, p, c, lease, acceptedAt }
}

describe('open_dispute and resolve_dispute', () => {
  it('freezes the lease, then a Refund verdict returns escrow and slashes the stake', async () => {
    const { m, p, c, lease } = await attestedLease()
    const reasonHash = randomBytes(32)
    const opened = await client.openDispute({ consumer: c.kp, lease, reasonHash })
    const dispute = findEvent(opened.events, 'DisputeOpened')?.data
    expect(dispute).toMatchObject({ lease, provider: p.key, frozen: 999_000n, reasonHash: new Uint8Array(reasonHash) })
    expect((await client.fetchLease(lease)).status).toEqual({ kind: 'disputed', openedAt: dispute?.openedAt })

    const frozen = 'LeaseDisputedError'
    const now = await chainNow(client.connection)
    await expect(client.attestUsage({ operator: p.operator, lease, until: now })).rejects.toMatchObject({
      name: frozen,
    })
    await expect(client.closeLease({ signer: c.kp, lease })).rejects.toMatchObject({ name: frozen })
    await expect(client.topUpLease({ consumer: c.kp, lease, amount: 1n })).rejects.toMatchObject({ name: frozen })
    await expect(client.openDispute({ consumer: c.kp, lease, reasonHash })).rejects.toMatchObject({ name: frozen })
    await expect(client.resolveDispute({ arbiter: c.kp, lease, verdict: 'refund' })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    await expect(client.expireDispute({ caller: c.kp, lease })).rejects.toMatchObject({
      name: 'DisputeWindowOpenError',
    })

    const tokensBefore = await parties.balance(c.token)
    const { events } = await client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'refund' })
    expect(findEvent(events, 'LeaseEnded')?.data).toMatchObject({
      outcome: 'refunded',
      by: m.arbiter.publicKey,
      refund: 999_000n,
      slashed: 500_000n,
      payout: 0n,
    })
    expect(await parties.balance(c.token)).toBe(tokensBefore + 999_000n)
    expect(await parties.balance(c.stakeToken)).toBe(500_000n)
    expect(await parties.balance(p.stakeVault)).toBe(500_000n)
    const provider = await client.fetchProvider(p.key)
    expect(provider).toMatchObject({
      staked: 500_000n,
      openLeases: 0,
      reputation: { disputesLost: 1n, leasesFailed: 1n },
    })
  })

  it('a Release verdict pays the provider up to the dispute and refunds the rest', async () => {
    const { m, p, c, lease } = await attestedLease()
    const opened = await client.openDispute({ consumer: c.kp, lease, reasonHash: new Uint8Array(32) })
    const { events } = await client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'release' })
    const ended = findEvent(events, 'LeaseEnded')?.data
    const lease0 = findEvent(opened.events, 'DisputeOpened')?.data
    expect(ended).toMatchObject({ outcome: 'released', slashed: 0n })
    if (ended === undefined || lease0 === undefined) throw new Error('missing events')
    expect(ended.payout + ended.fee + ended.refund).toBe(lease0.frozen)
    expect(ended.fee).toBe((ended.seconds * 1_000n * 250n) / 10_000n)
    expect(await parties.balance(p.payout)).toBe(975n + ended.payout)
    expect((await client.fetchProvider(p.key)).reputation).toMatchObject({ disputesWon: 1n, leasesCompleted: 1n })
  })

  it('names refusals of resolving what is not disputed, and disputes of an open lease', async () => {
    const { m, c, lease } = await attestedLease()
    await expect(client.resolveDispute({ arbiter: m.arbiter, lease, verdict: 'release' })).rejects.toMatchObject({
      name: 'LeaseNotDisputedError',
    })
    await expect(client.expireDispute({ caller: c.kp, lease })).rejects.toMatchObject({ name: 'LeaseNotDisputedError' })
    const other = await parties.consumer(m, 0n)
    await expect(
      client.openDispute({ consumer: other.kp, lease, reasonHash: new Uint8Array(32) }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })
    const p2 = await parties.provider(m, 1_000n, 1_000_000n)
    const { lease: open } = await parties.openLease(c, p2, 9n, 1_000n)
    await expect(
      client.openDispute({ consumer: c.kp, lease: open, reasonHash: new Uint8Array(32) }),
    ).rejects.toMatchObject({ name: 'LeaseNotActiveError' })
    // The slash goes to a stake-mint account of the consumer: a payment-mint one is refused.
    await client.openDispute({ consumer: c.kp, lease, reasonHash: new Uint8Array(32) })
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
  itWarps('anyone ends a dispute left past its window, in the provider’s favour', async () => {
    const { m, p, c, lease } = await attestedLease()
    await client.openDispute({ consumer: c.kp, lease, reasonHash: new Uint8Array(32) })
    await warp(m.params.disputeWindowSecs + 1)
    const anyone = await parties.funded(1)
    const { events } = await client.expireDispute({ caller: anyone, lease })
    expect(findEvent(events, 'LeaseEnded')?.data).toMatchObject({ outcome: 'released', by: anyone.publicKey })
    expect((await client.fetchProvider(p.key)).reputation.disputesWon).toBe(1n)
    await expect(client.fetchLease(lease)).rejects.toMatchObject({ name: 'AccountNotFoundError' })
    expect(await client.connection.getAccountInfo(escrowAddress(lease))).toBeNull()
  })

  itWarps('refuses a dispute once the window after the last settlement has closed', async () => {
    const { m, c, lease } = await attestedLease()
    await warp(m.params.disputeWindowSecs + 1)
    await expect(client.openDispute({ consumer: c.kp, lease, reasonHash: new Uint8Array(32) })).rejects.toMatchObject({
      name: 'DisputeWindowClosedError',
    })
  })
})

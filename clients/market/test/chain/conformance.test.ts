/**
 * Conformance with the program's own example (programs/synkti-market/examples/lifecycle.rs,
 * `npm run demo`): the same inputs through this client on localnet give the same balances and
 * counters, to the base unit. Inputs: fixtures.rs `default_params` (fee 250 bps rounded up, gap
 * 600 s, window 3_600 s), spot provider at 1_000/s and standby at 1_100/s (1_000_000 stake
 * each), consumer with 10_000_000, deposit 3_600_000; three 60 s attestations on the consumer's
 * receipts (paid at once); 45 s later a hand-off dated 5 s back (the spot's last 40 s held);
 * the standby attests alone up to 120 s after that (held); the consumer closes 30 s later (held);
 * after the dispute window the record is finalized.
 */
import { describe, expect, it } from 'vitest'
import { escrowAddress, findEvent } from '../../src/index.js'
import { chain, client, itWarps, parties, warp } from '../support/chain.js'
import { charge, warpTo } from '../support/parties.js'

// Expected, from the money rules: spot serves 180 s on receipts + 40 s settled at the hand-off;
// standby serves 125 s self-attested (hand-off at +220 to +345) + 30 s settled at the close.
const spotReceipts = charge(180n, 1_000n)
const spotMinute = charge(60n, 1_000n)
const spotHandoff = charge(40n, 1_000n)
const standbyAttested = charge(125n, 1_100n)
const standbyClose = charge(30n, 1_100n)
const EXPECTED = {
  spotPayout: 3n * spotMinute.payout,
  spotHeld: spotHandoff.gross,
  standbyPayout: 0n,
  standbyHeld: standbyAttested.gross + standbyClose.gross,
  fees: 3n * spotMinute.fee,
  spotEarned: 3n * spotMinute.payout + spotHandoff.payout,
  standbyEarned: standbyAttested.payout + standbyClose.payout,
}

describe('conformance with examples/lifecycle.rs', () => {
  it('derives the numbers the Rust example prints', () => {
    // `npm run demo`: consumer -390_500, spot +175_500 paid and +40_000 held, standby +170_500
    // held, market fees +4_500 (the held pay's fees reach the fee vault when it vests).
    expect(spotReceipts.gross).toBe(180_000n)
    expect(EXPECTED).toEqual({
      spotPayout: 175_500n,
      spotHeld: 40_000n,
      standbyPayout: 0n,
      standbyHeld: 170_500n,
      fees: 4_500n,
      spotEarned: 214_500n,
      standbyEarned: 166_237n,
    })
  })

  itWarps('gives the same balances and reputation counters, to the base unit', async () => {
    const m = await parties.market()
    const [spot, standby] = await Promise.all([
      parties.provider(m, 1_000n, 1_000_000n),
      parties.provider(m, 1_100n, 1_000_000n),
    ])
    const c = await parties.consumer(m, 10_000_000n)
    const accounts = [c.token, spot.payout, spot.earningsVault, standby.payout, standby.earningsVault, m.feeVault]
    const before = await Promise.all(accounts.map((a) => parties.balance(a)))
    expect(before).toEqual([10_000_000n, 0n, 0n, 0n, 0n, 0n])

    const { lease, acceptedAt: start } = await parties.activeLease(c, spot, 3_600_000n)
    for (const minute of [1, 2, 3]) {
      await warp(60)
      const [from, until] = [start + 60 * (minute - 1), start + 60 * minute]
      const receipt = parties.receipt(c.kp, lease, spot, from, until)
      const { events } = await client.attestUsage({ operator: spot.operator, lease, until, receipt })
      expect(findEvent(events, 'UsageAttested')?.data).toMatchObject({ seconds: 60n, verified: true })
    }
    await warp(45)
    const migrated = await client.migrateLease({
      oldOperator: spot.operator,
      newOperator: standby.operator,
      lease,
      newProvider: standby.key,
      handoffAt: start + 220,
    })
    expect(findEvent(migrated.events, 'LeaseMigrated')?.data).toMatchObject({
      seconds: 40n,
      payout: spotHandoff.payout,
      fee: spotHandoff.fee,
    })
    await warp(120)
    const attested = await client.attestUsage({ operator: standby.operator, lease, until: start + 345 })
    expect(findEvent(attested.events, 'UsageAttested')?.data).toMatchObject({
      seconds: 125n,
      payout: standbyAttested.payout,
      fee: standbyAttested.fee,
      verified: false,
    })
    // localnet's clock is wall time plus warps: pin the close to exactly 30 s after the attestation.
    await warpTo(chain.rpcUrl, start + 375)
    const closed = await client.closeLease({ signer: c.kp, lease })
    const ended = findEvent(closed.events, 'LeaseEnded')?.data
    expect(ended).toMatchObject({
      outcome: 'completed',
      at: start + 375,
      seconds: 30n,
      payout: standbyClose.payout,
      fee: standbyClose.fee,
    })
    await warp(m.params.disputeWindowSecs + 1)
    await client.finalizeLease({ caller: c.kp, lease })

    const after = await Promise.all(accounts.map((a) => parties.balance(a)))
    const total = spotReceipts.gross + spotHandoff.gross + standbyAttested.gross + standbyClose.gross
    expect(total).toBe(390_500n)
    expect(after).toEqual([
      10_000_000n - total,
      EXPECTED.spotPayout,
      EXPECTED.spotHeld,
      EXPECTED.standbyPayout,
      EXPECTED.standbyHeld,
      EXPECTED.fees,
    ])
    expect(after.reduce((a, b) => a + b) - before.reduce((a, b) => a + b)).toBe(0n)
    expect(ended?.refund).toBe(3_600_000n - total)
    expect(await client.connection.getAccountInfo(escrowAddress(lease))).toBeNull()

    const [s, t] = await Promise.all([client.fetchProvider(spot.key), client.fetchProvider(standby.key)])
    expect(s.reputation).toEqual({
      leasesCompleted: 0n,
      leasesFailed: 0n,
      failoversHandedOff: 1n,
      failoversTaken: 0n,
      disputesLost: 0n,
      disputesWon: 0n,
      secondsVerified: 180n,
      secondsSelfAttested: 40n,
      earned: EXPECTED.spotEarned,
    })
    expect(t.reputation).toEqual({
      leasesCompleted: 1n,
      leasesFailed: 0n,
      failoversHandedOff: 0n,
      failoversTaken: 1n,
      disputesLost: 0n,
      disputesWon: 0n,
      secondsVerified: 0n,
      secondsSelfAttested: 155n,
      earned: EXPECTED.standbyEarned,
    })
  })
})

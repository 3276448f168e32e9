/**
 * Conformance with the program's own example (programs/synkti-market/examples/lifecycle.rs,
 * `npm run demo`): the same inputs through this client on localnet give the same balances and
 * counters, to the base unit. Inputs: fixtures.rs `default_params` (fee 250 bps, gap 600 s),
 * spot provider at 1_000/s and standby at 1_100/s (1_000_000 stake each), consumer with
 * 10_000_000, deposit 3_600_000; three 60 s attestations; 45 s later a hand-off dated 5 s back;
 * the standby attests up to 120 s after that; the consumer closes 30 s later.
 */
import { describe, expect, it } from 'vitest'
import { escrowAddress, findEvent } from '../../src/index.js'
import { chain, client, itWarps, parties, warp } from '../support/chain.js'
import { warpTo } from '../support/parties.js'

/** The program's money rule (settlement.rs `charge`): fee rounds down, the provider gets the rest. */
function charge(seconds: bigint, price: bigint, feeBps = 250n) {
  const gross = seconds * price
  const fee = (gross * feeBps) / 10_000n
  return { gross, fee, payout: gross - fee }
}

// Expected, from the money rules: spot serves 180 s attested + 40 s settled at the hand-off;
// standby serves 125 s attested (hand-off at +220 to +345) + 30 s settled at the close.
const spotAttested = charge(180n, 1_000n)
const spotHandoff = charge(40n, 1_000n)
const standbyAttested = charge(125n, 1_100n)
const standbyClose = charge(30n, 1_100n)
const EXPECTED = {
  spot: spotAttested.payout + spotHandoff.payout,
  standby: standbyAttested.payout + standbyClose.payout,
  fees: spotAttested.fee + spotHandoff.fee + standbyAttested.fee + standbyClose.fee,
}

describe('conformance with examples/lifecycle.rs', () => {
  it('derives the numbers the Rust example prints', () => {
    // `npm run demo`: spot +214500, standby +166238, market fees +9762, consumer -390500.
    expect(EXPECTED).toEqual({ spot: 214_500n, standby: 166_238n, fees: 9_762n })
  })

  itWarps('gives the same balances and reputation counters, to the base unit', async () => {
    const m = await parties.market()
    const [spot, standby] = await Promise.all([
      parties.provider(m, 1_000n, 1_000_000n),
      parties.provider(m, 1_100n, 1_000_000n),
    ])
    const c = await parties.consumer(m, 10_000_000n)
    const before = await Promise.all([c.token, spot.payout, standby.payout, m.feeVault].map((a) => parties.balance(a)))
    expect(before).toEqual([10_000_000n, 0n, 0n, 0n])

    const { lease, acceptedAt: start } = await parties.activeLease(c, spot, 1n, 3_600_000n)
    for (const minute of [1, 2, 3]) {
      await warp(60)
      await client.attestUsage({ operator: spot.operator, lease, until: start + 60 * minute })
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

    const after = await Promise.all([c.token, spot.payout, standby.payout, m.feeVault].map((a) => parties.balance(a)))
    const total = EXPECTED.spot + EXPECTED.standby + EXPECTED.fees
    expect(after).toEqual([10_000_000n - total, EXPECTED.spot, EXPECTED.standby, EXPECTED.fees])
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
      secondsServed: 220n,
      earned: 214_500n,
    })
    expect(t.reputation).toEqual({
      leasesCompleted: 1n,
      leasesFailed: 0n,
      failoversHandedOff: 0n,
      failoversTaken: 1n,
      disputesLost: 0n,
      disputesWon: 0n,
      secondsServed: 155n,
      earned: 166_238n,
    })
  })
})

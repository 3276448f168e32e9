import { PublicKey } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainNow, killRecordedJobs, warpClock } from './harness/chain.js'
import { nodeEvent } from './harness/processes.js'
import type { RunningProvider } from './harness/provider.js'
import { assemble, balances, type Cast, DEMO_PROVIDERS, SPEC, synkti, total } from './harness/story.js'

/**
 * A provider that disappears without notice: its node is SIGKILLed while it serves a lease, so
 * it never attests again. Once the chain clock passes the market's attestation gap, the
 * consumer takes back what was not served (`synkti lease reclaim`); the provider keeps what it
 * attested, and its record shows a failed lease.
 */

const DEPOSIT = 20_000_000n
const ON_DEMAND = DEMO_PROVIDERS.filter((p) => !p.spot)

let cast: Cast
let victim: RunningProvider

beforeAll(async () => {
  // two providers: the first is the network's bootstrap peer, the second disappears
  // a gap long enough that the too-early reclaim (a CLI start on a busy machine) lands inside it
  cast = await assemble(() => {}, { providers: ON_DEMAND, attestationGapSecs: 40 })
  const last = cast.providers.at(-1)
  if (last === undefined) throw new Error('no provider')
  victim = last
})

afterAll(async () => {
  await cast?.stop()
})

describe('a provider that disappears: the consumer reclaims the stalled lease', () => {
  it('reclaims the unserved escrow once the attestation gap has passed', async () => {
    const { client } = cast.world
    const before = await balances(cast)
    const run = await synkti(
      cast,
      ['job', 'run', SPEC, '--provider', victim.provider.toBase58(), '--deposit', String(DEPOSIT), '--wait'],
      180_000,
    )
    expect(run.state).toBe('healthy')
    const lease = new PublicKey(String(run.lease))

    // served and paid for a while, then gone: no drain, no goodbye
    await victim.proc.waitFor(
      'an attestation',
      nodeEvent('settlement-attested', (e) => e.lease === lease.toBase58()),
      120_000,
    )
    await victim.proc.kill()
    // its stand-in outlives it (the kernel does not stop a killed parent's children)
    cast.group.defer(async () => void (await killRecordedJobs(victim.configPath)))
    // held in its earnings vault (payout and fee) until the dispute window passes
    const paid = (await cast.world.balance(victim.payout)) + (await cast.world.balance(victim.earningsVault))
    expect(paid).toBeGreaterThan(0n)

    const stalled = await client.fetchLease(lease)
    const gap = cast.world.params.maxAttestationGapSecs
    expect(stalled.status.kind).toBe('active')
    expect(stalled.paidToProviders + stalled.feesPaid).toBe(paid)

    // too early: the provider may still be catching up
    await expect(synkti(cast, ['lease', 'reclaim', lease.toBase58()])).rejects.toMatchObject({
      name: 'CommandFailedError',
      output: expect.stringContaining('LeaseNotStalledError'),
    })
    expect((await client.fetchLease(lease)).status.kind).toBe('active')

    const now = await chainNow(cast.world.rpcUrl)
    await warpClock(cast.world.rpcUrl, Math.max(0, stalled.lastActivityAt + gap + 2 - now))
    const reclaimed = await synkti(cast, ['lease', 'reclaim', lease.toBase58()])
    const refund = BigInt(String(reclaimed.refund))
    expect(reclaimed.provider).toBe(victim.provider.toBase58())
    // everything not already attested comes back: the deposit less what the provider and the fee vault got
    expect(refund).toBe(DEPOSIT - stalled.paidToProviders - stalled.feesPaid)
    const ended = await client.fetchLease(lease)
    expect(ended.status).toMatchObject({ kind: 'ended', outcome: 'reclaimed' })

    const after = await balances(cast)
    expect(after.consumer).toBe(before.consumer - DEPOSIT + refund)
    expect(after.providers[victim.spec.name]).toBe(paid)
    expect(total(after)).toBe(total(before))

    const provider = await client.fetchProvider(victim.provider)
    expect(provider.reputation.leasesFailed).toBe(1n)
    expect(provider.reputation.leasesCompleted).toBe(0n)
    expect(provider.openLeases).toBe(0)

    const list = await synkti(cast, ['lease', 'list'])
    const leases = list.leases as { address: string; outcome: string | null }[]
    expect(leases).toEqual([expect.objectContaining({ address: lease.toBase58(), outcome: 'reclaimed' })])
  })
})

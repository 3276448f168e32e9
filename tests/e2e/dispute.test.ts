import { PublicKey } from '@solana/web3.js'
import type { Verdict } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { leaseEnded, type StakeBalances, stakeBalances, stakeTotal } from './harness/chain.js'
import type { RunningProvider } from './harness/provider.js'
import { assemble, type Balances, balances, type Cast, DEMO_PROVIDERS, SPEC, synkti, total } from './harness/story.js'

/**
 * Disputes, end to end: the consumer opens one with the CLI while the provider serves, which
 * freezes the lease's unsettled escrow (the node's attestations wait); the market's arbiter rules.
 * Two leases, one ruling each way: `refund` (all escrow back, the provider slashed) and
 * `release` (the provider paid up to the dispute, the rest back). Both mints are conserved.
 */

const DEPOSIT = 10_000_000n
const ON_DEMAND = DEMO_PROVIDERS.filter((p) => !p.spot)

let cast: Cast
let consumerStake: PublicKey
let before: Balances
let stakeBefore: StakeBalances

beforeAll(async () => {
  cast = await assemble(() => {}, { providers: ON_DEMAND })
  // slashed stake goes to the consumer's account of the stake mint
  consumerStake = await cast.world.mintTo(cast.consumer.keypair.publicKey, cast.world.stakeMint, 0n)
  before = await balances(cast)
  stakeBefore = await stakeBalances(cast, [consumerStake])
})

afterAll(async () => {
  await cast?.stop()
})

const provider = (i: number): RunningProvider => {
  const p = cast.providers[i]
  if (p === undefined) throw new Error(`no provider ${i}`)
  return p
}

interface Disputed {
  lease: PublicKey
  /** escrow frozen by the dispute, as the CLI reported it */
  frozen: bigint
  /** the provider's payout balance when the dispute opened (what it had attested) */
  paid: bigint
}

/** A lease served and attested at least once, then disputed by the consumer with the CLI. */
async function serveThenDispute(p: RunningProvider, reason: string): Promise<Disputed> {
  const run = await synkti(
    cast,
    ['job', 'run', SPEC, '--provider', p.provider.toBase58(), '--deposit', String(DEPOSIT), '--wait'],
    180_000,
  )
  const lease = new PublicKey(String(run.lease))
  await p.proc.waitFor('an attestation', (l) => l.event === 'settlement-attested' && l.lease === run.lease, 120_000)

  const from = p.proc.lines.length
  const opened = await synkti(cast, ['dispute', 'open', lease.toBase58(), '--reason', reason])
  const onChain = await cast.world.client.fetchLease(lease)
  expect(onChain.status.kind).toBe('disputed')
  expect(opened.lease).toBe(lease.toBase58())
  const frozen = BigInt(String(opened.frozen))
  expect(frozen).toBe(onChain.deposited - onChain.paidToProviders - onChain.feesPaid)
  expect(frozen).toBe(await cast.world.balance(onChain.escrow))

  // frozen: the node's next attestation waits on the ruling instead of paying itself
  await p.proc.waitFor(
    'the attestation held by the dispute',
    (l) => l.event === 'settlement-deferred' && l.lease === lease.toBase58() && l.error === 'LeaseDisputedError',
    120_000,
    from,
  )
  const still = await cast.world.client.fetchLease(lease)
  expect(still.paidToProviders).toBe(onChain.paidToProviders)
  expect(await cast.world.balance(onChain.escrow)).toBe(frozen)
  return { lease, frozen, paid: await cast.world.balance(p.payout) }
}

async function rule(lease: PublicKey, verdict: Verdict) {
  return leaseEnded(await cast.world.client.resolveDispute({ arbiter: cast.world.arbiter, lease, verdict }))
}

describe('a dispute resolved by the arbiter', () => {
  it('refund: the consumer gets the frozen escrow back and a share of the provider’s stake', async () => {
    const p = provider(0)
    const disputed = await serveThenDispute(p, 'the endpoint answered with garbage')
    // a disputed lease cannot be closed around the arbiter
    await expect(synkti(cast, ['job', 'stop', disputed.lease.toBase58()])).rejects.toMatchObject({
      name: 'CommandFailedError',
      output: expect.stringContaining('LeaseDisputedError'),
    })
    // only the market's arbiter rules
    await expect(
      cast.world.client.resolveDispute({ arbiter: cast.consumer.keypair, lease: disputed.lease, verdict: 'refund' }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })

    const consumerBefore = await cast.world.balance(cast.consumer.token)
    const staked = (await cast.world.client.fetchProvider(p.provider)).staked
    const ended = await rule(disputed.lease, 'refund')

    expect(ended.outcome).toBe('refunded')
    expect(ended.payout).toBe(0n)
    expect(ended.fee).toBe(0n)
    expect(ended.refund).toBe(disputed.frozen)
    expect(ended.slashed).toBe((staked * BigInt(cast.world.params.slashBps)) / 10_000n)
    expect(ended.slashed).toBeGreaterThan(0n)
    await expect(cast.world.client.fetchLease(disputed.lease)).rejects.toMatchObject({ name: 'AccountNotFoundError' })

    expect(await cast.world.balance(cast.consumer.token)).toBe(consumerBefore + disputed.frozen)
    expect(await cast.world.balance(consumerStake)).toBe(ended.slashed)
    // what the provider attested before the dispute stays paid
    expect(await cast.world.balance(p.payout)).toBe(disputed.paid)
    const after = await cast.world.client.fetchProvider(p.provider)
    expect(after.staked).toBe(staked - ended.slashed)
    expect(after.reputation.disputesLost).toBe(1n)
    expect(after.reputation.disputesWon).toBe(0n)
    expect(after.openLeases).toBe(0)
  })

  it('release: the provider is paid up to the dispute, the rest goes back to the consumer', async () => {
    const p = provider(1)
    const disputed = await serveThenDispute(p, 'I think I was overcharged')
    const lease = await cast.world.client.fetchLease(disputed.lease)
    if (lease.status.kind !== 'disputed') throw new Error('lease not disputed')
    const consumerBefore = await cast.world.balance(cast.consumer.token)
    const feeVault = (await cast.world.client.fetchMarket(cast.world.market)).feeVault
    const feesBefore = await cast.world.balance(feeVault)
    const staked = (await cast.world.client.fetchProvider(p.provider)).staked

    const ended = await rule(disputed.lease, 'release')

    // service from the last settlement to the dispute, no further than the attestation gap allows
    const until = Math.min(lease.status.openedAt, lease.lastActivityAt + cast.world.params.maxAttestationGapSecs)
    const seconds = BigInt(Math.max(0, until - lease.settledUntil))
    expect(ended.outcome).toBe('released')
    expect(ended.slashed).toBe(0n)
    expect(ended.seconds).toBe(seconds)
    expect(ended.payout + ended.fee).toBe(seconds * lease.pricePerSecond)
    expect(ended.refund).toBe(disputed.frozen - ended.payout - ended.fee)
    await expect(cast.world.client.fetchLease(disputed.lease)).rejects.toMatchObject({ name: 'AccountNotFoundError' })

    expect(await cast.world.balance(p.payout)).toBe(disputed.paid + ended.payout)
    expect(await cast.world.balance(feeVault)).toBe(feesBefore + ended.fee)
    expect(await cast.world.balance(cast.consumer.token)).toBe(consumerBefore + ended.refund)
    const after = await cast.world.client.fetchProvider(p.provider)
    expect(after.staked).toBe(staked)
    expect(after.reputation.disputesWon).toBe(1n)
    expect(after.reputation.disputesLost).toBe(0n)
    expect(after.reputation.leasesCompleted).toBe(1n)
    expect(after.reputation.earned).toBe(disputed.paid + ended.payout)
  })

  it('both mints are conserved across the two rulings', async () => {
    const after = await balances(cast)
    expect(total(after)).toBe(total(before))
    expect(after.consumer).toBeLessThan(before.consumer)
    const stakeAfter = await stakeBalances(cast, [consumerStake])
    expect(stakeTotal(stakeAfter)).toBe(stakeTotal(stakeBefore))
    expect(stakeAfter.others[0]).toBeGreaterThan(0n)
  })
})

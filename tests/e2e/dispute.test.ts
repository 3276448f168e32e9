import { PublicKey } from '@solana/web3.js'
import type { Verdict } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { leaseEnded, type StakeBalances, stakeBalances, stakeTotal } from './harness/chain.js'
import { nodeEvent } from './harness/processes.js'
import type { RunningProvider } from './harness/provider.js'
import { assemble, type Balances, balances, type Cast, DEMO_PROVIDERS, SPEC, synkti, total } from './harness/story.js'

/**
 * Disputes, end to end: the consumer opens one with the CLI while the provider serves, posting
 * the market's bond; billing stops and the lease's unsettled escrow is frozen (the node stops the
 * job and its attestations wait); the lease's arbiter rules. Two leases, one ruling each way:
 * `refund` (held pay clawed back, escrow and bond back, a bounded slash) and `release` (the
 * provider paid up to the dispute plus the bond, the rest back). Both mints are conserved.
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
  /** the provider's payout and earnings vault when the dispute opened (what it had attested) */
  paid: bigint
  bond: bigint
}

const providerBalance = async (p: RunningProvider) =>
  (await cast.world.balance(p.payout)) + (await cast.world.balance(p.earningsVault))

/** A lease served and attested at least once, then disputed by the consumer with the CLI. */
async function serveThenDispute(p: RunningProvider, reason: string): Promise<Disputed> {
  const run = await synkti(
    cast,
    ['job', 'run', SPEC, '--provider', p.provider.toBase58(), '--deposit', String(DEPOSIT), '--wait'],
    180_000,
  )
  const lease = new PublicKey(String(run.lease))
  await p.proc.waitFor(
    'an attestation',
    nodeEvent('settlement-attested', (e) => e.lease === run.lease),
    120_000,
  )

  const from = p.proc.lines.length
  const opened = await synkti(cast, ['dispute', 'open', lease.toBase58(), '--reason', reason])
  const onChain = await cast.world.client.fetchLease(lease)
  expect(onChain.status.kind).toBe('disputed')
  expect(opened.lease).toBe(lease.toBase58())
  const frozen = BigInt(String(opened.frozen))
  const bond = BigInt(String(opened.bond))
  expect(bond).toBe(cast.world.params.disputeBond)
  expect(onChain.bond).toBe(bond)
  expect(frozen).toBe(onChain.deposited - onChain.paidToProviders - onChain.feesPaid)
  expect(await cast.world.balance(onChain.escrow)).toBe(frozen + bond)

  // billing stopped: the node stops the job (serving on would be free work) and pays itself nothing more
  await p.proc.waitFor(
    'the job stopped for the dispute',
    nodeEvent('job-ended', (e) => e.lease === lease.toBase58()),
    120_000,
    from,
  )
  const still = await cast.world.client.fetchLease(lease)
  expect(still.paidToProviders).toBe(onChain.paidToProviders)
  expect(await cast.world.balance(onChain.escrow)).toBe(frozen + bond)
  return { lease, frozen, bond, paid: await providerBalance(p) }
}

async function rule(lease: PublicKey, verdict: Verdict) {
  return leaseEnded(await cast.world.client.resolveDispute({ arbiter: cast.world.arbiter, lease, verdict }))
}

describe('a dispute resolved by the arbiter', () => {
  it('refund: held pay clawed back, escrow and bond back, a slash bounded by what the lease paid', async () => {
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
    const slashVaultBefore = (await stakeBalances(cast)).slashVault
    const staked = (await cast.world.client.fetchProvider(p.provider)).staked
    const paidToCurrent = (await cast.world.client.fetchLease(disputed.lease)).paidToCurrent
    const ended = await rule(disputed.lease, 'refund')

    expect(ended.outcome).toBe('refunded')
    expect(ended.payout).toBe(0n)
    expect(ended.fee).toBe(0n)
    // the escrow (frozen balance and bond) comes back, and so does the self-attested pay held
    expect(ended.refund).toBe(disputed.frozen + disputed.bond)
    expect(ended.bond).toBe(disputed.bond)
    expect(ended.clawedBack).toBe(paidToCurrent)
    expect(ended.clawedBack).toBeGreaterThan(0n)
    // a bounded multiple of what the lease paid, never more than the stake
    const bound = (paidToCurrent * BigInt(cast.world.params.slashMultipleBps)) / 10_000n
    expect(ended.slashed).toBe(bound < staked ? bound : staked)
    expect(ended.slashed).toBeGreaterThan(0n)
    // everything was clawed back: the consumer lost nothing, so the slash goes to the treasury
    expect(ended.slashToConsumer).toBe(0n)
    const record = await cast.world.client.fetchLease(disputed.lease)
    expect(record.status).toMatchObject({ kind: 'ended', outcome: 'refunded' })

    expect(await cast.world.balance(cast.consumer.token)).toBe(consumerBefore + ended.refund + ended.clawedBack)
    expect(await cast.world.balance(consumerStake)).toBe(ended.slashToConsumer)
    expect((await stakeBalances(cast)).slashVault).toBe(slashVaultBefore + ended.slashed - ended.slashToConsumer)
    expect(await providerBalance(p)).toBe(disputed.paid - ended.clawedBack)
    const after = await cast.world.client.fetchProvider(p.provider)
    expect(after.staked).toBe(staked - ended.slashed)
    expect(after.reputation.disputesLost).toBe(1n)
    expect(after.reputation.disputesWon).toBe(0n)
    expect(after.openLeases).toBe(0)
  })

  it('release: the provider is paid up to the dispute and takes the bond, the rest goes back', async () => {
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
    expect(ended.bond).toBe(disputed.bond)
    const record = await cast.world.client.fetchLease(disputed.lease)
    expect(record.status).toMatchObject({ kind: 'ended', outcome: 'released' })

    // the final interval is held (payout and fee, in the earnings vault); the bond is paid out
    expect(await providerBalance(p)).toBe(disputed.paid + ended.payout + ended.fee + disputed.bond)
    expect(await cast.world.balance(feeVault)).toBe(feesBefore)
    expect(await cast.world.balance(cast.consumer.token)).toBe(consumerBefore + ended.refund)
    const after = await cast.world.client.fetchProvider(p.provider)
    expect(after.staked).toBe(staked)
    expect(after.reputation.disputesWon).toBe(1n)
    expect(after.reputation.disputesLost).toBe(0n)
    expect(after.reputation.leasesCompleted).toBe(1n)
    expect(after.reputation.earned).toBe(lease.paidToProviders + ended.payout)
  })

  it('both mints are conserved across the two rulings', async () => {
    const after = await balances(cast)
    expect(total(after)).toBe(total(before))
    expect(after.consumer).toBeLessThan(before.consumer)
    const stakeAfter = await stakeBalances(cast, [consumerStake])
    expect(stakeTotal(stakeAfter)).toBe(stakeTotal(stakeBefore))
    expect(stakeAfter.slashVault).toBeGreaterThan(stakeBefore.slashVault)
  })
})

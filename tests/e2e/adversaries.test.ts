import { setTimeout as sleep } from 'node:timers/promises'
import { getAssociatedTokenAddressSync } from '@solana/spl-token'
import { PublicKey } from '@solana/web3.js'
import { escrowAddress, stakeVaultAddress } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  arbiterRules,
  attempt,
  awaitHostileRecord,
  DRAIN_LAMPORTS,
  errorName,
  type Forgery,
  failoverState,
  fundedParty,
  type HostileTaker,
  hostileSpec,
  type Party,
  type RecordWitness,
  Refusals,
  startHostileTaker,
  startRecordWitness,
  startSquatter,
} from './harness/adversary.js'
import { nodeEvent } from './harness/processes.js'
import type { RunningProvider } from './harness/provider.js'
import { sum, tokenSnapshot } from './harness/snapshot.js'
import { awaitRecords, jobOn, preemptAll, respawnSpot } from './harness/spot.js'
import { assemble, type Cast, SPEC, synkti, waitUntil } from './harness/story.js'

/**
 * The adversarial run: the demo's three providers (one AWS spot machine, two on-demand
 * workers) and an honest consumer, among hostile parties — a consumer that disputes the moment
 * its job is healthy, one that opens a lease it does not fund, a registered and staked taker
 * (the cheapest provider, so every giver offers it a lease first) that answers each hand-off
 * with a forged migrate_lease, and an unregistered squatter that publishes records in an honest
 * node's name. Two spot preemptions move the honest consumer's leases past the forger.
 * Asserted: every hostile act is refused and the refusal has a name; the honest consumer pays
 * only for service, and no honest provider serves more than one attestation interval unpaid;
 * the forger and the squatter get nothing; both mints are conserved to the unit.
 * SYNKTI_E2E_VERBOSE=1 prints the story; the refusals are printed at the end.
 */

const DEPOSIT = 3_000_000n
const DISPUTER_DEPOSIT = 2_000_000n
const HOSTILE_FUNDS = 10_000_000n
/** below every honest price (800, 1 000, 1 300): the planner's first choice for any giver */
const HOSTILE_PRICE = 500n
/** the forgeries the two preemptions meet, in order */
const FORGERIES: Forgery[] = ['extra-instruction', 'new-provider']
/** the field checkHandoff names for each forgery */
const FIELD: Record<Forgery, string> = {
  'extra-instruction': 'instructions',
  'new-provider': 'newProvider',
  'handoff-time': 'handoffAt',
  'fee-payer': 'feePayer',
}
/** tries of `synkti job run` while a restarted machine's record is not in the DHT yet */
const RECORD_TRIES = 30

const verbose = process.env.SYNKTI_E2E_VERBOSE === '1'
const t0 = Date.now()
const progress = (line: string) => {
  if (verbose) console.error(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`)
}

let cast: Cast
let witness: RecordWitness
let taker: HostileTaker
let disputer: Party
let cheapskate: Party
const refusals = new Refusals()
/** every lease opened in the run, with whose it is */
const leases = new Map<string, { consumer: 'honest' | 'disputer'; moved: number }>()
let paymentBefore: bigint
let stakeBefore: bigint
let honestConsumerBefore: bigint
const honestProvidersBefore = new Map<string, bigint>()
let takerLamportsBefore: number

const provider = (name: string): RunningProvider => {
  const p = cast.providers.find((x) => x.spec.name === name)
  if (p === undefined) throw new Error(`no provider ${name}`)
  return p
}
const providerBalance = async (p: { payout: PublicKey; earningsVault: PublicKey }) =>
  sum(await tokenSnapshot(cast.world.client.connection, [p.payout, p.earningsVault]))
/** seconds (wall clock, as the localnet's chain clock is) of a node line's `at` */
const secondsOf = (line: { at: string }) => Date.parse(line.at) / 1000

/** Every account the payment mint can be in: consumers, payouts, earnings vaults, the fee vault, every escrow. */
async function paymentAccounts(): Promise<PublicKey[]> {
  const { feeVault } = await cast.world.client.fetchMarket(cast.world.market)
  return [
    cast.consumer.token,
    disputer.token,
    cheapskate.token,
    ...[...cast.providers, taker.registered].flatMap((p) => [p.payout, p.earningsVault]),
    feeVault,
    ...[...leases.keys()].map((l) => escrowAddress(new PublicKey(l))),
  ]
}

/** Every account the stake mint can be in: the authorities' own accounts, the stake vaults, the slash vault. */
async function stakeAccounts(): Promise<PublicKey[]> {
  const { slashVault } = await cast.world.client.fetchMarket(cast.world.market)
  return [
    ...[...cast.providers, taker.registered].flatMap((p) => [
      getAssociatedTokenAddressSync(cast.world.stakeMint, p.authority.publicKey),
      stakeVaultAddress(p.provider),
    ]),
    // where a slash's share for the disputer would go (created by the arbiter's ruling, if at all)
    getAssociatedTokenAddressSync(cast.world.stakeMint, disputer.keypair.publicKey),
    slashVault,
  ]
}

const paymentTotal = async () => sum(await tokenSnapshot(cast.world.client.connection, await paymentAccounts()))
const stakeTotal = async () => sum(await tokenSnapshot(cast.world.client.connection, await stakeAccounts()))

/** The settlement interval `p` attests at (its loop logs it on the first tick). */
async function intervalOf(p: RunningProvider): Promise<number> {
  const line = await p.proc.waitFor('the settlement interval', nodeEvent('settlement-interval'), 60_000)
  return line.intervalSec
}

/** The honest consumer opens a lease on `spot`; a machine just back may not have its record in the DHT yet. */
async function openOn(spot: RunningProvider): Promise<string> {
  const args = ['job', 'run', SPEC, '--provider', spot.provider.toBase58(), '--deposit', String(DEPOSIT), '--wait']
  for (let attempt = 1; ; attempt++) {
    const run = await synkti(cast, args, 180_000).catch((err: Error) => {
      const unpublished = err.name === 'CommandFailedError' && err.message.includes('RecordNotFoundError')
      if (!unpublished || attempt >= RECORD_TRIES) throw err
      return null
    })
    if (run !== null) {
      expect(run.state, `lease opened on ${spot.spec.name}`).toBe('healthy')
      const lease = String(run.lease)
      leases.set(lease, { consumer: 'honest', moved: 0 })
      progress(`the honest consumer opened ${lease} on ${spot.spec.name}`)
      return lease
    }
    await sleep(2_000)
  }
}

beforeAll(async () => {
  cast = await assemble(progress)
  witness = await startRecordWitness(cast)
  taker = await startHostileTaker(cast, {
    spec: hostileSpec(HOSTILE_PRICE),
    forgeries: FORGERIES,
    decoy: provider('ovh').provider,
  })
  progress(`hostile taker registered at ${HOSTILE_PRICE}/s: operator ${taker.node.operator}, in this process`)
  disputer = await fundedParty(cast, 'disputer', HOSTILE_FUNDS)
  cheapskate = await fundedParty(cast, 'cheapskate', HOSTILE_FUNDS)
  await awaitRecords(cast, cast.providers, 120_000)
  await awaitHostileRecord(cast, taker, 60_000)
  progress("the consumer finds every provider's record, the hostile taker's included")
  paymentBefore = await paymentTotal()
  stakeBefore = await stakeTotal()
  honestConsumerBefore = await cast.world.balance(cast.consumer.token)
  for (const p of cast.providers) honestProvidersBefore.set(p.spec.name, await providerBalance(p))
  takerLamportsBefore = await cast.world.client.connection.getBalance(taker.registered.operator.publicKey)
})

afterAll(async () => {
  await cast?.stop()
  console.log(
    `adversarial run: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${leases.size} leases, ${refusals.all.length} refusals:\n${refusals.table()}`,
  )
})

describe('adversaries among honest parties: every refusal named, nothing lost, both mints conserved', () => {
  it('a consumer that disputes at once: the node stops within an interval, the arbiter releases, the bond pays for it', async () => {
    const ovh = provider('ovh')
    const disputerBefore = await cast.world.balance(disputer.token)
    const run = await synkti(
      cast,
      ['job', 'run', SPEC, '--provider', ovh.provider.toBase58(), '--deposit', String(DISPUTER_DEPOSIT), '--wait'],
      180_000,
      disputer.path,
    )
    expect(run.state).toBe('healthy')
    const lease = String(run.lease)
    leases.set(lease, { consumer: 'disputer', moved: 0 })
    const address = new PublicKey(lease)

    // at once: the job has just said it is healthy
    const opened = await synkti(
      cast,
      ['dispute', 'open', lease, '--reason', 'never mind the service, I dispute'],
      120_000,
      disputer.path,
    )
    const disputedAt = Number(opened.openedAt)
    const bond = BigInt(String(opened.bond))
    expect(bond).toBe(cast.world.params.disputeBond)
    // what the provider holds once billing stopped (an attestation cannot land after the dispute)
    const ovhAtDispute = await providerBalance(ovh)
    progress(`the disputer disputed ${lease} at ${disputedAt}, bond ${bond}`)

    // the node stops serving a disputed lease (billing stopped at the dispute)
    const interval = await intervalOf(ovh)
    const ended = await ovh.proc.waitFor(
      'the job ended for the dispute',
      nodeEvent('job-ended', (e) => e.lease === lease),
      60_000,
    )
    expect(ended.reason).toMatch(/disputed/)
    const stopped = await ovh.proc.waitFor(
      'the disputed job stopped',
      nodeEvent('job', (e) => e.lease === lease && (e.state === 'stopped' || e.state === 'failed')),
      60_000,
    )
    const stoppedAt = secondsOf(stopped)
    progress(`${ovh.spec.name} stopped the disputed job ${(stoppedAt - disputedAt).toFixed(1)} s after the dispute`)
    expect(
      stoppedAt - disputedAt,
      `the job stopped within one attestation interval (${interval} s)`,
    ).toBeLessThanOrEqual(interval)

    // closing around the arbiter is refused by name
    const close = await attempt(cast, ['job', 'stop', lease], disputer.path)
    expect(close.code).not.toBe(0)
    expect(refusals.note('the disputer closes its disputed lease', 'program', errorName(close))).toBe(
      'LeaseDisputedError',
    )

    const onChain = await cast.world.client.fetchLease(address)
    if (onChain.status.kind !== 'disputed') throw new Error(`lease ${lease} is ${onChain.status.kind}, not disputed`)
    expect(onChain.status.openedAt).toBe(disputedAt)
    // the disputer never held the stake mint: the ruling must still go through at the first try
    const ruled = await arbiterRules(cast, address, 'release')
    expect(ruled.outcome).toBe('released')
    expect(ruled.slashed).toBe(0n)
    expect(ruled.bond).toBe(bond)
    // paid up to the dispute (no further than the gap allows), at the lease's price
    const paidUntil = Math.min(disputedAt, onChain.lastActivityAt + cast.world.params.maxAttestationGapSecs)
    expect(paidUntil).toBe(disputedAt)
    expect(ruled.seconds).toBe(BigInt(paidUntil - onChain.settledUntil))
    expect(ruled.payout + ruled.fee).toBe(ruled.seconds * onChain.pricePerSecond)
    // the provider takes the final interval (held in its earnings vault) and the bond
    expect(await providerBalance(ovh)).toBe(ovhAtDispute + ruled.payout + ruled.fee + bond)
    // its served time past what it was paid for: from the dispute until the job stopped
    const unpaid = stoppedAt - paidUntil
    progress(
      `${ovh.spec.name}: paid until ${paidUntil}, served until ${stoppedAt.toFixed(1)}: ${unpaid.toFixed(1)} s unpaid`,
    )
    expect(unpaid, `unpaid served time of ${ovh.spec.name}`).toBeLessThanOrEqual(interval)
    // the disputer paid for the service it had until the dispute, and its bond: nothing was free
    const record = await cast.world.client.fetchLease(address)
    expect(record.status).toMatchObject({ kind: 'ended', outcome: 'released' })
    const frozen = onChain.deposited - onChain.paidToProviders - onChain.feesPaid
    expect(ruled.refund).toBe(frozen - ruled.payout - ruled.fee)
    expect(disputerBefore - (await cast.world.balance(disputer.token))).toBe(
      onChain.paidToProviders + onChain.feesPaid + ruled.payout + ruled.fee + bond,
    )
    expect(await paymentTotal()).toBe(paymentBefore)
  })

  it('a consumer that opens an unfunded lease: refused by name before a lease exists, nothing moves', async () => {
    const hetzner = provider('hetzner')
    const market = await cast.world.client.fetchMarket(cast.world.market)
    const fundsBefore = await cast.world.balance(cheapskate.token)
    const linesBefore = hetzner.proc.lines.length

    // through the CLI: a deposit of one base unit
    const run = await attempt(
      cast,
      ['job', 'run', SPEC, '--provider', hetzner.provider.toBase58(), '--deposit', '1', '--wait'],
      cheapskate.path,
    )
    expect(run.code, run.output).not.toBe(0)
    const viaCli = refusals.note('synkti job run --deposit 1', 'CLI / program', errorName(run))
    expect(viaCli, run.output).toMatch(/DepositBelowInterval|Unfunded|Deposit/)

    // through the client, straight to the program: one base unit under one gap at the price
    const price = (await cast.world.client.fetchProvider(hetzner.provider)).pricePerSecond
    const floor = price * BigInt(cast.world.params.maxAttestationGapSecs)
    for (const deposit of [1n, floor - 1n]) {
      const err = await cast.world.client
        .openLease({
          consumer: cheapskate.keypair,
          provider: hetzner.provider,
          jobSpecHash: new Uint8Array(32),
          deposit,
          maxPricePerSecond: 2_000n,
        })
        .then(
          () => null,
          (e: Error) => e,
        )
      expect(err?.name, `openLease with a deposit of ${deposit}`).toBe('DepositBelowIntervalError')
      refusals.note(`openLease with a deposit of ${deposit} (gap × price = ${floor})`, 'program', err?.name)
    }

    // nothing moved, no lease was created, and the provider was never asked
    expect(await cast.world.balance(cheapskate.token)).toBe(fundsBefore)
    expect((await cast.world.client.fetchMarket(cast.world.market)).leaseCount).toBe(market.leaseCount)
    const asked = hetzner.proc.lines
      .slice(linesBefore)
      .filter((l) => nodeEvent('lease-accepted')(l) || nodeEvent('job-refused')(l))
    expect(asked).toEqual([])
    expect(await paymentTotal()).toBe(paymentBefore)
  })

  it('a hostile taker answers each hand-off with a forged migrate_lease: refused as HandoffMismatch, the lease fails over to an honest provider', async () => {
    const honestOperators = new Set(cast.providers.map((p) => p.operator.publicKey.toBase58()))
    for (const [round, forgery] of FORGERIES.entries()) {
      const victim = provider('aws-spot')
      const lease = await openOn(victim)
      const giverLamports = await cast.world.client.connection.getBalance(victim.operator.publicKey)
      const interval = await intervalOf(victim)
      const from = victim.proc.lines.length

      const [failover, ...more] = await preemptAll(cast, progress, victim)
      if (failover === undefined) throw new Error(`${victim.spec.name} failed over nothing`)
      expect(more).toEqual([])
      expect(failover.lease).toBe(lease)
      expect(failover.outcome, `failover of ${lease}: ${JSON.stringify(failover.reason)}`).toBe('restored')

      // the forger was a candidate the giver reached, and the planner's first choice: it got the offer
      const candidates = victim.proc.lines.slice(from).find(nodeEvent('failover-candidates', (e) => e.lease === lease))
      expect(candidates?.reachable).toContain(taker.node.operator)
      const offer = taker.answered[round]
      expect(offer, `the forger answered the offer of round ${round + 1}`).toMatchObject({
        lease,
        from: victim.operator.publicKey.toBase58(),
        forgery,
      })
      // the giver refused to co-sign, naming the field that differs from its plan
      const end = victim.proc.lines.slice(from).find(nodeEvent('failover-end', (e) => e.lease === lease))
      if (end === undefined) throw new Error(`no failover-end for ${lease}`)
      const state = await failoverState(victim, end.id)
      const decline = state.declined.find((d) => d.operator === taker.node.operator)
      expect(decline?.reason, `the giver's decline of the forger (${forgery})`).toMatch(
        new RegExp(`^HandoffMismatchError: hand-off transaction: ${FIELD[forgery]} `),
      )
      refusals.note(
        `hand-off answered with a forged migrate_lease (${forgery})`,
        `giver ${victim.spec.name}`,
        decline?.reason.split(':')[0],
        decline?.reason,
      )
      // ...and failed over to an honest provider instead, on chain too
      expect(failover.target).not.toBe(taker.node.operator)
      expect(honestOperators.has(String(failover.target)), `target ${failover.target} is honest`).toBe(true)
      const holder = cast.providers.find((p) => p.operator.publicKey.toBase58() === failover.target)
      if (holder === undefined) throw new Error(`unknown target ${failover.target}`)
      const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
      expect(onChain.provider.equals(holder.provider)).toBe(true)
      expect(onChain.status.kind).toBe('active')
      const tracked = leases.get(lease)
      if (tracked !== undefined) tracked.moved++
      expect(onChain.migrationCount).toBe(1)
      expect((await jobOn(cast, holder, lease))?.state, `${holder.spec.name}'s job for ${lease}`).toBe('healthy')
      progress(`round ${round + 1}: ${forgery} refused; ${lease.slice(0, 8)}… restored on ${holder.spec.name}`)

      // the giver was paid up to the hand-off and let go of the job within an interval of it
      const handedOff = victim.proc.lines
        .slice(from)
        .find(nodeEvent('job', (e) => e.lease === lease && e.state === 'handed-off'))
      if (handedOff === undefined) throw new Error(`${victim.spec.name} did not hand off its job`)
      expect(secondsOf(handedOff) - onChain.providerSince).toBeLessThanOrEqual(interval)
      // the forged transaction moved nothing: no SOL left the giver for the forger, no hand-off was confirmed to it
      expect(await cast.world.client.connection.getBalance(victim.operator.publicKey)).toBeGreaterThan(
        giverLamports - DRAIN_LAMPORTS / 10,
      )
      expect(taker.confirmed).toEqual([])
      expect(await paymentTotal()).toBe(paymentBefore)

      // the cloud's new instance comes back for the next round (and serves the honest consumer again)
      if (round < FORGERIES.length - 1) {
        const fresh = await respawnSpot(cast, progress, victim)
        await awaitRecords(cast, [fresh], 120_000)
      }
    }
    expect(taker.answered.map((a) => a.forgery)).toEqual(FORGERIES)
  })

  it("a squatter publishes another node's identity: refused by every validator and by the join, the honest node listed once", async () => {
    const hetzner = provider('hetzner')
    const market = cast.world.market.toBase58()
    const honestOperator = hetzner.operator.publicKey.toBase58()
    const honest = (await cast.p2p.getRecord(market, honestOperator)).record
    const squatter = await startSquatter(cast, witness.addrs)
    progress(`squatter ${squatter.operator} joins the DHT (unregistered)`)

    // a record in the honest node's name, signed by the squatter's key
    const witnessed = witness.refused.length
    const forged = await squatter.impersonate(hetzner, honest)
    expect(refusals.note("sign a record in another operator's name", 'p2p signProviderRecord', forged.sign)).toBe(
      'WrongKeyError',
    )
    expect(refusals.note("store a record in another operator's name", 'p2p putRecord', forged.put)).toBe(
      'ForgedRecordError',
    )
    const refused = await witness.refusalFor(honestOperator, 30_000, witnessed)
    expect(refusals.note('the same bytes, pushed into the DHT', 'a DHT peer', refused.name)).toBe('ForgedRecordError')
    // whoever asks still gets the honest record: its signer, its addresses
    const still = await cast.p2p.getRecord(market, honestOperator)
    expect(still.record.operator).toBe(honestOperator)
    expect(still.record.provider).toBe(hetzner.provider.toBase58())
    expect(still.record.addresses).toEqual(honest.addresses)
    expect(still.record.addresses.some((a) => squatter.node.multiaddrs.includes(a))).toBe(false)

    // a record the squatter signs as itself, claiming the honest provider account
    await squatter.claimAccountOf(hetzner, honest)
    const filters = ['--gpu', honest.capability.gpu.model, '--region', honest.capability.region]
    type Listing = {
      providers: { operator: string; provider: string; addresses: string[] }[]
      rejected: { operator: string; provider: string | null; why: { kind: string; accountOperator?: string } }[]
    }
    // content routing finds the squatter once its announcement has spread
    const listed = await waitUntil(
      "the squatter's claim in `synkti providers`",
      async () => {
        const out = (await synkti(cast, ['providers', ...filters])) as unknown as Listing
        return out.rejected.some((r) => r.operator === squatter.operator) ? out : null
      },
      60_000,
    )
    const claim = listed.rejected.find((r) => r.operator === squatter.operator)
    expect(claim).toMatchObject({
      provider: hetzner.provider.toBase58(),
      why: { kind: 'operator-mismatch', accountOperator: honestOperator },
    })
    refusals.note("a record claiming another node's provider account", 'synkti providers (join)', claim?.why.kind)
    const unfiltered = (await synkti(cast, ['providers'])) as unknown as Listing
    for (const listing of [listed, unfiltered]) {
      const entries = listing.providers.filter((o) => o.provider === hetzner.provider.toBase58())
      expect(entries, 'the honest provider, listed once').toHaveLength(1)
      expect(entries[0]?.operator).toBe(honestOperator)
      expect(entries[0]?.addresses).toEqual(honest.addresses)
      expect(listing.providers.some((o) => o.operator === squatter.operator)).toBe(false)
      expect(
        listing.providers.some((o) => o.addresses.some((a) => squatter.node.multiaddrs.includes(a))),
        "no offer points at the squatter's addresses",
      ).toBe(false)
    }
  })

  it('no honest party lost tokens or more than an interval of unpaid GPU time; the forger got nothing; both mints conserved; every refusal named', async () => {
    // the honest consumer closes its leases; each holder stops within an interval of the close
    for (const [lease, t] of leases) {
      if (t.consumer !== 'honest') continue
      const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
      const holder = cast.providers.find((p) => p.provider.equals(onChain.provider))
      if (holder === undefined) throw new Error(`lease ${lease} is on an unknown provider`)
      expect(onChain.migrationCount, `migrations of ${lease}`).toBe(t.moved)
      const interval = await intervalOf(holder)
      await synkti(cast, ['job', 'stop', lease])
      const closed = await cast.world.client.fetchLease(new PublicKey(lease))
      if (closed.status.kind !== 'ended') throw new Error(`lease ${lease} did not end`)
      expect(closed.status.outcome).toBe('completed')
      const stopped = await holder.proc.waitFor(
        `${holder.spec.name} stops ${lease}`,
        nodeEvent('job', (e) => e.lease === lease && (e.state === 'stopped' || e.state === 'failed')),
        60_000,
      )
      expect(
        secondsOf(stopped) - closed.status.at,
        `${holder.spec.name}'s unpaid time after the close`,
      ).toBeLessThanOrEqual(interval)
      // what the consumer paid is service at a price within its cap, for no longer than the lease lived
      const paid = closed.paidToProviders + closed.feesPaid
      expect(paid).toBeLessThanOrEqual(closed.policy.maxPricePerSecond * BigInt(closed.status.at - closed.acceptedAt))
    }

    // the honest consumer lost exactly what its leases paid for service
    let paidForService = 0n
    for (const [lease, t] of leases) {
      if (t.consumer !== 'honest') continue
      const l = await cast.world.client.fetchLease(new PublicKey(lease))
      paidForService += l.paidToProviders + l.feesPaid
    }
    expect(honestConsumerBefore - (await cast.world.balance(cast.consumer.token))).toBe(paidForService)
    // no honest provider lost anything
    for (const p of cast.providers) {
      expect(await providerBalance(p), `${p.spec.name}'s payout and earnings`).toBeGreaterThanOrEqual(
        honestProvidersBefore.get(p.spec.name) ?? 0n,
      )
    }
    // the forger: no pay, no lease, no SOL from a giver, its stake where it was
    expect(await providerBalance(taker.registered)).toBe(0n)
    const forger = await cast.world.client.fetchProvider(taker.registered.provider)
    expect(forger.openLeases).toBe(0)
    expect(forger.reputation.earned).toBe(0n)
    expect(await cast.world.client.connection.getBalance(taker.registered.operator.publicKey)).toBeLessThanOrEqual(
      takerLamportsBefore,
    )
    expect(forger.staked).toBe(taker.spec.stake ?? 2_000_000n)

    // both mints, to the unit
    expect(await paymentTotal()).toBe(paymentBefore)
    expect(await stakeTotal()).toBe(stakeBefore)

    // every hostile act met a refusal, and every refusal has a name
    expect(refusals.all.length).toBeGreaterThanOrEqual(9)
    expect(refusals.unnamed(), refusals.table()).toEqual([])
  })
})

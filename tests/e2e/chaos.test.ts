import { setTimeout as sleep } from 'node:timers/promises'
import { getAssociatedTokenAddressSync } from '@solana/spl-token'
import { PublicKey } from '@solana/web3.js'
import { escrowAddress, stakeVaultAddress } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  awaitHostileRecord,
  type Forgery,
  type HostileTaker,
  hostileSpec,
  startHostileTaker,
} from './harness/adversary.js'
import { type NodeLine, nodeEvent } from './harness/processes.js'
import type { ProviderSpec, RunningProvider } from './harness/provider.js'
import { sum, tokenSnapshot } from './harness/snapshot.js'
import { awaitRecords, jobOn, preemptAll, respawnSpot } from './harness/spot.js'
import { assemble, type Cast, SPEC, synkti } from './harness/story.js'

/**
 * Chaos: ten provider nodes (four AWS spot machines, each with its own instance metadata, and
 * six on-demand workers), three consumers with four leases on the spot machines, then twenty
 * spot interruptions in a scripted order, one failover round at a time. Each preempted machine
 * comes back as a new spot instance; from time to time a consumer moves a lease back onto an
 * idle spot machine (closes one on an on-demand worker, opens one there), so the interruptions
 * keep having work. At the end: no lease lost or stranded (each is served, healthy, by a live
 * node that says so in its signed status, or was closed by its consumer), each lease's on-chain
 * migration count equals the failovers that moved it, and not one token of either mint was
 * created or lost. Among the providers is a hostile one: staked, the cheapest of all (so the
 * planner offers it every lease first), whose node forges each hand-off it is offered (an extra
 * instruction draining the giver, another provider account, a hand-off time in the past, the
 * wrong fee payer, in turn). Every giver must refuse it by name and fail over to an honest
 * provider; it must end the run with nothing. SYNKTI_E2E_VERBOSE=1 prints the story on stderr.
 */

const SPOT_NODES = 4
const ON_DEMAND_NODES = 6
const CONSUMERS = 3
const FIRST_LEASES = 4
const PREEMPTIONS = 20
/** every this many interruptions a lease comes back to a spot machine (sooner when few are busy) */
const MOVE_BACK_EVERY = 3
const DEPOSIT = 3_000_000n
const EXTRA_CONSUMER_FUNDS = 40_000_000n
/** tries of `synkti job run` while a (re)started machine's record is not in the DHT yet */
const RECORD_TRIES = 30
/** undercuts every honest provider: the planner offers it every lease first */
const HOSTILE_PRICE = 500n
const FORGERY_KINDS: Forgery[] = ['extra-instruction', 'new-provider', 'handoff-time', 'fee-payer']

type Spec = Omit<ProviderSpec, 'bootstrap' | 'imdsUrl'>
// the on-demand workers first: the first node is everyone's bootstrap peer and never preempted
const ON_DEMAND: Spec[] = Array.from({ length: ON_DEMAND_NODES }, (_, i) => ({
  name: `worker-${i}`,
  cloud: i % 2 === 0 ? 'hetzner' : 'ovh',
  region: i % 2 === 0 ? 'eu-central' : 'eu-west',
  zone: i % 2 === 0 ? `fsn${i}` : `gra${i}`,
  spot: false,
  price: 1_000n + 100n * BigInt(i),
  context: 'workstation',
  role: 'worker',
}))
const SPOT: Spec[] = Array.from({ length: SPOT_NODES }, (_, i) => ({
  name: `spot-${i}`,
  cloud: 'aws',
  region: 'eu-central',
  zone: `eu-central-1${String.fromCharCode(97 + i)}`,
  spot: true,
  price: 800n,
  context: 'aws',
}))

interface Consumer {
  name: string
  path: string
  token: PublicKey
}

interface Tracked {
  lease: string
  consumer: Consumer
  /** failovers that moved this lease (they got past migrate_lease) */
  moved: number
  closed: boolean
}

const verbose = process.env.SYNKTI_E2E_VERBOSE === '1'
const t0 = Date.now()
const progress = (line: string) => {
  if (verbose) console.error(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`)
}

let cast: Cast
let hostile: HostileTaker
/** each giver's refusals of the hostile taker, gathered before the preempted machine is replaced */
const hostileDeclines: NodeLine<'failover-declined'>[] = []
const consumers: Consumer[] = []
const tracked = new Map<string, Tracked>()
const preemptedAt = new Map<string, number>()
let paymentBefore: bigint
let stakeBefore: bigint
let failovers = 0

const spots = () => cast.providers.filter((p) => p.spec.spot)

/** Every account the payment mint can be in: consumers, payouts, earnings vaults, the fee vault, every escrow. */
async function paymentAccounts(): Promise<PublicKey[]> {
  const { feeVault } = await cast.world.client.fetchMarket(cast.world.market)
  return [
    ...consumers.map((c) => c.token),
    ...cast.providers.flatMap((p) => [p.payout, p.earningsVault]),
    hostile.registered.payout,
    hostile.registered.earningsVault,
    feeVault,
    ...[...tracked.keys()].map((l) => escrowAddress(new PublicKey(l))),
  ]
}

/** Every account the stake mint can be in: the authorities' own accounts and the stake vaults. */
function stakeAccounts(): PublicKey[] {
  return cast.providers.flatMap((p) => [
    getAssociatedTokenAddressSync(cast.world.stakeMint, p.authority.publicKey),
    stakeVaultAddress(p.provider),
  ])
}

const paymentTotal = async () => sum(await tokenSnapshot(cast.world.client.connection, await paymentAccounts()))
const stakeTotal = async () => sum(await tokenSnapshot(cast.world.client.connection, stakeAccounts()))

/** Open leases by the provider account serving them, as the chain says. */
async function leasesByProvider(): Promise<Map<string, Tracked[]>> {
  const by = new Map<string, Tracked[]>()
  for (const t of tracked.values()) {
    if (t.closed) continue
    const onChain = await cast.world.client.fetchLease(new PublicKey(t.lease))
    const key = onChain.provider.toBase58()
    by.set(key, [...(by.get(key) ?? []), t])
  }
  return by
}

/**
 * A machine that has just (re)started may not have its record in the DHT yet: the CLI then stops
 * before it opens a lease (RecordNotFoundError), and the consumer tries again.
 */
async function openOn(spot: RunningProvider, consumer: Consumer): Promise<Tracked> {
  const args = ['job', 'run', SPEC, '--provider', spot.provider.toBase58(), '--deposit', String(DEPOSIT), '--wait']
  let run: Awaited<ReturnType<typeof synkti>> | null = null
  for (let attempt = 1; run === null; attempt++) {
    run = await synkti(cast, args, 180_000, consumer.path).catch((err: Error) => {
      const unpublished = err.name === 'CommandFailedError' && err.message.includes('RecordNotFoundError')
      if (!unpublished || attempt >= RECORD_TRIES) throw err
      return null
    })
    if (run === null) await sleep(2_000)
  }
  expect(run.state, `lease opened on ${spot.spec.name}`).toBe('healthy')
  const t: Tracked = { lease: String(run.lease), consumer, moved: 0, closed: false }
  tracked.set(t.lease, t)
  progress(`${consumer.name} opened ${t.lease} on ${spot.spec.name}`)
  return t
}

/** The consumer closes the lease; its migration count is checked while the account still exists. */
async function close(t: Tracked): Promise<void> {
  const onChain = await cast.world.client.fetchLease(new PublicKey(t.lease))
  expect(onChain.migrationCount, `migrations of ${t.lease} before its close`).toBe(t.moved)
  await synkti(cast, ['job', 'stop', t.lease], 120_000, t.consumer.path)
  t.closed = true
  progress(`${t.consumer.name} closed ${t.lease}`)
}

/** A consumer moves a lease from an on-demand worker back to the idlest spot machine. */
async function moveOneBack(by: Map<string, Tracked[]>, exclude: string | null): Promise<boolean> {
  const onSpot = (p: RunningProvider) => by.get(p.provider.toBase58())?.length ?? 0
  const spotKeys = new Set(spots().map((p) => p.provider.toBase58()))
  const onDemand = [...by.entries()].find(([provider]) => !spotKeys.has(provider))?.[1][0]
  const idle = spots()
    .filter((p) => p.spec.name !== exclude)
    .sort((a, b) => onSpot(a) - onSpot(b))[0]
  if (onDemand === undefined || idle === undefined) return false
  await close(onDemand)
  await openOn(idle, onDemand.consumer)
  return true
}

beforeAll(async () => {
  cast = await assemble(progress, {
    providers: [...ON_DEMAND, ...SPOT],
    imdsPerProvider: true,
    startConcurrency: 3,
    startTimeoutMs: 180_000,
  })
  consumers.push({ name: 'consumer-0', path: cast.consumer.path, token: cast.consumer.token })
  for (let i = 1; i < CONSUMERS; i++) {
    const party = await cast.world.party(`consumer-${i}`, 5)
    const token = await cast.world.mintTo(party.keypair.publicKey, cast.world.mint, EXTRA_CONSUMER_FUNDS)
    consumers.push({ name: `consumer-${i}`, path: party.path, token })
  }
  await awaitRecords(cast, cast.providers, 180_000)
  progress("the consumers find every provider's record in the DHT")
  hostile = await startHostileTaker(cast, {
    spec: hostileSpec(HOSTILE_PRICE),
    // one per offer, the four kinds in turn
    forgeries: Array.from({ length: 4 * PREEMPTIONS * FIRST_LEASES }, (_, i) => FORGERY_KINDS[i % 4] as Forgery),
    decoy: (cast.providers[1] as RunningProvider).provider,
  })
  await awaitHostileRecord(cast, hostile, 120_000)
  progress(`a hostile taker at ${HOSTILE_PRICE}/s joins: operator ${hostile.node.operator}`)
  paymentBefore = await paymentTotal()
  stakeBefore = await stakeTotal()
  const spotNodes = spots()
  for (let i = 0; i < FIRST_LEASES; i++) {
    await openOn(spotNodes[i % spotNodes.length] as RunningProvider, consumers[i % consumers.length] as Consumer)
  }
})

afterAll(async () => {
  await cast?.stop()
  console.log(`chaos run: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${failovers} failovers, ${tracked.size} leases`)
})

describe(`chaos: ${SPOT_NODES + ON_DEMAND_NODES} nodes, ${PREEMPTIONS} preemptions, no lease lost, funds conserved`, () => {
  it(`${PREEMPTIONS} spot interruptions one at a time: every lease on the preempted machine is restored elsewhere`, async () => {
    // the machine preempted last is still coming back while the next interruption runs
    let respawning: { name: string; done: Promise<RunningProvider> } | null = null
    for (let n = 1; n <= PREEMPTIONS; n++) {
      const exclude: string | null = respawning === null ? null : respawning.name
      let by = await leasesByProvider()
      const busy = (): RunningProvider[] =>
        spots().filter((p) => p.spec.name !== exclude && (by.get(p.provider.toBase58())?.length ?? 0) > 0)
      if ((n % MOVE_BACK_EVERY === 0 || busy().length < 2) && (await moveOneBack(by, exclude))) {
        by = await leasesByProvider()
      }
      const victim: RunningProvider | undefined = busy().sort(
        (a, b) => (preemptedAt.get(a.spec.name) ?? 0) - (preemptedAt.get(b.spec.name) ?? 0),
      )[0]
      if (victim === undefined) throw new Error(`interruption ${n}: no spot machine serves a lease`)
      progress(`interruption ${n}: ${victim.spec.name} (${by.get(victim.provider.toBase58())?.length} leases)`)

      const results = await preemptAll(cast, progress, victim)
      expect(results.length, `leases ${victim.spec.name} served`).toBe(by.get(victim.provider.toBase58())?.length)
      for (const r of results) {
        expect(r.outcome, `failover of ${r.lease} off ${victim.spec.name}: ${JSON.stringify(r.reason)}`).toBe(
          'restored',
        )
        const t = tracked.get(r.lease)
        if (t === undefined) throw new Error(`${victim.spec.name} failed over an unknown lease ${r.lease}`)
        if (r.migrated) t.moved++
        // the old machine let go of the job: its last word on the lease is the hand-off
        const last = victim.proc.lines.filter(nodeEvent('job', (e) => e.lease === r.lease)).at(-1)
        expect(last?.state, `${victim.spec.name}'s job for ${r.lease}`).toBe('handed-off')
        progress(`  ${r.lease.slice(0, 8)}… → ${r.to} (${r.noticeToHealthyMs} ms)`)
      }
      failovers += results.length
      hostileDeclines.push(
        ...victim.proc.lines.filter(nodeEvent('failover-declined', (l) => l.target === hostile.node.operator)),
      )
      preemptedAt.set(victim.spec.name, n)
      expect(await paymentTotal(), `payment mint after interruption ${n}`).toBe(paymentBefore)

      if (respawning !== null) await respawning.done
      respawning = { name: victim.spec.name, done: respawnSpot(cast, progress, victim) }
    }
    await respawning?.done
  }, 1_200_000)

  it('every lease is served, healthy, by a live node that says so, or was closed by its consumer', async () => {
    const open = [...tracked.values()].filter((t) => !t.closed)
    expect(open.length).toBe(FIRST_LEASES)
    for (const t of tracked.values()) {
      if (t.closed) {
        const ended = await cast.world.client.fetchLease(new PublicKey(t.lease))
        expect(ended.status, `closed lease ${t.lease}`).toMatchObject({ kind: 'ended', outcome: 'completed' })
        continue
      }
      const onChain = await cast.world.client.fetchLease(new PublicKey(t.lease))
      expect(onChain.status.kind, t.lease).toBe('active')
      const holder = cast.providers.find((p) => p.provider.equals(onChain.provider))
      if (holder === undefined) throw new Error(`lease ${t.lease} is on an unknown provider`)
      expect(holder.proc.running, `${holder.spec.name}, serving ${t.lease}, is up`).toBe(true)
      const job = await jobOn(cast, holder, t.lease)
      expect(job?.state, `${holder.spec.name}'s job for ${t.lease}`).toBe('healthy')
    }
  })

  it("each lease's migration count on chain equals the failovers that moved it", async () => {
    expect(failovers).toBeGreaterThanOrEqual(PREEMPTIONS)
    for (const t of tracked.values()) {
      if (t.closed) continue // checked before its close
      const onChain = await cast.world.client.fetchLease(new PublicKey(t.lease))
      expect(onChain.migrationCount, t.lease).toBe(t.moved)
    }
    expect([...tracked.values()].reduce((a, t) => a + t.moved, 0)).toBe(failovers)
  })

  it('the hostile taker was offered leases and forged every hand-off: each refused by name, none confirmed, it got nothing', async () => {
    expect(hostile.answered.length, 'offers the hostile taker answered').toBeGreaterThanOrEqual(FORGERY_KINDS.length)
    expect(new Set(hostile.answered.map((a) => a.forgery))).toEqual(new Set(FORGERY_KINDS))
    expect(hostile.confirmed).toEqual([])
    // every forged answer met a named refusal by its giver
    expect(hostileDeclines.length).toBe(hostile.answered.length)
    for (const d of hostileDeclines) expect(d.reason, d.lease).toMatch(/^HandoffMismatchError/)
    for (const t of tracked.values()) {
      const onChain = await cast.world.client.fetchLease(new PublicKey(t.lease)).catch(() => null)
      if (onChain !== null) expect(onChain.provider.equals(hostile.registered.provider), t.lease).toBe(false)
    }
    const gained = sum(
      await tokenSnapshot(cast.world.client.connection, [hostile.registered.payout, hostile.registered.earningsVault]),
    )
    expect(gained).toBe(0n)
    const reputation = (await cast.world.client.fetchProvider(hostile.registered.provider)).reputation
    expect(reputation.failoversTaken).toBe(0n)
  })

  it('funds conserved: payment mint (consumers, payouts, earnings, fee vault, escrows) and stake mint', async () => {
    expect(await paymentTotal()).toBe(paymentBefore)
    expect(await stakeTotal()).toBe(stakeBefore)
    expect(stakeBefore).toBe(cast.providers.reduce((a, p) => a + (p.spec.stake ?? 2_000_000n), 0n))
    const paid = sum(
      await tokenSnapshot(
        cast.world.client.connection,
        cast.providers.map((p) => p.earningsVault),
      ),
    )
    expect(paid, 'the providers earned something (held until the dispute window passes)').toBeGreaterThan(0n)
  })
})

import { PublicKey } from '@solana/web3.js'
import type { JobView } from '@synkti/jobs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killRecordedJobs } from './harness/chain.js'
import type { LoadGenerator } from './harness/load.js'
import { type NodeLine, nodeEvent } from './harness/processes.js'
import { type RunningProvider, runProvider } from './harness/provider.js'
import { assemble, type Balances, balances, type Cast, load, SPEC, synkti, total, waitUntil } from './harness/story.js'

/**
 * The spot node is SIGKILLed in the middle of its own failover (a machine can die before the
 * cloud's two minutes are up) and started again with the same config: it finds the failover it
 * persisted and the job it left running, resumes, and ends where it would have — the lease
 * migrated once, one job on the taker, every token accounted for once.
 *
 * Two kill points: entering `handing-off` (the migration may or may not have landed: the resumed
 * node must ask the chain before offering again) and entering `spawning` (it has landed).
 */

const DEPOSIT = 20_000_000n

describe.each([
  { killAt: 'handing-off', when: 'before the migration lands' },
  { killAt: 'spawning', when: 'after the migration landed' },
])('spot node killed mid-failover, entering $killAt ($when)', ({ killAt }) => {
  let cast: Cast
  let spot: RunningProvider
  let restarted: RunningProvider
  let lease: string
  let before: Balances
  let generator: LoadGenerator | undefined
  let end: NodeLine<'failover-end'>
  let taker: RunningProvider

  beforeAll(async () => {
    cast = await assemble(() => {})
    const first = cast.providers[0]
    if (first === undefined || !first.spec.spot) throw new Error('the first provider is not the spot one')
    spot = first
  })

  afterAll(async () => {
    await generator?.stop()
    await cast?.stop()
  })

  it('is killed while failing over a job under load, and the restarted node resumes the failover', async () => {
    before = await balances(cast)
    const run = await synkti(
      cast,
      ['job', 'run', SPEC, '--provider', spot.provider.toBase58(), '--deposit', String(DEPOSIT), '--wait'],
      180_000,
    )
    lease = String(run.lease)
    generator = load(cast, lease)
    await waitUntil('the load to be served', async () => (generator?.stats.succeeded ?? 0) >= 5 || null, 60_000)

    const from = spot.proc.lines.length
    await cast.imds.interrupt()
    await spot.proc.waitFor(
      `the failover entering ${killAt}`,
      nodeEvent('failover-phase', (e) => e.lease === lease && e.next === killAt),
      120_000,
      from,
    )
    await spot.proc.kill()
    // if the test fails before the restarted node drains it, the old stand-in must not outlive the run
    cast.group.defer(async () => void (await killRecordedJobs(spot.configPath)))

    // the same registered provider, the same config and state; the IMDS still serves the notice
    const peers = cast.providers.slice(1).flatMap((p) => p.addrs.slice(0, 1))
    restarted = await runProvider(cast.group, { ...spot, spec: { ...spot.spec, bootstrap: peers } })
    const resumed = await restarted.proc.waitFor(
      'failover-resumed',
      nodeEvent('failover-resumed', (e) => e.lease === lease),
      60_000,
    )
    expect(resumed.lease).toBe(lease)
    expect(['handing-off', 'spawning', 'health']).toContain(resumed.phase)
    const adopted = await restarted.proc.waitFor('job-adopted', nodeEvent('job-adopted'), 60_000)
    expect(adopted.lease).toBe(lease)

    end = await restarted.proc.waitFor(
      'failover-end',
      nodeEvent('failover-end', (e) => e.lease === lease),
      150_000,
    )
    expect(end.phase).toBe('restored')
    const found = cast.providers.find((p) => p.operator.publicKey.toBase58() === end.target)
    if (found === undefined) throw new Error(`failover ended on an unknown operator ${end.target}`)
    taker = found
    expect(taker.spec.name).not.toBe(spot.spec.name)
    // the old process's notice did not start a second failover of the same lease
    expect(restarted.proc.lines.filter(nodeEvent('failover-end', (e) => e.lease === lease))).toHaveLength(1)
  })

  it('the lease migrated exactly once, to the taker', async () => {
    const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
    expect(onChain.migrationCount).toBe(1)
    expect(onChain.provider.toBase58()).toBe(taker.provider.toBase58())
    const reputation = (await cast.world.client.fetchProvider(spot.provider)).reputation
    expect(reputation.failoversHandedOff).toBe(1n)
    expect((await cast.world.client.fetchProvider(taker.provider)).reputation.failoversTaken).toBe(1n)
  })

  it('the taker started exactly one job for the lease, and serves it', async () => {
    const jobs = (await (await fetch(`${taker.apiUrl}/jobs`)).json()) as JobView[]
    const mine = jobs.filter((j) => j.lease === lease)
    expect(mine).toHaveLength(1)
    expect(mine[0]?.state).toBe('healthy')
    const starts = taker.proc.lines.filter(nodeEvent('job', (e) => e.lease === lease && e.state === 'starting'))
    expect(starts).toHaveLength(1)
    // the load followed the job to its new endpoint
    await waitUntil(
      'the load on the taker',
      async () => ((generator?.stats.endpoints.length ?? 0) >= 2 ? true : null),
      60_000,
    )
    expect(generator?.stats.endpoints.at(-1)).toBe(mine[0]?.endpoint)
  })

  it('the old job was drained, not left running, and no settlement was paid twice', async () => {
    await restarted.proc.waitFor(
      'old-drained',
      nodeEvent('failover-old-drained', (e) => e.lease === lease),
      60_000,
    )
    const spotJobs = (await (await fetch(`${restarted.apiUrl}/jobs`)).json()) as JobView[]
    expect(spotJobs.filter((j) => j.lease === lease && (j.state === 'healthy' || j.state === 'starting'))).toEqual([])

    await generator?.stop()
    generator = undefined
    const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
    const during = await balances(cast, new PublicKey(lease))
    const paidOut = Object.entries(during.providers).reduce(
      (sum, [name, now]) => sum + now - (before.providers[name] ?? 0n),
      0n,
    )
    // what the lease records as paid is exactly what the providers' accounts received: all held
    // (payout and fee) in the earnings vaults until the dispute window passes
    expect(paidOut).toBe(onChain.paidToProviders + onChain.feesPaid)
    expect(during.feeVault).toBe(before.feeVault)
    expect(during.escrow).toBe(onChain.deposited - onChain.paidToProviders - onChain.feesPaid)

    const stop = await synkti(cast, ['job', 'stop', lease])
    expect(stop.outcome).toBe('completed')
    const after = await balances(cast)
    expect(total(after)).toBe(total(before))
    // each provider's reputation counts its pay, not the market's fee held beside it
    for (const p of cast.providers) {
      const account = await cast.world.client.fetchProvider(p.provider)
      const held = account.held.reduce((a, t) => a + t.payout, 0n)
      expect(account.reputation.earned).toBe(held + account.unclaimed)
    }
  })
})

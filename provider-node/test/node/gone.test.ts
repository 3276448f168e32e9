// A job that is really gone is reported on chain, so its consumer is not billed on for it (issue
// 19, item 3), and a drain is a stop of its own: on localnet, with the node's JobsService.
// - gone while the node was down: the next start marks it failed and closes its lease at once as
//   the operator (billed to now, not one attestation gap past the last activity, as a close
//   after the gap would); a lease already past its gap is left to the consumer's reclaim, which
//   bills nothing more;
// - gone while the node runs (its process exits on its own): its lease is closed at once;
// - `synkti-provider drain`'s request: every job stopped, its lease closed, its record removed.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PublicKey } from '@solana/web3.js'
import { chainNow } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import type { NodeConfig } from '../../src/node/config.js'
import type { NodeEvent } from '../../src/node/events.js'
import { type JobRecord, JobRecords } from '../../src/node/job-records.js'
import { JobManager } from '../../src/node/jobs.js'
import { drainRequestPath, JobsService } from '../../src/node/jobs-service.js'
import { signalJob } from '../../src/runtime/job.js'
import { isAlive } from '../helpers.js'
import { type ConsumerFx, client, type MarketFx, type ProviderFx, parties, passTime } from '../support/chain.js'
import { standinSpec } from '../support/nodes.js'

const DEPOSIT = 5_000_000n

interface Cast {
  m: MarketFx
  p: ProviderFx
  c: ConsumerFx
  stateDir: string
  records: JobRecords
  jobs: JobManager
  service: JobsService
  events: NodeEvent[]
}

async function cast(gapSecs?: number): Promise<Cast> {
  const m = await parties.market((params) => {
    if (gapSecs !== undefined) params.maxAttestationGapSecs = gapSecs
  })
  const [p, c] = await Promise.all([parties.provider(m, 1_000n, 1_000_000n), parties.consumer(m, 100_000_000n)])
  const stateDir = await mkdtemp(join(tmpdir(), 'synkti-gone-'))
  const records = new JobRecords(join(stateDir, 'jobs'))
  const jobs = new JobManager({ records })
  const events: NodeEvent[] = []
  const config = { stateDir, provider: p.key.toBase58(), drainDeadlineMs: 5_000 } as NodeConfig
  const service = new JobsService({ config, jobs, log: (e) => events.push(e), client, operator: p.operator })
  return { m, p, c, stateDir, records, jobs, service, events }
}

/** A pid that ran and is gone, as a job's is after it exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await once(child, 'exit')
  return child.pid!
}

async function recordDeadJob(k: Cast, lease: PublicKey, since: number): Promise<void> {
  await k.records.save({
    lease: lease.toBase58(),
    consumer: k.c.kp.publicKey.toBase58(),
    spec: standinSpec(),
    pid: await deadPid(),
    endpoint: 'http://127.0.0.1:9',
    since,
    startedAt: since,
    healthyAt: since,
  })
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) {
    const value = probe()
    if (value !== undefined) return value
  }
  throw new Error(`no ${what} within ${timeoutMs} ms`)
}

const goneOf = (events: NodeEvent[], lease: PublicKey) =>
  events.find(
    (e): e is Extract<NodeEvent, { event: 'job-gone' }> => e.event === 'job-gone' && e.lease === lease.toBase58(),
  )

describe('a job that is gone is reported on chain', { timeout: 60_000 }, () => {
  it('gone while the node was down: the next start closes its lease at once, billed to now', async () => {
    const k = await cast()
    const { lease, acceptedAt } = await parties.activeLease(k.c, k.p, DEPOSIT)
    await recordDeadJob(k, lease, acceptedAt)
    await k.service.start()
    const closedAt = await chainNow(client.connection)
    expect(goneOf(k.events, lease)).toMatchObject({ outcome: 'closed', lastHealthyAt: acceptedAt })
    const onChain = await client.fetchLease(lease)
    expect(onChain.status.kind).toBe('ended')
    // billed up to the close, not up to one attestation gap (600 s) past the last activity
    expect(onChain.settledUntil).toBeLessThanOrEqual(closedAt)
    expect(onChain.settledUntil - acceptedAt).toBeLessThan(60)
    expect(k.jobs.view(lease.toBase58())).toMatchObject({
      state: 'failed',
      reason: 'the job exited while the node was down',
      healthyAt: acceptedAt,
    })
    expect(await k.records.load()).toEqual([])
  })

  it('gone past the attestation gap: left to the consumer, whose reclaim bills nothing more', async () => {
    const k = await cast(10)
    const { lease, acceptedAt } = await parties.activeLease(k.c, k.p, 100_000n)
    await recordDeadJob(k, lease, acceptedAt)
    await passTime(12)
    await k.service.start()
    expect(goneOf(k.events, lease)).toMatchObject({
      outcome: 'stalled',
      detail: expect.stringContaining('synkti lease reclaim'),
    })
    expect((await client.fetchLease(lease)).status.kind).toBe('active')
    const before = await parties.balance(k.c.token)
    await client.reclaimStalledLease({ consumer: k.c.kp, lease })
    expect((await parties.balance(k.c.token)) - before).toBe(100_000n)
  })

  it('gone while the node runs (it exited on its own): its lease is closed at once', async () => {
    const k = await cast()
    const { lease, acceptedAt } = await parties.activeLease(k.c, k.p, DEPOSIT)
    await k.service.start()
    k.jobs.start(lease.toBase58(), k.c.kp.publicKey.toBase58(), standinSpec(), acceptedAt)
    await k.jobs.ready(lease.toBase58())
    const [{ pid }] = (await k.records.load()) as [JobRecord]
    signalJob(pid, 'SIGKILL')
    const gone = await until(() => goneOf(k.events, lease), 'job-gone')
    expect(gone).toMatchObject({ outcome: 'closed', detail: expect.stringContaining('the job exited on its own') })
    expect((await client.fetchLease(lease)).status.kind).toBe('ended')
    // the record goes once the lease is dealt with
    for (let i = 0; i < 50 && (await k.records.load()).length > 0; i++) await sleep(100)
    expect(await readdir(k.records.dir)).toEqual([])
    await k.jobs[Symbol.asyncDispose]()
  })

  it('a drain asked for (synkti-provider drain): every job stopped, its lease closed, its record removed', async () => {
    const k = await cast()
    const { lease, acceptedAt } = await parties.activeLease(k.c, k.p, DEPOSIT)
    await k.service.start()
    k.jobs.start(lease.toBase58(), k.c.kp.publicKey.toBase58(), standinSpec(), acceptedAt)
    await k.jobs.ready(lease.toBase58())
    const [{ pid }] = (await k.records.load()) as [JobRecord]
    await writeFile(drainRequestPath(k.stateDir), '{}\n')
    k.service.leaveJobs = true // a drain asked for wins over a restart's stop
    await k.service.stop()
    expect(isAlive(pid)).toBe(false)
    expect(k.events).toContainEqual({ event: 'drained', leases: [lease.toBase58()] })
    expect(k.events).toContainEqual(expect.objectContaining({ event: 'lease-closed', lease: lease.toBase58() }))
    expect((await client.fetchLease(lease)).status.kind).toBe('ended')
    expect(await readdir(join(k.stateDir, 'jobs'))).toEqual([])
    expect(await readdir(k.stateDir)).not.toContain('drain-requested')
  })
})

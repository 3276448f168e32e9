import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { JobRecords } from '../../src/node/job-records.js'
import { containerArgs, JobManager } from '../../src/node/jobs.js'
import { isAlive } from '../helpers.js'
import { standinSpec } from '../support/nodes.js'

const LEASE = 'So11111111111111111111111111111111111111112'
const managers: JobManager[] = []

async function manager(records: JobRecords): Promise<JobManager> {
  const m = new JobManager({ records })
  managers.push(m)
  return m
}

async function until<T>(probe: () => T | undefined | null, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = probe()
    if (v !== undefined && v !== null) return v
    await sleep(50)
  }
  throw new Error(`no ${what}`)
}

afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((m) => m[Symbol.asyncDispose]()))
})

describe('jobs by lease', () => {
  it('starts a job once per lease, records it, and a restarted node adopts it instead of starting another', async () => {
    const records = new JobRecords(await mkdtemp(join(tmpdir(), 'synkti-jobs-')))
    const first = await manager(records)
    first.start(LEASE, 'consumer', standinSpec(), 100)
    first.start(LEASE, 'consumer', standinSpec(), 100)
    const endpoint = await first.ready(LEASE)
    expect(first.views()).toHaveLength(1)
    expect(first.served()).toEqual([{ lease: LEASE, since: 100 }])
    const [record] = await records.load()
    expect(record).toMatchObject({ lease: LEASE, endpoint, since: 100 })
    const pid = record?.pid ?? 0
    expect(isAlive(pid)).toBe(true)

    // the node "restarts": a new manager on the same records finds the process and serves it
    const second = await manager(records)
    expect(second.adopt(record!)).toBe(true)
    expect(second.view(LEASE)).toMatchObject({ state: 'healthy', endpoint })
    expect((await fetch(`${endpoint}/health`)).status).toBe(200)

    // handing it off drains the adopted process by pid and forgets its record
    await second.handOff(LEASE, 'taker', 5_000)
    expect(isAlive(pid)).toBe(false)
    expect(second.view(LEASE)).toMatchObject({ state: 'handed-off', handedOffTo: 'taker', endpoint: null })
    expect(await records.load()).toEqual([])
  })

  it('does not adopt a process that is gone, and forgets its record', async () => {
    const records = new JobRecords(await mkdtemp(join(tmpdir(), 'synkti-jobs-')))
    const m = await manager(records)
    m.start(LEASE, 'consumer', standinSpec(), 5)
    await m.ready(LEASE)
    const [record] = await records.load()
    process.kill(record!.pid, 'SIGKILL')
    await until(() => (isAlive(record!.pid) ? null : true), 'exit')
    const fresh = await manager(records)
    expect(fresh.adopt(record!)).toBe(false)
    expect(fresh.has(LEASE)).toBe(false)
  })

  it('a job stopped by two checks keeps the first reason and drains once; an unknown lease is JobNotFoundError', async () => {
    const m = await manager(new JobRecords(await mkdtemp(join(tmpdir(), 'synkti-jobs-'))))
    m.start(LEASE, 'consumer', standinSpec(), 7)
    await m.ready(LEASE)
    const empty = new JobManager()
    managers.push(empty)
    await Promise.all([m.stop(LEASE, 'runway-exhausted', 5_000), m.stop(LEASE, 'disputed', 5_000)])
    expect(m.view(LEASE)).toMatchObject({ state: 'stopped', reason: 'runway-exhausted', endpoint: null })
    expect(m.served()).toEqual([])
    await m.stop(LEASE, 'the lease was closed', 5_000)
    expect(m.view(LEASE).reason).toBe('runway-exhausted')
    await expect(empty.stop(LEASE, 'disputed', 1_000)).rejects.toMatchObject({ name: 'JobNotFoundError' })
  })

  it('reports a job that never becomes healthy as failed with its runtime error, without throwing at start', async () => {
    const m = await manager(new JobRecords(await mkdtemp(join(tmpdir(), 'synkti-jobs-'))))
    m.start(LEASE, 'consumer', standinSpec({ run: { kind: 'command', command: '/nonexistent/engine', args: [] } }), 0)
    await expect(m.ready(LEASE)).rejects.toMatchObject({ name: 'JobNotReadyError' })
    expect(m.view(LEASE)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^JobSpawnError/) })
    expect(m.served()).toEqual([])
  })

  it('runs an image job through the container engine: named by lease, loopback port, removed on exit', () => {
    expect(
      containerArgs({
        lease: LEASE,
        image: 'vllm/vllm-openai:v0.9',
        args: ['--port', '8000'],
        env: { HF_HOME: '/hf' },
        port: 8000,
      }),
    ).toEqual([
      'run',
      '--rm',
      '--init',
      '--name',
      `synkti-${LEASE.slice(0, 16)}`,
      '-p',
      '127.0.0.1:8000:8000',
      '-e',
      'HF_HOME=/hf',
      'vllm/vllm-openai:v0.9',
      '--port',
      '8000',
    ])
  })
})

import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { JobExitedEarlyError, JobHealthTimeoutError, JobSpawnError } from '../src/errors.js'
import { freePort } from '../src/runtime/free-port.js'
import { type Job, type JobSpec, type LogLine, startJob } from '../src/runtime/job.js'
import type { CompletionResponse } from '../src/standin/server.js'
import { complete, isAlive, schedulerMetrics, standinArgs } from './helpers.js'

async function standinSpec(extra: Record<string, string | number> = {}, readyTimeoutMs = 10_000): Promise<JobSpec> {
  const port = await freePort()
  return {
    command: process.execPath,
    args: standinArgs(port, extra),
    healthUrl: `http://127.0.0.1:${port}/health`,
    readyTimeoutMs,
  }
}

const baseUrl = (job: Job) => new URL(job.spec.healthUrl).origin

async function rejection<E extends Error>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise
  } catch (error) {
    return error as E
  }
  throw new Error('expected a rejection')
}

/** A child that serves /health but ignores SIGTERM, like a wedged inference server. */
const STUBBORN = `
process.on('SIGTERM', () => console.log('ignoring SIGTERM'))
require('node:http').createServer((_q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')
`

describe('startJob with the stand-in as the child', () => {
  it('becomes healthy after the load delay, streams logs and drains on dispose', async () => {
    let pid = 0
    {
      await using job = await startJob(await standinSpec({ 'load-ms': 400 }))
      pid = job.pid
      expect(job.state).toEqual({ phase: 'healthy' })
      expect((await fetch(job.spec.healthUrl)).status).toBe(200)
      const seen: LogLine[] = []
      for await (const line of job.logs()) {
        seen.push(line)
        if (line.text.includes('"loaded"')) break
      }
      expect(seen.map((line) => [line.stream, JSON.parse(line.text).event])).toEqual([
        ['stdout', 'listening'],
        ['stdout', 'loaded'],
      ])
    }
    expect(isAlive(pid)).toBe(false)
  })

  it('drain lets an in-flight completion finish, then the child exits 0', async () => {
    const job = await startJob(await standinSpec({ 'token-ms': 60 }))
    const url = baseUrl(job)
    const inFlight = complete(url, 'finish me', 10)
    await expect.poll(() => schedulerMetrics(url)).toEqual({ running: 1, waiting: 0 })
    const draining = job.drain({ deadlineMs: 10_000 })
    expect(job.state).toEqual({ phase: 'draining' })
    const response = await inFlight
    expect(response.status).toBe(200)
    expect(((await response.json()) as CompletionResponse).usage.completion_tokens).toBe(10)
    expect(await draining).toEqual({ forced: false, state: { phase: 'stopped', exitCode: 0, signal: null } })
    expect(await job.drain()).toEqual({ forced: false, state: job.state })
    expect(isAlive(job.pid)).toBe(false)
  })

  it('drops the oldest log lines when no one reads them, and counts them', async () => {
    const job = await startJob({ ...(await standinSpec()), logCapacity: 1 })
    await job.drain({ deadlineMs: 10_000 })
    const lines: string[] = []
    for await (const line of job.logs()) lines.push(JSON.parse(line.text).event)
    // listening, loaded, draining, stopped were written; only the newest survives.
    expect(lines).toEqual(['stopped'])
    expect(job.droppedLogLines).toBe(3)
  })

  it('reports a child that dies after it was healthy as failed', async () => {
    const job = await startJob(await standinSpec())
    process.kill(job.pid, 'SIGKILL')
    await job.exited
    expect(job.state).toEqual({ phase: 'failed', reason: 'exited unexpectedly (code null, signal SIGKILL)' })
  })
})

describe('startJob failures', () => {
  it('kills a child that ignores SIGTERM at the drain deadline', async () => {
    const port = await freePort()
    const job = await startJob({
      command: process.execPath,
      args: ['-e', STUBBORN],
      env: { PORT: String(port) },
      healthUrl: `http://127.0.0.1:${port}/`,
      readyTimeoutMs: 10_000,
    })
    const outcome = await job.drain({ deadlineMs: 300 })
    expect(outcome).toEqual({ forced: true, state: { phase: 'stopped', exitCode: null, signal: 'SIGKILL' } })
    expect(isAlive(job.pid)).toBe(false)
    const lines: string[] = []
    for await (const line of job.logs()) lines.push(line.text)
    expect(lines).toContain('ignoring SIGTERM')
  })

  it('names a command that does not exist', async () => {
    const error = await rejection<JobSpawnError>(
      startJob({ command: 'synkti-no-such-command', healthUrl: 'http://127.0.0.1:9/health', readyTimeoutMs: 1_000 }),
    )
    expect(error.name).toBe('JobSpawnError')
    expect(error.code).toBe('ENOENT')
  })

  it('reports an exit before healthy with the last log lines', async () => {
    const error = await rejection<JobExitedEarlyError>(
      startJob({
        command: process.execPath,
        args: ['-e', 'console.log("loading weights"); console.error("CUDA out of memory"); process.exit(3)'],
        healthUrl: 'http://127.0.0.1:9/health',
        readyTimeoutMs: 10_000,
      }),
    )
    expect(error.name).toBe('JobExitedEarlyError')
    expect(error.exitCode).toBe(3)
    expect([...error.lastLines].sort()).toEqual(['CUDA out of memory', 'loading weights'])
    expect(error.message).toContain('CUDA out of memory')
  })

  it('kills a child that is not healthy in time and leaves no process', async () => {
    const error = await rejection<JobHealthTimeoutError>(startJob(await standinSpec({ 'load-ms': 60_000 }, 1_500)))
    expect(error.name).toBe('JobHealthTimeoutError')
    expect(error.pid).toBeGreaterThan(0)
    expect(isAlive(error.pid)).toBe(false)
  })

  it.each([
    ['command', { command: '' }],
    ['healthUrl', { healthUrl: 'not a url' }],
    ['healthUrl', { healthUrl: 'ftp://127.0.0.1/health' }],
    ['readyTimeoutMs', { readyTimeoutMs: 0 }],
    ['logCapacity', { logCapacity: 0 }],
  ])('rejects a bad %s with InvalidJobSpecError before spawning', async (field, patch) => {
    const spec = { command: process.execPath, healthUrl: 'http://127.0.0.1:9/', readyTimeoutMs: 1_000, ...patch }
    const error = await rejection<Error & { field: string }>(startJob(spec))
    expect([error.name, error.field]).toEqual(['InvalidJobSpecError', field])
  })
})

describe('startJob with output files (how the node runs jobs, so they outlive it)', () => {
  it('reads the lines from the files as they grow; an exit before healthy is reported with its last lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'synkti-output-'))
    const output = { stdout: join(dir, 'job.stdout'), stderr: join(dir, 'job.stderr') }
    {
      await using job = await startJob({ ...(await standinSpec({ 'load-ms': 300 })), output })
      const seen: LogLine[] = []
      for await (const line of job.logs()) {
        seen.push(line)
        if (line.text.includes('"loaded"')) break
      }
      expect(seen.map((line) => [line.stream, JSON.parse(line.text).event])).toEqual([
        ['stdout', 'listening'],
        ['stdout', 'loaded'],
      ])
      expect(await readFile(output.stdout, 'utf8')).toContain('"loaded"')
    }
    const error = await rejection<JobExitedEarlyError>(
      startJob({
        command: process.execPath,
        args: ['-e', 'console.log("loading weights"); console.error("CUDA out of memory"); process.exit(3)'],
        healthUrl: 'http://127.0.0.1:9/health',
        readyTimeoutMs: 10_000,
        output,
      }),
    )
    expect(error.exitCode).toBe(3)
    // the files of the earlier run were started afresh
    expect([...error.lastLines].sort()).toEqual(['CUDA out of memory', 'loading weights'])
  })
})

// A provider node restarted does not take its tenants' jobs with it (issue 19, item 3): a Ctrl-C
// at its terminal (SIGINT to its whole process group) or a plain kill (SIGTERM) stops the node,
// the job runs on in a process group of its own with its output in files, its record is kept
// (with the time it really became healthy), and the next start adopts it.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { JobView } from '@synkti/jobs'
import { afterEach, describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../src/node/events.js'
import type { JobRecord } from '../../src/node/job-records.js'
import { signalJob } from '../../src/runtime/job.js'
import { isAlive } from '../helpers.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/jobs-node.ts', import.meta.url))
const LEASE = 'So11111111111111111111111111111111111111112'
const left: number[] = []

interface JobsNode {
  child: ChildProcess
  lines: AsyncIterator<string>
  exited: Promise<number | string>
}

/** The fixture in a process group of its own, as a terminal runs its foreground job. */
function jobsNode(stateDir: string, ...args: string[]): JobsNode {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, stateDir, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit').then(([code, signal]) => (code as number | null) ?? String(signal))
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](), exited }
}

interface Said {
  views: JobView[]
  events: NodeEvent[]
}

async function line(node: JobsNode): Promise<Said> {
  const { value, done } = await node.lines.next()
  if (done) throw new Error(`the node exited (${await node.exited}) before it said anything`)
  return JSON.parse(value)
}

async function record(stateDir: string): Promise<JobRecord> {
  return JSON.parse(await readFile(join(stateDir, 'jobs', `${LEASE}.json`), 'utf8'))
}

afterEach(() => {
  for (const pid of left.splice(0)) signalJob(pid, 'SIGKILL')
})

describe('a node restarted leaves its jobs running and adopts them', () => {
  it('Ctrl-C and a plain kill stop the node only; the next start serves the same process, healthyAt kept', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'synkti-restart-'))
    const first = jobsNode(stateDir, 'start', LEASE)
    const [started] = (await line(first)).views as [JobView]
    expect(started).toMatchObject({ lease: LEASE, state: 'healthy' })
    expect(started.healthyAt).toBeGreaterThan(started.startedAt)
    const { pid, endpoint } = await record(stateDir)
    left.push(pid)

    // Ctrl-C at the node's terminal: SIGINT to its whole foreground process group
    process.kill(-first.child.pid!, 'SIGINT')
    expect(await first.exited).toBe(0)
    expect(isAlive(pid)).toBe(true)
    expect((await fetch(`${endpoint}/health`)).status).toBe(200)
    expect(await record(stateDir)).toMatchObject({ pid, healthyAt: started.healthyAt, startedAt: started.startedAt })

    const second = jobsNode(stateDir, 'adopt')
    const adopted = await line(second)
    expect(adopted.events).toEqual([{ event: 'job-adopted', lease: LEASE, pid }])
    expect(adopted.views).toEqual([
      expect.objectContaining({
        lease: LEASE,
        state: 'healthy',
        endpoint,
        startedAt: started.startedAt,
        healthyAt: started.healthyAt,
      }),
    ])

    // a plain kill of the node's process: the job runs on, its record stays for the next start
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    expect((await line(second)).events).toContainEqual({ event: 'job-left', lease: LEASE, pid })
    expect(isAlive(pid)).toBe(true)
    expect((await fetch(`${endpoint}/health`)).status).toBe(200)
    expect(await record(stateDir)).toMatchObject({ pid, endpoint })
  })
})

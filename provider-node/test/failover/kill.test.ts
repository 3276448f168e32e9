import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FailoverStore, isSettled, type PhaseOf } from '../../src/failover/index.js'
import { A, SELF } from './fixtures/data.js'
import { KILL_POINTS, type KillPoint, leaseHolder, readLog } from './fixtures/file-world.js'

const RUNNER = fileURLToPath(new URL('./fixtures/kill-runner.ts', import.meta.url))
const CWD = fileURLToPath(new URL('../..', import.meta.url))
/** Each case starts two Node processes; on a loaded 2-core machine that takes seconds. */
const TIMEOUT_MS = 90_000

/** Runs the runner; with `killAt`, SIGKILLs it the moment it reports that point. Returns its stdout lines. */
async function runNode(stateDir: string, world: string, killAt?: KillPoint) {
  const env = { ...process.env, ...(killAt ? { KILL_AT: killAt } : {}) }
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, stateDir, world], {
    cwd: CWD,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const lines: string[] = []
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line)
    if (killAt !== undefined && line === JSON.stringify({ at: killAt })) child.kill('SIGKILL')
  }
  return { lines, ...(await exited) }
}

/** The phase persisted when the process was killed at each point. */
const PERSISTED_AT: Record<KillPoint, string> = {
  'handing-off': 'handing-off',
  'offer-sent': 'handing-off',
  'migration-landed': 'handing-off',
  confirmed: 'handing-off',
  spawning: 'spawning',
  health: 'health',
}

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'failover-kill-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('a node killed mid-failover resumes where it was', () => {
  it(
    'runs to restored in one go when nobody kills it (the baseline the kills are compared with)',
    async () => {
      const [stateDir, world] = [join(root, 'base-state'), join(root, 'base-world')]
      await mkdir(world, { recursive: true })
      const run = await runNode(stateDir, world)
      expect(run.code).toBe(0)
      expect(readLog(world, 'offers')).toHaveLength(1)
      expect(readLog(world, 'migrations')).toHaveLength(1)
      expect(readLog(world, 'spawns')).toHaveLength(1)
    },
    TIMEOUT_MS,
  )

  for (const point of KILL_POINTS) {
    it.concurrent(
      `SIGKILL at ${point}, restart: restored with exactly one migration and one spawn`,
      async () => {
        const [stateDir, world] = [join(root, `${point}-state`), join(root, `${point}-world`)]
        await mkdir(world, { recursive: true })

        const killed = await runNode(stateDir, world, point)
        expect(killed.signal).toBe('SIGKILL')
        expect(killed.lines).toEqual([JSON.stringify({ at: point })])
        const { failovers } = await new FailoverStore(stateDir).loadUnfinished()
        expect(failovers.map((f) => f.phase.kind)).toEqual([PERSISTED_AT[point]])
        const landedBeforeKill = leaseHolder(world) === A.target.operator

        const resumed = await runNode(stateDir, world)
        expect(resumed.code).toBe(0)
        expect(resumed.lines).toEqual([JSON.stringify({ end: 'restored', id: failovers[0]?.id })])

        const { failovers: all } = await new FailoverStore(stateDir).loadAll()
        const end = all[0]
        expect(all).toHaveLength(1)
        expect(end?.phase.kind).toBe('restored')
        expect(end && isSettled(end)).toBe(true)
        const restored = end?.phase as PhaseOf<'restored'>
        expect(restored.data.target).toEqual(A.target)
        // a migration that landed before the kill is recorded as observed, never submitted again
        expect(restored.data.migration.via).toBe(
          landedBeforeKill && PERSISTED_AT[point] === 'handing-off' ? 'observed' : 'handoff',
        )

        expect(leaseHolder(world)).toBe(A.target.operator)
        expect(leaseHolder(world)).not.toBe(SELF)
        expect(readLog(world, 'migrations')).toEqual([{ target: A.target.operator, signature: 'sig-1' }])
        expect(readLog(world, 'spawns')).toEqual([{ taker: A.target.operator, jobId: expect.any(String) }])
        expect(readLog(world, 'drains')).toHaveLength(1)
        // an offer is repeated only when the first one never reached the chain
        const offers = readLog(world, 'offers').map((o) => o.target)
        const expected = point === 'handing-off' ? 1 : landedBeforeKill ? 1 : 2
        expect(offers).toEqual(Array(expected).fill(A.target.operator))
      },
      TIMEOUT_MS,
    )
  }
})

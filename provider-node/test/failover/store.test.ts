import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FailoverStore, markOldDrained } from '../../src/failover/index.js'
import { fresh, phaseAt, TO } from './support.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'failover-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const errorOf = async (p: Promise<unknown>): Promise<Error & Record<string, unknown>> => {
  try {
    await p
  } catch (err) {
    return err as Error & Record<string, unknown>
  }
  throw new Error('expected a rejection')
}

describe('FailoverStore', () => {
  it('round-trips every phase exactly, one file per failover, nothing else left behind', async () => {
    const store = new FailoverStore(join(dir, 'nested', 'failovers'))
    for (const events of Object.values(TO)) {
      const s = phaseAt(events)
      await store.save(s)
      expect(await store.load(s.id)).toEqual(s)
    }
    expect(await readdir(store.dir)).toEqual([`${fresh().id}.json`])
  })

  it('loads all, and as unfinished only those not yet ended and drained', async () => {
    const store = new FailoverStore(dir)
    const live = { ...phaseAt(TO.spawning), id: 'live' }
    const ended = { ...phaseAt([...TO.health, { type: 'healthy', endpoint: 'http://e' }]), id: 'ended' }
    const settled = markOldDrained({ ...ended, id: 'settled' }, 99)
    for (const s of [live, ended, settled]) await store.save(s)
    expect((await store.loadAll()).failovers.map((f) => f.id)).toEqual(['ended', 'live', 'settled'])
    const unfinished = await store.loadUnfinished()
    expect(unfinished.failovers.map((f) => f.id)).toEqual(['ended', 'live'])
    expect(unfinished.corrupt).toEqual([])
  })

  it('a missing directory holds nothing; a missing failover is FailoverNotFoundError', async () => {
    const store = new FailoverStore(join(dir, 'absent'))
    expect(await store.loadUnfinished()).toEqual({ failovers: [], corrupt: [] })
    expect(await errorOf(store.load('nope'))).toMatchObject({ name: 'FailoverNotFoundError', id: 'nope' })
  })

  it('refuses an id that cannot be a file name, writing nothing', async () => {
    const store = new FailoverStore(dir)
    const err = await errorOf(store.save({ ...fresh(), id: '../escape' }))
    expect(err).toMatchObject({ name: 'InvalidFailoverIdError', id: '../escape' })
    expect(await readdir(dir)).toEqual([])
  })

  it('ignores an unfinished write (*.tmp) and keeps the last complete phase', async () => {
    const store = new FailoverStore(dir)
    const s = phaseAt(TO.handingOff)
    await store.save(s)
    await writeFile(join(dir, `${s.id}.json.123.0.tmp`), '{"v":1,"id":"half')
    const { failovers, corrupt } = await store.loadAll()
    expect(failovers).toEqual([s])
    expect(corrupt).toEqual([])
  })

  it('moves a corrupt file aside as *.corrupt, reports it by name, and loads the rest', async () => {
    const store = new FailoverStore(dir)
    const good = { ...phaseAt(TO.spawning), id: 'good' }
    await store.save(good)
    const cases = {
      'not-json': '{"v":1,',
      'bad-phase': JSON.stringify({ ...good, id: 'bad-phase', phase: { ...good.phase, data: { target: null } } }),
      'other-id': JSON.stringify({ ...good, id: 'someone-else' }),
    }
    for (const [id, text] of Object.entries(cases)) await writeFile(join(dir, `${id}.json`), text)
    const { failovers, corrupt } = await store.loadAll()
    expect(failovers).toEqual([good])
    expect(corrupt.map((c) => c.name)).toEqual(Array(3).fill('CorruptFailoverFileError'))
    const byFile = Object.fromEntries(corrupt.map((c) => [c.file, c]))
    for (const [id, text] of Object.entries(cases)) {
      const err = byFile[join(dir, `${id}.json`)]
      expect(err?.movedTo).toBe(join(dir, `${id}.json.corrupt`))
      expect(await readFile(err?.movedTo as string, 'utf8')).toBe(text) // kept byte for byte
    }
    expect(byFile[join(dir, 'not-json.json')]?.detail).toMatch(/^not JSON/)
    expect(byFile[join(dir, 'bad-phase.json')]?.detail).toMatch(/^phase\.data/)
    expect(byFile[join(dir, 'other-id.json')]?.detail).toBe('holds failover someone-else, not other-id')
    // a second corrupt file of the same name never overwrites the first one kept
    await writeFile(join(dir, 'not-json.json'), 'again')
    const second = await errorOf(store.load('not-json'))
    expect(second).toMatchObject({ name: 'CorruptFailoverFileError', movedTo: join(dir, 'not-json.json.1.corrupt') })
    expect(await readFile(join(dir, 'not-json.json.corrupt'), 'utf8')).toBe(cases['not-json'])
  })

  it('a writer killed mid-save leaves the last complete document, never a torn one', async () => {
    // The child saves ever larger documents as fast as it can; we SIGKILL it after it reported
    // some saves, at whatever point of a write it is then.
    const writer = fileURLToPath(new URL('./fixtures/store-writer.ts', import.meta.url))
    for (const saves of [5, 40]) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
      let last = -1
      for await (const line of createInterface({ input: child.stdout })) {
        last = Number(line)
        if (last >= saves) break
      }
      child.kill('SIGKILL')
      await new Promise((resolve) => child.once('exit', resolve))
      const { failovers, corrupt } = await new FailoverStore(dir).loadAll()
      expect(corrupt).toEqual([])
      expect(failovers).toHaveLength(1)
      // every save reported complete is there (the one in flight may or may not be)
      expect(failovers[0]?.declined.length).toBeGreaterThanOrEqual(last)
    }
  })
})

import { spawn } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { describeError } from '../../src/classify.js'
import {
  acquireLock,
  decodeState,
  encodeState,
  freshState,
  type GatewayState,
  liveLock,
  lockPath,
  readState,
  resolveStateDir,
  statePath,
  writeState,
} from '../../src/gateway/state.js'
import { tempDir } from '../support/cli.js'

const lease = Keypair.generate().publicKey.toBase58()
const provider = Keypair.generate().publicKey.toBase58()
const earlier = Keypair.generate().publicKey.toBase58()

function sample(): GatewayState {
  return {
    ...freshState(lease, 1_700_000_000, 1_000_000n),
    served: { provider, runs: [{ start: 10, end: 20 }] },
    tallies: [{ since: 0, requests: 3n, digest: new Uint8Array(32).fill(7) }],
    lastReceipt: {
      provider,
      from: 10,
      until: 18,
      requests: 2n,
      digest: new Uint8Array(32).fill(1),
      accepted: true,
      reason: null,
    },
    movedFrom: earlier,
  }
}

describe('gateway state: the file a restart reads back', () => {
  it('encodes and decodes every field (amounts as decimal strings, digests in base64)', () => {
    const s = sample()
    const text = encodeState(s)
    expect(JSON.parse(text)).toMatchObject({ version: 1, lease, spent: '1000000', served: { runs: [[10, 20]] } })
    expect(decodeState(text, '/x.json', lease)).toEqual(s)
  })

  it('a file that cannot be read back is GatewayStateCorruptError, naming the field and how to fix it', () => {
    const bad = (text: string) => {
      try {
        decodeState(text, '/s/l.json', lease)
      } catch (err) {
        return describeError(err)
      }
      throw new Error('decoded')
    }
    expect(bad('{"version":1,').message).toMatch(/^gateway state \/s\/l\.json cannot be read back: not JSON/)
    const doc = JSON.parse(encodeState(sample()))
    expect(bad(JSON.stringify({ ...doc, spent: -1 })).message).toMatch(/spent: expected a whole number/)
    expect(bad(JSON.stringify({ ...doc, version: 2 })).message).toMatch(/version 2/)
    expect(bad(JSON.stringify({ ...doc, lease: provider })).message).toMatch(/it is the state of lease/)
    expect(bad(JSON.stringify({ ...doc, served: { provider, runs: [[5, 1]] } })).message).toMatch(/served\.runs/)
    const report = bad('[]')
    expect(report).toMatchObject({ name: 'GatewayStateCorruptError', exitCode: 3, expected: true })
    expect(report.remedy).toMatch(/left in place.*mv \/s\/l\.json \/s\/l\.json\.bad.*--max-spend/)
  })

  it('is written atomically (no temporary file left) and read back; a corrupt one stays in place', async () => {
    const dir = await tempDir()
    expect(await readState(dir, lease)).toBeNull()
    await writeState(dir, sample())
    expect(await readState(dir, lease)).toEqual(sample())
    expect(await readdir(join(dir, 'gateway'))).toEqual([`${lease}.json`])
    await writeFile(statePath(dir, lease), '{"version":1,"lease":')
    await expect(readState(dir, lease)).rejects.toMatchObject({ name: 'GatewayStateCorruptError' })
    expect(await readFile(statePath(dir, lease), 'utf8')).toBe('{"version":1,"lease":')
  })

  it('lives in --state-dir, SYNKTI_STATE_DIR, $XDG_STATE_HOME/synkti or ~/.local/state/synkti', () => {
    expect(resolveStateDir('rel', {}, '/home/u', '/cwd')).toBe('/cwd/rel')
    expect(resolveStateDir(undefined, { SYNKTI_STATE_DIR: '~/s' }, '/home/u')).toBe('/home/u/s')
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/x/synkti')
    expect(resolveStateDir(undefined, { XDG_STATE_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/state/synkti')
    expect(resolveStateDir(undefined, {}, '/home/u')).toBe('/home/u/.local/state/synkti')
  })
})

describe('gateway lock: one process per lease', () => {
  it('a live holder refuses a second one (GatewayRunningError naming its process and URL)', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'gateway'))
    // a live process that is not this one holds the lock
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    try {
      await writeFile(
        lockPath(dir, lease),
        JSON.stringify({ pid: child.pid, url: 'http://127.0.0.1:8080', token: 't', serving: lease }),
      )
      expect(await liveLock(dir, lease)).toMatchObject({ pid: child.pid, url: 'http://127.0.0.1:8080' })
      const err = await acquireLock(dir, lease, { url: null, token: null, serving: lease }).catch((e) => e)
      expect(describeError(err)).toMatchObject({ name: 'GatewayRunningError', exitCode: 2 })
      expect(err.message).toBe(
        `a gateway (process ${child.pid}) already serves lease ${lease} at http://127.0.0.1:8080`,
      )
    } finally {
      child.kill()
    }
  })

  it("takes over a dead process's lock, updates it and removes it on release", async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'gateway'))
    await writeFile(
      lockPath(dir, lease),
      JSON.stringify({ pid: 2 ** 22 + 12345, url: null, token: null, serving: lease }),
    )
    expect(await liveLock(dir, lease)).toBeNull()
    const lock = await acquireLock(dir, lease, { url: null, token: null, serving: lease })
    await lock.update({ url: 'http://127.0.0.1:1', token: 'secret', serving: lease })
    expect(await liveLock(dir, lease)).toEqual({
      pid: process.pid,
      url: 'http://127.0.0.1:1',
      token: 'secret',
      serving: lease,
    })
    // this process again (a gateway following a move back): its own lock is no obstacle
    await (await acquireLock(dir, lease, { url: null, token: null, serving: lease })).update({
      url: 'http://127.0.0.1:1',
      token: 'secret',
      serving: lease,
    })
    await lock.release()
    expect(await readdir(join(dir, 'gateway'))).toEqual([])
  })
})

describe('gateway state directory', () => {
  it('one that cannot be written is StateDirUnwritableError, saying how to choose another', async () => {
    const dir = await tempDir()
    // a file where the directory should be: no user, root included, can write below it
    await writeFile(join(dir, 'gateway'), 'not a directory')
    const err = await acquireLock(dir, lease, { url: null, token: null, serving: lease }).catch((e) => e)
    expect(describeError(err)).toMatchObject({ name: 'StateDirUnwritableError', exitCode: 3 })
    expect(err.remedy).toMatch(/--state-dir <dir>.*SYNKTI_STATE_DIR/)
    await expect(writeState(dir, sample())).rejects.toMatchObject({ name: 'StateDirUnwritableError' })
  })
})

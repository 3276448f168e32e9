// `synkti-provider` usage errors exit 2 (the README's exit code table, as `synkti`), named, one
// JSON object with --json, no help text dumped in its place; and a second node on a state
// directory a live node runs on is refused by name (the pid that holds it), before anything starts.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type InProcessCli, inProcessCli } from './in-process.js'

let h: InProcessCli
const holders: ChildProcess[] = []

beforeAll(async () => {
  h = await inProcessCli()
}, 60_000)

afterAll(() => {
  for (const child of holders) if (child.exitCode === null) child.kill('SIGKILL')
})

/** A process that stands for a running node: it lives until killed. */
async function liveProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  holders.push(child)
  await once(child, 'spawn')
  return child
}

async function nodeConfigFile(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  const keypair = await h.writeKeypair(join(dir, 'operator.json'), Keypair.generate())
  const path = join(dir, 'provider.json')
  await writeFile(
    path,
    JSON.stringify({
      keypair,
      // nothing answers here: a node that got as far as starting would fail its preflight
      rpcUrl: 'http://127.0.0.1:9',
      market: Keypair.generate().publicKey.toBase58(),
      provider: Keypair.generate().publicKey.toBase58(),
      stateDir: join(dir, 'state'),
      capability: {
        gpu: { model: 'L4', count: 1, vramGb: 24 },
        cloud: 'local',
        region: 'eu-central',
        zone: 'eu-central',
        spot: false,
        runtimes: ['process'],
        cachedModels: [],
        diskGb: 100,
      },
      pricePerSecond: '1000',
      context: 'workstation',
      role: 'worker',
      api: { host: '127.0.0.1', port: 0 },
    }),
  )
  return path
}

describe('synkti-provider usage errors', () => {
  it('exit 2 with UsageError naming the command to ask for help (unknown option, missing option, bad choice)', async () => {
    const unknown = await h.cli(['--bogus'])
    expect(unknown.code).toBe(2)
    expect(unknown.json).toEqual({
      error: { name: 'UsageError', message: "unknown option '--bogus'", remedy: 'see synkti-provider --help' },
    })
    // one JSON object and nothing else on stdout: no help text in place of the answer
    expect(unknown.stdout.trim().split('\n')).toHaveLength(1)

    const missing = await h.cli(['register', '--market', Keypair.generate().publicKey.toBase58()])
    expect(missing.code).toBe(2)
    expect(missing.json.error).toMatchObject({
      name: 'UsageError',
      message: expect.stringContaining("required option '--stake <amount>' not specified"),
      remedy: 'see synkti-provider register --help',
    })

    const choice = await h.cli(['run', '--context', 'mars'])
    expect(choice.code).toBe(2)
    expect(choice.json.error).toMatchObject({ name: 'UsageError', remedy: 'see synkti-provider run --help' })

    // a command that groups others, given none: named, not "(outputHelp)" after a help text
    const group = await h.cli(['fleet'])
    expect(group.code).toBe(2)
    expect(group.json.error).toEqual({
      name: 'UsageError',
      message: expect.stringMatching(/^synkti-provider fleet needs a command: up, ls, down\b/),
      remedy: 'see synkti-provider fleet --help',
    })
    expect(group.stdout.trim().split('\n')).toHaveLength(1)

    const nested = await h.cli(['fleet', 'up', '--nope'])
    expect(nested.code).toBe(2)
    expect(nested.json.error).toMatchObject({ name: 'UsageError', remedy: 'see synkti-provider fleet up --help' })
  })

  it('--help is no failure: exit 0 with the help on stdout', async () => {
    const { main } = await import('../../src/cli/main.js')
    let stdout = ''
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk)
      return true
    })
    process.exitCode = undefined
    try {
      await main(['node', 'synkti-provider', 'register', '--help'])
    } finally {
      out.mockRestore()
    }
    expect(Number(process.exitCode ?? 0)).toBe(0)
    process.exitCode = undefined
    expect(stdout).toContain('Usage: synkti-provider register')
  })
})

describe('every bad flag value at once', () => {
  it('register names each value that does not parse (exit 3), before any key, chain or file is touched', async () => {
    const config = join(h.home, 'bad-values', 'provider.json')
    const ran = await h.cli([
      'register',
      '-c',
      config,
      '-k',
      join(h.home, 'bad-values', 'none.json'),
      '--market',
      'not-a-key',
      '--stake',
      'ten',
      '--price',
      '0',
      '--gpu',
      'L4',
      '--vram',
      '-24',
      '--region',
      'eu central',
    ])
    expect(ran.code).toBe(3)
    expect(ran.json.error).toMatchObject({
      name: 'InvalidCliValueError',
      message: '5 flag values do not parse: --region, --vram, --market, --price, --stake',
      remedy: 'fix each value listed',
      problems: [
        { name: 'InvalidCliValueError', message: expect.stringMatching(/^--region "eu central": expected /) },
        { name: 'InvalidCliValueError', message: '--vram "-24": expected a positive number' },
        { name: 'InvalidCliValueError', message: '--market "not-a-key": expected a base58 public key' },
        { name: 'InvalidCliValueError', message: expect.stringMatching(/^--price "0": expected /) },
        { name: 'InvalidCliValueError', message: expect.stringMatching(/^--stake "ten": expected /) },
      ],
    })
    await expect(readFile(config, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })
    // one bad value is that error itself, as before
    const one = await h.cli([
      'register',
      '-c',
      config,
      '--market',
      Keypair.generate().publicKey.toBase58(),
      '--stake',
      'ten',
      '--price',
      '1',
      '--gpu',
      'L4',
      '--vram',
      '24',
      '--region',
      'eu-central',
    ])
    expect(one.code).toBe(3)
    expect(one.json.error).toMatchObject({
      name: 'InvalidCliValueError',
      message: '--stake "ten": expected a whole number of base units',
    })
    expect(one.json.error).not.toHaveProperty('problems')
  })
})

describe('one node per state directory', () => {
  it('a second node on a state directory in use is StateDirInUseError naming the pid (exit 2), before anything starts', async () => {
    const dir = join(h.home, 'node-a')
    const config = await nodeConfigFile(dir)
    const stateDir = join(dir, 'state')
    await mkdir(stateDir, { recursive: true })
    // the lock a running node holds
    const first = await liveProcess()
    const since = new Date().toISOString()
    await writeFile(join(stateDir, 'node.lock'), `${JSON.stringify({ pid: first.pid, since })}\n`)

    const second = await h.cli(['run', '-c', config])
    expect(second.code).toBe(2)
    expect(second.json.error).toMatchObject({
      name: 'StateDirInUseError',
      message: `state directory ${stateDir} is in use by process ${first.pid} (a node running since ${since})`,
      remedy: expect.stringContaining(`stop process ${first.pid} first`),
    })
    // the holder's lock is left alone
    expect(JSON.parse(await readFile(join(stateDir, 'node.lock'), 'utf8'))).toMatchObject({ pid: first.pid })
  })

  it('a lock left by a dead process is taken over, and released at the end', async () => {
    const { acquireNodeLock } = await import('../../src/cli/lock.js')
    const stateDir = join(h.home, 'node-b', 'state')
    await mkdir(stateDir, { recursive: true })
    const gone = await liveProcess()
    gone.kill('SIGKILL')
    await once(gone, 'exit')
    await writeFile(join(stateDir, 'node.lock'), `${JSON.stringify({ pid: gone.pid, since: '' })}\n`)

    const lock = await acquireNodeLock(stateDir)
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid })
    // while it is held, another taker is refused
    await expect(acquireNodeLock(stateDir)).rejects.toMatchObject({ name: 'StateDirInUseError', pid: process.pid })
    await lock.release()
    const again = await acquireNodeLock(stateDir)
    await again.release()
  })
})

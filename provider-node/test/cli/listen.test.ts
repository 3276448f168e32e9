// The node's P2P address as the READMEs have a provider set it up (issue 19, item 5): register
// chooses a port once and writes it into the config, a second register keeps it, `--listen`
// replaces it; `run` listens there, and `run --listen` overrides it for one run. On localnet, in
// process, under a home of its own.
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { chain, type MarketFx, parties } from '../support/chain.js'
import { type InProcessCli, inProcessCli } from './in-process.js'

let h: InProcessCli
let m: MarketFx

beforeAll(async () => {
  h = await inProcessCli()
  m = await parties.market()
}, 120_000)

const readConfig = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as { listen?: string[] }

/** Whether something accepts TCP connections on host:port right now. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** A port nobody listens on: what the OS hands out for port 0, given back at once. */
async function unusedPort(): Promise<number> {
  const { freePort } = await import('../../src/runtime/free-port.js')
  return freePort()
}

describe('the P2P address: chosen once, kept, overridden', { timeout: 120_000 }, () => {
  it('register writes a port of its own choosing, keeps it when run again, and --listen replaces it', async () => {
    const operator = await parties.funded(1)
    await Promise.all([
      parties.tokenAccount(m, operator.publicKey, m.mint, 0n),
      parties.tokenAccount(m, operator.publicKey, m.stakeMint, 5_000_000n),
    ])
    const dir = join(h.home, 'listen')
    const keypair = await h.writeKeypair(join(dir, 'operator.json'), operator)
    const config = join(dir, 'provider.json')
    const flags = ['--market', m.key.toBase58(), '--stake', '1500000', '--price', '900']
    const caps = ['--gpu', 'L4', '--vram', '24', '--region', 'eu-central', '--allow-command', 'node']
    const first = await h.cli(['register', '-u', chain.rpcUrl, '-k', keypair, '-c', config, ...flags, ...caps])
    expect(first.code, JSON.stringify(first.json)).toBe(0)
    const listen = (await readConfig(config)).listen
    expect(listen).toHaveLength(1)
    // a real port, not `tcp/0` (a new one at every start, which consumers' bootstrap lists lose)
    const port = Number(/^\/ip4\/127\.0\.0\.1\/tcp\/([0-9]+)$/.exec(listen?.[0] ?? '')?.[1])
    expect(port).toBeGreaterThan(0)
    expect(first.json).toMatchObject({ listen, peerId: expect.stringMatching(/^12D3KooW/) })

    const again = await h.cli(['register', '-c', config, ...flags, ...caps])
    expect(again.code, JSON.stringify(again.json)).toBe(0)
    expect((await readConfig(config)).listen).toEqual(listen)

    // `run --listen` listens where it is told, for that run; the config keeps its own
    const override = `/ip4/127.0.0.1/tcp/${await unusedPort()}`
    const before = new Set(process.listeners('SIGTERM'))
    const running = h.cli([
      'run',
      '-c',
      config,
      '--context',
      'workstation',
      '--role',
      'worker',
      '--api-port',
      '0',
      '--listen',
      override,
    ])
    const overridePort = Number(override.split('/').at(-1))
    let ended: Awaited<typeof running> | undefined
    void running.then((r) => {
      ended = r
    })
    const deadline = Date.now() + 60_000
    const added = () => process.listeners('SIGTERM').filter((l) => !before.has(l))
    // started: it listens, and waits for the signal that stops it
    while (!(await accepts('127.0.0.1', overridePort)) || added().length === 0) {
      // a run that ended before it listened failed: say how
      if (ended !== undefined) throw new Error(`run ended (${ended.code}): ${ended.stdout}`)
      if (Date.now() > deadline) throw new Error(`nothing listens on ${override}`)
      await sleep(100)
    }
    expect(await accepts('127.0.0.1', port)).toBe(false)
    // SIGTERM, as the operator's terminal sends it: only the handler `run` installed
    for (const listener of added()) (listener as (signal: NodeJS.Signals) => void)('SIGTERM')
    const result = await running
    // `run` leaves a second-signal handler (exit at once): not this test process's
    for (const listener of added()) process.removeListener('SIGTERM', listener as () => void)
    expect(result.code, result.stdout).toBe(0)
    const started = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event?: string; addrs?: string[] })
      .find((e) => e.event === 'started')
    expect(started?.addrs?.[0]).toMatch(new RegExp(`^${override}/p2p/12D3KooW`))
    expect((await readConfig(config)).listen).toEqual(listen)

    const replaced = `/ip4/127.0.0.1/tcp/${await unusedPort()}`
    expect((await h.cli(['register', '-c', config, ...flags, ...caps, '--listen', replaced])).code).toBe(0)
    expect((await readConfig(config)).listen).toEqual([replaced])
  })
})

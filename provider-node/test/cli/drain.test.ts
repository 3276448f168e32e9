// `synkti-provider drain` is the stop meant to drain, apart from a restart (issue 19, item 3): it
// asks the node running on the config's state directory (named by its lock) to stop every job
// and close its lease, then waits for it to exit; with no node running it says so. On localnet,
// `synkti-provider run` as a process of its own.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MarketFx, type ProviderFx, parties } from '../support/chain.js'
import { nodeConfig } from '../support/nodes.js'

const BIN = fileURLToPath(new URL('../../bin/synkti-provider.js', import.meta.url))
let m: MarketFx
let p: ProviderFx
const started: ChildProcess[] = []

async function cli(args: string[]): Promise<{ code: number | null; json: Record<string, unknown> }> {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, json: JSON.parse(out.trim().split('\n').at(-1) ?? '{}') }
}

beforeAll(async () => {
  m = await parties.market()
  p = await parties.provider(m, 1_000n, 1_000_000n)
}, 120_000)

afterAll(() => {
  for (const child of started) child.kill('SIGKILL')
})

describe('synkti-provider drain', { timeout: 120_000 }, () => {
  it('drains the running node and waits for it to stop; with none running: NodeNotRunningError', async () => {
    const config = await nodeConfig(m, p)
    const configPath = join(config.stateDir, '..', 'provider.json')
    await writeFile(configPath, JSON.stringify(config))

    const none = await cli(['drain', '-c', configPath])
    expect(none.code).not.toBe(0)
    expect(none.json).toMatchObject({ error: { name: 'NodeNotRunningError' } })

    const node = spawn(process.execPath, [BIN, 'run', '-c', configPath, '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    started.push(node)
    const events: Record<string, unknown>[] = []
    const lines = createInterface({ input: node.stdout! })
    const up = new Promise<void>((resolve) =>
      lines.on('line', (text) => {
        const event = JSON.parse(text) as Record<string, unknown>
        events.push(event)
        if (event.event === 'started') resolve()
      }),
    )
    await up
    const exited = once(node, 'exit')
    const drained = await cli(['drain', '-c', configPath])
    expect(drained.code, JSON.stringify(drained.json)).toBe(0)
    expect(drained.json).toMatchObject({ pid: node.pid, stopped: true })
    expect((await exited)[0]).toBe(0)
    expect(events).toContainEqual(expect.objectContaining({ event: 'drained', leases: [] }))
  })
})

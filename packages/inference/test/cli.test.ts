import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engineArgs } from '../src/cli/options.js'
import { SMOLLM2 } from '../src/constants.js'
import { type EngineProcess, spawnEngine, waitHealthy } from './support/engine-process.js'
import { smollm2Path } from './support/tools.js'

/** `synkti-engine` as a process, the way the provider node will spawn it. */

const MODEL = 'HuggingFaceTB/SmolLM2-135M-Instruct'
const args = (model = smollm2Path()) =>
  engineArgs({ model, sha256: SMOLLM2.sha256, port: 0, servedModelName: MODEL, threads: 1 })

async function ask(url: string, path: string, body: Record<string, unknown>) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, temperature: 0, ...body }),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as {
    choices: Array<{ text?: string; message?: { content: string } }>
    usage: { completion_tokens: number }
  }
}

const FIXED = { prompt: 'The most important thing about a good breakfast is', max_tokens: 32 }
const FIXED_CHAT = { messages: [{ role: 'user', content: 'Write one sentence about the sea.' }], max_tokens: 32 }

describe('synkti-engine', () => {
  let first: EngineProcess
  let url: string
  let beforeHealthy: number[]
  let events: string[]

  beforeAll(async () => {
    first = spawnEngine(args())
    url = (await first.event('listening')).url as string
    beforeHealthy = await waitHealthy(url)
    events = first.events.map((e) => e.event as string)
  })
  afterAll(() => first?.stop())

  it('checks the hash, listens, answers 503 until loaded, then 200', async () => {
    expect(events.slice(0, 3)).toEqual(['verified', 'listening', 'loaded'])
    expect(first.events[0]).toMatchObject({ sha256: SMOLLM2.sha256, bytes: SMOLLM2.sizeBytes })
    expect(beforeHealthy.length).toBeGreaterThan(0)
    expect(new Set(beforeHealthy)).toEqual(new Set([503]))
    expect(first.events[2]).toMatchObject({ backend: 'cpu', threads: 1, contextSize: 2048, loadMs: expect.any(Number) })
  })

  it('a second process on the same file gives the same answers at temperature 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'synkti-engine-'))
    try {
      // Another path to the same bytes: what a replacement node fetched for itself.
      const copy = join(dir, 'weights.gguf')
      await copyFile(smollm2Path(), copy)
      const second = spawnEngine(args(copy))
      try {
        const secondUrl = (await second.event('listening')).url as string
        await waitHealthy(secondUrl)
        const [a, b] = [await ask(url, '/v1/completions', FIXED), await ask(secondUrl, '/v1/completions', FIXED)]
        expect(a.choices[0]!.text!.length).toBeGreaterThan(20)
        expect(b.choices[0]!.text).toBe(a.choices[0]!.text)
        const [c, d] = [
          await ask(url, '/v1/chat/completions', FIXED_CHAT),
          await ask(secondUrl, '/v1/chat/completions', FIXED_CHAT),
        ]
        expect(c.choices[0]!.message!.content.length).toBeGreaterThan(10)
        expect(d.choices[0]!.message!.content).toBe(c.choices[0]!.message!.content)
      } finally {
        await second.stop()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('drains on SIGTERM: the request in flight is answered, then it exits 0', async () => {
    const third = spawnEngine(args())
    const thirdUrl = (await third.event('listening')).url as string
    await waitHealthy(thirdUrl)
    const inFlight = ask(thirdUrl, '/v1/completions', { prompt: 'Once upon a time', max_tokens: 48 })
    await new Promise((resolve) => setTimeout(resolve, 150))
    third.child.kill('SIGTERM')
    const answer = await inFlight
    expect(answer.usage.completion_tokens).toBe(48)
    expect(await third.exited).toEqual({ code: 0, signal: null })
    expect(third.events.map((e) => e.event)).toEqual(['verified', 'listening', 'loaded', 'draining', 'stopped'])
  })
})

describe('synkti-engine refuses to start', () => {
  it('error: a wrong sha256 is WeightsHashMismatchError, exit 3, nothing listens', async () => {
    const wrong = 'ab'.repeat(32)
    const engine = spawnEngine(['--model', smollm2Path(), '--sha256', wrong, '--port', '0'])
    expect(await engine.exited).toEqual({ code: 3, signal: null })
    expect(engine.stderr()).toMatch(/^WeightsHashMismatchError: weights from file .* hash to b179c952\w+, not abab/)
    expect(engine.events).toEqual([])
  })

  it('error: a missing file is ModelFileNotFoundError, exit 3', async () => {
    const engine = spawnEngine(['--model', '/nonexistent/model.gguf', '--sha256', SMOLLM2.sha256, '--port', '0'])
    expect(await engine.exited).toEqual({ code: 3, signal: null })
    expect(engine.stderr()).toMatch(/^ModelFileNotFoundError: /)
    expect(engine.events).toEqual([])
  })

  it('error: missing or bad flags are exit 2 with the usage', async () => {
    const noHash = spawnEngine(['--model', smollm2Path()])
    expect((await noHash.exited).code).toBe(2)
    expect(noHash.stderr()).toMatch(/^InvalidEngineArgumentsError: --sha256 is required\nusage: synkti-engine/)
    const badHash = spawnEngine(['--model', smollm2Path(), '--sha256', 'xyz'])
    expect((await badHash.exited).code).toBe(2)
    expect(badHash.stderr()).toMatch(/^InvalidEngineOptionError: invalid engine option --sha256/)
  })
})

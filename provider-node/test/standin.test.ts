import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { Admission } from '../src/standin/admission.js'
import { parseStandinOptions, type StandinOptions } from '../src/standin/options.js'
import { buildStandinApp, type CompletionResponse, startStandin } from '../src/standin/server.js'
import { complete, isAlive, MODEL, schedulerMetrics, spawnStandin, standinArgs } from './helpers.js'

const options: StandinOptions = { host: '127.0.0.1', port: 0, model: MODEL, loadMs: 0, tokenMs: 0, maxRunning: 2 }

function post(app: ReturnType<typeof buildStandinApp>['app'], payload: unknown) {
  return app.inject({ method: 'POST', url: '/v1/completions', payload: payload as Record<string, unknown> })
}

describe('stand-in options', () => {
  it('takes flags over env over defaults', () => {
    const parsed = parseStandinOptions(['--port', '8100', '--token-ms', '5'], {
      STANDIN_PORT: '9000',
      STANDIN_MODEL: 'env/model',
      STANDIN_MAX_RUNNING: '3',
    })
    expect(parsed).toEqual({
      host: '127.0.0.1',
      port: 8100,
      model: 'env/model',
      loadMs: 0,
      tokenMs: 5,
      maxRunning: 3,
    })
  })

  it.each([
    [['--port', '70000']],
    [['--port', 'x']],
    [['--max-running', '0']],
    [['--load-ms=-1']],
    [['--token-ms', '1.5']],
    [['--model', ' ']],
  ])('rejects %j with InvalidStandinOptionError', (argv) => {
    expect(() => parseStandinOptions(argv)).toThrow(expect.objectContaining({ name: 'InvalidStandinOptionError' }))
  })
})

it.each([[['--bogus', '1']], [['--port']], [['positional']]])(
  'rejects %j with InvalidStandinArgumentsError',
  (argv) => {
    expect(() => parseStandinOptions(argv)).toThrow(expect.objectContaining({ name: 'InvalidStandinArgumentsError' }))
  },
)

describe('Admission', () => {
  it('counts running and waiting and hands slots over first come, first served', async () => {
    const admission = new Admission(1)
    const order: number[] = []
    await admission.acquire()
    const second = admission.acquire().then(() => order.push(2))
    const third = admission.acquire().then(() => order.push(3))
    expect([admission.running, admission.waiting]).toEqual([1, 2])
    admission.release()
    await second
    expect([admission.running, admission.waiting]).toEqual([1, 1])
    admission.release()
    await third
    admission.release()
    expect([admission.running, admission.waiting, order]).toEqual([0, 0, [2, 3]])
  })
})

describe('stand-in HTTP API', () => {
  it('answers /health 503 while loading and 200 once loaded', async () => {
    let clock = 1_000_000
    const { app } = buildStandinApp({ ...options, loadMs: 5_000 }, () => clock)
    const loading = await app.inject({ url: '/health' })
    expect(loading.statusCode).toBe(503)
    expect((await post(app, { model: MODEL, prompt: 'hi' })).statusCode).toBe(503)
    clock += 5_000
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200)
    await app.close()
  })

  it('lists the served model', async () => {
    const { app } = buildStandinApp(options)
    const body = (await app.inject({ url: '/v1/models' })).json()
    expect(body).toMatchObject({ object: 'list', data: [{ id: MODEL, object: 'model' }] })
    expect(body.data).toHaveLength(1)
    await app.close()
  })

  it('returns OpenAI-shaped, deterministic completions', async () => {
    const { app } = buildStandinApp(options)
    const first = await post(app, { model: MODEL, prompt: 'the quick brown fox', max_tokens: 6 })
    expect(first.statusCode).toBe(200)
    const body = first.json<CompletionResponse>()
    expect(body).toMatchObject({
      object: 'text_completion',
      model: MODEL,
      choices: [{ index: 0, finish_reason: 'length' }],
      usage: { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 },
    })
    expect(body.id).toMatch(/^cmpl-/)
    expect(Number.isInteger(body.created)).toBe(true)
    expect(body.choices[0]!.text.trim().split(' ')).toHaveLength(6)

    const again = (await post(app, { model: MODEL, prompt: 'the quick brown fox', max_tokens: 6 })).json()
    const other = (await post(app, { model: MODEL, prompt: 'another prompt', max_tokens: 6 })).json()
    expect(again.choices[0].text).toBe(body.choices[0]!.text)
    expect(other.choices[0].text).not.toBe(body.choices[0]!.text)
    expect(again.id).not.toBe(body.id)
    const defaulted = (await post(app, { model: MODEL, prompt: 'x' })).json()
    expect(defaulted.usage.completion_tokens).toBe(16)
    await app.close()
  })

  it.each([
    ['a missing prompt', { model: MODEL }, 400, 'prompt'],
    ['a missing model', { prompt: 'hi' }, 400, 'model'],
    ['max_tokens as a string', { model: MODEL, prompt: 'hi', max_tokens: '5' }, 400, 'max_tokens'],
    ['max_tokens 0', { model: MODEL, prompt: 'hi', max_tokens: 0 }, 400, 'max_tokens'],
    ['streaming', { model: MODEL, prompt: 'hi', stream: true }, 400, 'stream'],
    ['an unknown model', { model: 'other/model', prompt: 'hi' }, 404, 'model'],
  ])('rejects %s with an OpenAI error object', async (_case, payload, status, param) => {
    const { app } = buildStandinApp(options)
    const response = await post(app, payload)
    expect(response.statusCode).toBe(status)
    const body = response.json()
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param })
    expect(body.error.message).toEqual(expect.any(String))
    await app.close()
  })

  it('rejects a body that is not JSON', async () => {
    const { app } = buildStandinApp(options)
    const response = await app.inject({
      method: 'POST',
      url: '/v1/completions',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.type).toBe('invalid_request_error')
    await app.close()
  })

  it('reports running and waiting requests under parallel load, vLLM metric names', async () => {
    const standin = await startStandin({ ...options, tokenMs: 40, maxRunning: 2 })
    try {
      expect(await schedulerMetrics(standin.url)).toEqual({ running: 0, waiting: 0 })
      const requests = Array.from({ length: 5 }, (_, i) => complete(standin.url, `prompt ${i}`, 8))
      await expect.poll(() => schedulerMetrics(standin.url)).toEqual({ running: 2, waiting: 3 })
      const responses = await Promise.all(requests)
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200])
      expect(await schedulerMetrics(standin.url)).toEqual({ running: 0, waiting: 0 })
    } finally {
      await standin.app.close()
    }
  })
})

describe('stand-in process', () => {
  it('on SIGTERM stops accepting, finishes the in-flight request and exits 0', async () => {
    const standin = await spawnStandin({ 'token-ms': 100 })
    const inFlight = complete(standin.url, 'long request', 10)
    await expect.poll(() => schedulerMetrics(standin.url)).toEqual({ running: 1, waiting: 0 })
    standin.child.kill('SIGTERM')
    await standin.nextEvent('draining')
    // Idle keep-alive sockets are closed and the listener is gone: new connections are refused.
    const probe = () =>
      fetch(`${standin.url}/health`).then(
        (response) => response.status,
        () => 'refused',
      )
    await expect.poll(probe).toBe('refused')
    expect(await schedulerMetrics(standin.url).catch(() => 'refused')).toBe('refused')
    const response = await inFlight
    expect(response.status).toBe(200)
    expect(((await response.json()) as CompletionResponse).usage.completion_tokens).toBe(10)
    expect(await standin.exited).toBe(0)
    expect(isAlive(standin.child.pid!)).toBe(false)
  })

  it('exits 2 with the named error on a bad option', async () => {
    const child = spawn(process.execPath, standinArgs(0, { 'max-running': 0 }), { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(2)
    expect(stderr).toMatch(/^InvalidStandinOptionError: /)
  })
})

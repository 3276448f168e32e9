import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SMOLLM2 } from '../src/constants.js'
import { LlamaEngine } from '../src/engine/engine.js'
import { buildEngineApp, type EngineApp } from '../src/server/app.js'
import { metric, sseData } from './support/sse.js'
import { smollm2Path } from './support/tools.js'

interface TextChoice {
  text: string
  finish_reason: string | null
}
interface DeltaChoice {
  delta: { role?: string; content?: string }
  finish_reason: string | null
}

/** The real model, served in-process through `inject()`: no socket, same routes as the CLI's. */

const MODEL = 'smollm2'
const CAPITAL = 'The capital of France is'

let served: EngineApp
let whileLoading: { health: LightMyRequestResponse; completion: LightMyRequestResponse }

const post = (url: string, payload: Record<string, unknown>) =>
  served.app.inject({ method: 'POST', url, payload: { model: MODEL, ...payload } })
const complete = (payload: Record<string, unknown>) => post('/v1/completions', payload)
const chat = (payload: Record<string, unknown>) => post('/v1/chat/completions', payload)
const metrics = async () => (await served.app.inject({ method: 'GET', url: '/metrics' })).body

beforeAll(async () => {
  const modelPath = smollm2Path()
  served = buildEngineApp({
    servedModelName: MODEL,
    sha256: SMOLLM2.sha256,
    engine: LlamaEngine.load({ modelPath, threads: 1 }),
  })
  // Asked before the load can have finished (getLlama alone takes ~0.5 s).
  whileLoading = {
    health: await served.app.inject({ method: 'GET', url: '/health' }),
    completion: await complete({ prompt: CAPITAL }),
  }
  await served.served.ready
})

afterAll(async () => {
  await served?.app.close()
})

describe('/health', () => {
  it('is 503 while the weights load, then 200', async () => {
    expect(whileLoading.health.statusCode).toBe(503)
    expect(whileLoading.health.json()).toMatchObject({
      error: { message: 'model loading', type: 'service_unavailable' },
    })
    expect(whileLoading.completion.statusCode).toBe(503)
    expect((await served.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
  })
})

describe('/v1/models', () => {
  it('lists the served model with its hash and context length', async () => {
    const response = await served.app.inject({ method: 'GET', url: '/v1/models' })
    expect(response.json()).toEqual({
      object: 'list',
      data: [
        {
          id: MODEL,
          object: 'model',
          created: expect.any(Number),
          owned_by: 'synkti',
          root: `sha256:${SMOLLM2.sha256}`,
          max_model_len: 2048,
        },
      ],
    })
  })
})

describe('/v1/completions', () => {
  it('completes a prompt with the real model', async () => {
    const response = await complete({ prompt: CAPITAL, max_tokens: 8, temperature: 0 })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({
      id: expect.stringMatching(/^cmpl-/),
      object: 'text_completion',
      model: MODEL,
      choices: [{ index: 0, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 },
    })
    expect(body.choices[0].text).toMatch(/^ Paris\b/)
  })

  it('stops before a stop sequence, finish_reason stop', async () => {
    const body = (await complete({ prompt: CAPITAL, max_tokens: 16, temperature: 0, stop: ['.'] })).json()
    expect(body.choices[0]).toMatchObject({ text: ' Paris', finish_reason: 'stop' })
  })

  it('streams the same text as server-sent events, usage last when asked', async () => {
    const whole = (await complete({ prompt: 'Once upon a time', max_tokens: 24, temperature: 0 })).json()
    const response = await complete({
      prompt: 'Once upon a time',
      max_tokens: 24,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/)
    const events = sseData(response.body)
    expect(events.at(-1)).toBe('[DONE]')
    const chunks = events.slice(0, -1) as Array<{ id: string; object: string; choices: TextChoice[]; usage?: unknown }>
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks.every((c) => c.object === 'text_completion')).toBe(true)
    const usage = chunks.at(-1)!
    expect(usage).toMatchObject({ choices: [], usage: whole.usage })
    const choices = chunks.slice(0, -1).map((c) => c.choices[0]!)
    expect(choices.at(-1)).toMatchObject({ text: '', finish_reason: 'length' })
    expect(choices.slice(0, -1).every((c) => c.finish_reason === null)).toBe(true)
    expect(choices.map((c) => c.text).join('')).toBe(whole.choices[0].text)
    expect(choices.length).toBeGreaterThan(5)
  })

  it('answers a prompt the same at temperature 0, whatever ran in between', async () => {
    const first = (await complete({ prompt: 'The three primary colours are', max_tokens: 20, temperature: 0 })).json()
    await complete({ prompt: 'Something else entirely, to leave the context dirty:', max_tokens: 10, temperature: 0 })
    const second = (await complete({ prompt: 'The three primary colours are', max_tokens: 20, temperature: 0 })).json()
    expect(second.choices[0].text).toBe(first.choices[0].text)
    expect(first.choices[0].text.length).toBeGreaterThan(10)
  })

  it('samples reproducibly with a seed above temperature 0', async () => {
    const ask = () => complete({ prompt: 'My favourite animal is', max_tokens: 16, temperature: 0.9, seed: 7 })
    const [a, b] = [(await ask()).json(), (await ask()).json()]
    expect(a.choices[0].text).toBe(b.choices[0].text)
    const huge = await complete({ prompt: 'My favourite animal is', max_tokens: 4, temperature: 0.9, seed: -(2 ** 40) })
    expect(huge.statusCode).toBe(200)
  })

  it('error: an unknown model is 404 model_not_found', async () => {
    const response = await complete({ model: 'gpt-4', prompt: CAPITAL })
    expect(response.statusCode).toBe(404)
    expect(response.json().error).toMatchObject({ param: 'model', code: 'model_not_found' })
  })

  it('error: more tokens than the context holds is 400 ContextLengthExceededError', async () => {
    const response = await complete({ prompt: CAPITAL, max_tokens: 2044 })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toMatchObject({
      type: 'invalid_request_error',
      param: 'max_tokens',
      code: 'ContextLengthExceededError',
    })
    expect(response.json().error.message).toMatch(/maximum context length is 2048 tokens/)
  })

  it('error: bad fields are 400 with the field named (no coercion, n only 1)', async () => {
    for (const [payload, param] of [
      [{ prompt: CAPITAL, max_tokens: '5' }, 'max_tokens'],
      [{ prompt: CAPITAL, n: 2 }, 'n'],
      [{ prompt: CAPITAL, temperature: 3 }, 'temperature'],
      [{ max_tokens: 5 }, 'prompt'],
      [{ prompt: '' }, 'prompt'],
    ] as const) {
      const response = await complete(payload)
      expect(response.statusCode, JSON.stringify(payload)).toBe(400)
      expect(response.json().error.param).toBe(param)
    }
  })
})

describe('/v1/chat/completions', () => {
  const hello = [{ role: 'user', content: 'Say hello.' }]

  it('answers through the model chat template', async () => {
    const response = await chat({ messages: hello, max_tokens: 12, temperature: 0 })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant' }, logprobs: null }],
    })
    expect(body.choices[0].message.content).toMatch(/hello/i)
    // SmolLM2's template adds its default system prompt: far more than the three words asked.
    expect(body.usage.prompt_tokens).toBeGreaterThan(20)
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens)
  })

  it('ends on the end-of-turn token with finish_reason stop', async () => {
    const body = (
      await chat({
        messages: [
          { role: 'system', content: 'You answer with one word.' },
          { role: 'user', content: 'What colour is the sky?' },
        ],
        max_tokens: 64,
        temperature: 0,
      })
    ).json()
    expect(body.choices[0].finish_reason).toBe('stop')
    expect(body.usage.completion_tokens).toBeLessThan(64)
    expect(body.choices[0].message.content).not.toContain('<|im_end|>')
  })

  it('streams deltas that add up to the whole answer', async () => {
    const whole = (await chat({ messages: hello, max_tokens: 12, temperature: 0 })).json()
    const response = await chat({ messages: hello, max_tokens: 12, temperature: 0, stream: true })
    const events = sseData(response.body)
    expect(events.at(-1)).toBe('[DONE]')
    const chunks = events.slice(0, -1) as Array<{ object: string; choices: DeltaChoice[] }>
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true)
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' })
    expect(chunks.at(-1)!.choices[0]).toMatchObject({ delta: {}, finish_reason: whole.choices[0].finish_reason })
    const text = chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')
    expect(text).toBe(whole.choices[0].message.content)
  })

  it('error: a role it does not serve is 400', async () => {
    const response = await chat({ messages: [{ role: 'tool', content: 'x' }] })
    expect(response.statusCode).toBe(400)
  })
})

describe('/metrics', () => {
  it("moves with a request, under vLLM's names", async () => {
    const before = await metrics()
    await complete({ prompt: CAPITAL, max_tokens: 8, temperature: 0 })
    const after = await metrics()
    expect(metric(after, 'vllm:prompt_tokens_total') - metric(before, 'vllm:prompt_tokens_total')).toBe(5)
    expect(metric(after, 'vllm:generation_tokens_total') - metric(before, 'vllm:generation_tokens_total')).toBe(8)
    expect(metric(after, 'vllm:request_success_total') - metric(before, 'vllm:request_success_total')).toBe(1)
    expect(after).toContain(`vllm:num_requests_running{model_name="${MODEL}"} 0`)
  })

  it('counts running and waiting requests while they decode (one slot: the second waits)', async () => {
    const long = { prompt: 'Once upon a time', max_tokens: 200, temperature: 0 }
    const inFlight = [complete(long), complete(long)]
    let seen = { running: 0, waiting: 0 }
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const text = await metrics()
      seen = { running: metric(text, 'vllm:num_requests_running'), waiting: metric(text, 'vllm:num_requests_waiting') }
      if (seen.running === 1 && seen.waiting === 1) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(seen).toEqual({ running: 1, waiting: 1 })
    const answers = await Promise.all(inFlight)
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200])
    expect(answers[0]!.json().choices[0].text).toBe(answers[1]!.json().choices[0].text)
    const text = await metrics()
    expect([metric(text, 'vllm:num_requests_running'), metric(text, 'vllm:num_requests_waiting')]).toEqual([0, 0])
  })
})

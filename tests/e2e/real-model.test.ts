import { PublicKey } from '@solana/web3.js'
import { SMOLLM2 } from '@synkti/inference/spawn'
import { jobOfLease, parseNodeStatus } from '@synkti/jobs'
import { SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from './harness/gateway.js'
import { LoadGenerator, type LoadStats } from './harness/load.js'
import { nodeEvent } from './harness/processes.js'
import type { RunningProvider } from './harness/provider.js'
import {
  assemble,
  type Cast,
  type FailoverResult,
  gateway,
  jobStartMs,
  preempt,
  synkti,
  WEIGHTS_FROM,
  waitUntil,
} from './harness/story.js'

/**
 * The product's claim on a real model: SmolLM2-135M-Instruct (llama.cpp through synkti-engine)
 * served under a lease on the demo's spot provider, its weights named by sha256 in the job spec
 * and fetched by the first provider from an S3 store (moto's, on loopback) into its own cache; a
 * spot interruption; the failover to another provider, which fetches the weights from the giver
 * over P2P (its offer says it caches them) and loads them; and
 * a fixed prompt at temperature 0, asked through the consumer's gateway before and after, answered
 * with the same text. Every request sent through the gateway meanwhile is answered.
 */

const SPEC = 'consumer-cli/examples/smollm2.yaml'
const DEPOSIT = 20_000_000n
const say = (line: string) => process.env.SYNKTI_E2E_VERBOSE === '1' && console.log(`[real-model] ${line}`)

let cast: Cast
let gw: RunningGateway
let lease: string
let before: { completion: string; chat: string; servedBy: string | null }
let failover: FailoverResult
let load: LoadGenerator
let stats: LoadStats

const byName = (name: string): RunningProvider => {
  const p = cast.providers.find((x) => x.spec.name === name)
  if (p === undefined) throw new Error(`no provider ${name}`)
  return p
}

/** The fixed prompts, at temperature 0, through the gateway: what must not change when the job moves. */
async function ask(): Promise<{ completion: string; chat: string; servedBy: string | null }> {
  const url = await gw.url
  const post = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: SMOLLM2.name, temperature: 0, max_tokens: 24, ...body }),
      signal: AbortSignal.timeout(90_000),
    })
    expect(response.status, await response.clone().text()).toBe(200)
    return (await response.json()) as { choices: { text?: string; message?: { content: string } }[] }
  }
  const completion = await post('/v1/completions', { prompt: 'The capital of France is' })
  const chat = await post('/v1/chat/completions', {
    messages: [{ role: 'user', content: 'Name three colours of the rainbow.' }],
  })
  return {
    completion: completion.choices[0]?.text ?? '',
    chat: chat.choices[0]?.message?.content ?? '',
    servedBy: gw.endpoint(),
  }
}

beforeAll(async () => {
  cast = await assemble(say, { weights: 's3', startTimeoutMs: 120_000 })
  say('three providers running, weights sources configured, caches empty')
})

afterAll(async () => {
  await load?.stop()
  await cast?.stop()
})

describe('a real model under a lease, moved by a spot interruption', () => {
  it('synkti job run: the spot provider fetches SmolLM2 from S3 by hash, loads it and serves', async () => {
    await waitUntil(
      'three providers over the DHT',
      async () => {
        const r = await synkti(cast, ['providers', '--gpu', 'L4'])
        return (r.providers as unknown[]).length === cast.providers.length ? true : null
      },
      120_000,
    )
    const run = await synkti(cast, ['job', 'run', SPEC, '--deposit', String(DEPOSIT), '--wait'], 240_000)
    lease = String(run.lease)
    expect(run.state).toBe('healthy')
    const spot = byName('aws-spot')
    expect(run.provider).toBe(spot.provider.toBase58())
    const loaded = await spot.proc.waitFor(
      'the engine loaded',
      nodeEvent('engine-loaded', (e) => e.lease === lease),
      60_000,
    )
    expect(loaded).toMatchObject({ engine: 'llamacpp', backend: 'cpu', weightsFrom: WEIGHTS_FROM })
    say(`lease ${lease} on aws-spot: weights from S3 in ${loaded.weightsMs} ms, engine load ${loaded.loadMs} ms`)
  })

  it('through the gateway, the fixed prompts at temperature 0 are answered by the model', async () => {
    gw = gateway(cast, lease)
    before = await ask()
    expect(before.completion).toMatch(/^ Paris/)
    expect(before.chat.length).toBeGreaterThan(0)
    expect(before.servedBy).not.toBeNull()
    // the same question again, same answer: nothing about it depends on what ran before
    const again = await ask()
    expect(again.completion).toBe(before.completion)
    expect(again.chat).toBe(before.chat)
    say(`before: ${JSON.stringify(before)}`)
  })

  it('a spot interruption moves the lease to another provider, which fetches the weights and loads them', async () => {
    load = new LoadGenerator({
      resolve: () => gw.url,
      servedBy: gw.endpoint,
      model: SMOLLM2.name,
      ratePerSec: 1,
      timeoutMs: 90_000,
    })
    load.start()
    await new Promise((r) => setTimeout(r, 3_000))
    failover = await preempt(cast, say)
    expect(failover.outcome).toBe('restored')
    expect(failover.from).toBe('aws-spot')
    expect(failover.to).not.toBe('aws-spot')
    const taker = byName(String(failover.to))
    expect((await cast.world.client.fetchLease(new PublicKey(lease))).provider.toBase58()).toBe(
      taker.provider.toBase58(),
    )
    const loaded = taker.proc.lines.find(nodeEvent('engine-loaded', (e) => e.lease === lease))
    // the giver caches the weights and says so in its offer: the taker fetches them from it over
    // /synkti/weights/1.0.0 (hash-checked), not from S3
    const giver = byName('aws-spot').operator.publicKey.toBase58()
    expect(loaded).toMatchObject({ engine: 'llamacpp', weightsFrom: `peer:${giver}` })
    // the taker's signed status says the job is healthy there and lists the weights it now caches
    const signed = await cast.p2p.protocols.askStatus(SynktiNode.peerIdOf(taker.operator.publicKey.toBase58()))
    const status = parseNodeStatus(signed.body.status)
    expect(jobOfLease(status, lease)?.state).toBe('healthy')
    expect(status.cachedWeights).toContain(SMOLLM2.sha256)
    say(
      `failover ${failover.from} → ${failover.to}: notice → healthy ${failover.noticeToHealthyMs} ms; ` +
        `the replacement's start ${jobStartMs(taker, lease)} ms (weights from the giver ${loaded?.weightsMs} ms, engine load ${loaded?.loadMs} ms); ` +
        failover.phases.map((p) => `${p.phase} ${p.ms}`).join(', '),
    )
  })

  it('after the move, the same prompts get the identical text from the new provider; no request failed', async () => {
    const after = await waitUntil(
      'the gateway forwarding to the new provider',
      async () => (gw.endpoint() !== null && gw.endpoint() !== before.servedBy ? ask() : null),
      90_000,
    )
    expect(after.servedBy).not.toBe(before.servedBy)
    expect(after.completion).toBe(before.completion)
    expect(after.chat).toBe(before.chat)
    stats = await load.stop()
    say(`after: ${JSON.stringify(after)}; load ${JSON.stringify(stats)}`)
    expect(stats.sent).toBeGreaterThan(5)
    expect(stats.failed).toBe(0)
    expect(stats.retried).toBe(0)
    expect(stats.succeeded).toBe(stats.sent)
    expect(stats.endpoints.length).toBeGreaterThanOrEqual(2)
  })
})

import { PublicKey } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LoadGenerator } from './harness/load.js'
import { NODE, REPO, SYNKTI_BIN } from './harness/paths.js'
import type { Proc } from './harness/processes.js'
import { assemble, type Cast, DEPOSIT, MODEL, preempt, SPEC, synkti } from './harness/story.js'

/**
 * `synkti gateway` against real nodes on localnet: the application talks to one loopback URL
 * while the lease moves between providers; every request is answered; the gateway's receipts
 * reach the serving node, which attests with them (paid at once, counted as verified seconds);
 * the runway is watched and topped up within the consumer's limit.
 */

const TOP_UP = 1_000_000n

let cast: Cast
let lease: string
let gateway: Proc
let url: string

beforeAll(async () => {
  cast = await assemble(() => {})
  const run = await synkti(cast, ['job', 'run', SPEC, '--deposit', String(DEPOSIT), '--wait'], 180_000)
  lease = String(run.lease)
  const bootstrap = cast.providers.flatMap((p) => p.addrs.slice(0, 1))
  gateway = cast.group.start(
    'gateway',
    NODE,
    [
      SYNKTI_BIN,
      'gateway',
      lease,
      '--listen',
      '127.0.0.1:0',
      '--receipt-every',
      '2',
      // any runway is "short" here, so the one top-up the limit allows happens at once
      '--warn-runway',
      '1000000000',
      '--auto-top-up',
      String(TOP_UP),
      '--max-spend',
      String(TOP_UP),
      '--json',
      '-u',
      cast.world.rpcUrl,
      '-k',
      cast.consumer.path,
      '--market',
      cast.world.market.toBase58(),
      '--bootstrap',
      ...bootstrap,
    ],
    { cwd: REPO },
  )
  const listening = await gateway.waitFor('the gateway listening', (l) => l.kind === 'listening', 60_000)
  url = String(listening.url)
}, 400_000)

afterAll(async () => {
  await cast?.stop()
})

const provider = (name: string) => {
  const p = cast.providers.find((x) => x.spec.name === name)
  if (p === undefined) throw new Error(`no provider ${name}`)
  return p
}

describe('synkti gateway', () => {
  it('serves the lease at one loopback URL and says where it is served', async () => {
    await gateway.waitFor('a route', (l) => l.kind === 'route' && l.state === 'serving', 60_000)
    const response = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'Synkti moves jobs, not promises.', max_tokens: 4 }),
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { model: string }).model).toBe(MODEL)
    const status = (await (await fetch(`${url}/_synkti/status`)).json()) as { state: string; operator: string }
    expect(status.state).toBe('serving')
    expect(status.operator).toBe(provider('aws-spot').operator.publicKey.toBase58())
    expect(await (await fetch(`${url}/_synkti/metrics`)).text()).toMatch(
      /^synkti_gateway_requests_total\{outcome="ok"\} \d+$/m,
    )
  })

  it('tops the escrow up once, within --max-spend, then only warns', async () => {
    const topUp = await gateway.waitFor('a top-up', (l) => l.kind === 'top-up', 60_000)
    expect(topUp.amount).toBe(TOP_UP.toString())
    await gateway.waitFor('the spend-limit warning', (l) => l.kind === 'warn' && l.reason === 'spend-limit', 60_000)
    const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
    expect(onChain.deposited).toBe(DEPOSIT + TOP_UP)
    expect(gateway.lines.filter((l) => l.kind === 'top-up')).toHaveLength(1)
  })

  it('its receipts reach the node, which attests with them: paid at once, verified seconds', async () => {
    const spot = provider('aws-spot')
    await gateway.waitFor('a receipt the node kept', (l) => l.kind === 'receipt' && l.accepted === true, 90_000)
    const attested = await spot.proc.waitFor(
      'an attestation backed by a receipt',
      (l) => l.event === 'settlement-attested' && l.lease === lease && l.verified === true,
      90_000,
    )
    expect(Number(attested.seconds)).toBeGreaterThan(0)
    const account = await cast.world.client.fetchProvider(spot.provider)
    expect(account.reputation.secondsVerified).toBeGreaterThan(0n)
    // receipt-backed pay is final: it reached the payout account, not the held earnings
    expect(await cast.world.balance(spot.payout)).toBeGreaterThan(0n)
  })

  it('holds requests through a failover: every request answered, the URL unchanged', async () => {
    const generator = new LoadGenerator({ resolve: async () => url, model: MODEL, ratePerSec: 4 })
    generator.start()
    const failover = await preempt(cast, () => {})
    expect(failover.outcome).toBe('restored')
    await gateway.waitFor(
      'the route to the taker',
      (l) =>
        l.kind === 'route' &&
        l.state === 'serving' &&
        l.operator !== provider('aws-spot').operator.publicKey.toBase58(),
      60_000,
    )
    await new Promise((r) => setTimeout(r, 3_000))
    const stats = await generator.stop()
    expect(stats.sent).toBeGreaterThan(10)
    expect(stats.failed).toBe(0)
    // the gateway held what arrived mid-move: the application never had to retry
    expect(stats.retried).toBe(0)
    expect(stats.endpoints).toEqual([url])
    expect(gateway.lines.filter((l) => l.kind === 'held-too-long')).toEqual([])
  })
})

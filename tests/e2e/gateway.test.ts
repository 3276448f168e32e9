import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
 * the runway is watched and topped up within the consumer's limit; on the consumer's order the
 * job moves make-before-break to another provider behind the same URL; and a restarted gateway
 * loses nothing (no top-up past the limit, no period signed twice, none it did not see).
 */

const TOP_UP = 1_000_000n
/** the escrow of the lease the move opens */
const MOVE_DEPOSIT = 5_000_000n

let cast: Cast
let lease: string
let gateway: Proc
let url: string
/** the gateways' state directory (state files and locks), shared by `synkti job move` */
let stateDir: string

/** `synkti gateway <id>` as the consumer runs it, keeping its state in `stateDir`. */
function startGateway(name: string, id: string, listen: string): Proc {
  const bootstrap = cast.providers.flatMap((p) => p.addrs.slice(0, 1))
  return cast.group.start(
    name,
    NODE,
    [
      SYNKTI_BIN,
      'gateway',
      id,
      '--listen',
      listen,
      '--state-dir',
      stateDir,
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
}

beforeAll(async () => {
  cast = await assemble(() => {})
  stateDir = await mkdtemp(join(tmpdir(), 'synkti-gateway-state-'))
  cast.group.defer(() => rm(stateDir, { recursive: true, force: true }))
  const run = await synkti(cast, ['job', 'run', SPEC, '--deposit', String(DEPOSIT), '--wait'], 180_000)
  lease = String(run.lease)
  gateway = startGateway('gateway', lease, '127.0.0.1:0')
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

  it("moves the job make-before-break on the consumer's order: every request answered, the URL unchanged, the old lease closed", async () => {
    const now = (await cast.world.client.fetchLease(new PublicKey(lease))).provider.toBase58()
    const target = cast.providers.find((p) => p.spec.name !== 'aws-spot' && p.provider.toBase58() !== now)
    if (target === undefined) throw new Error('no provider to move to')
    const generator = new LoadGenerator({ resolve: async () => url, model: MODEL, ratePerSec: 4 })
    generator.start()
    const from = gateway.lines.length
    await new Promise((r) => setTimeout(r, 1_000))
    // synkti job move finds the lease's gateway by its lock and orders the move there
    const moved = await synkti(
      cast,
      [
        'job',
        'move',
        lease,
        '--spec',
        SPEC,
        '--to',
        target.provider.toBase58(),
        '--deposit',
        String(MOVE_DEPOSIT),
        '--state-dir',
        stateDir,
      ],
      240_000,
    )
    expect(moved).toMatchObject({
      kind: 'job-move',
      from: lease,
      provider: target.provider.toBase58(),
      operator: target.operator.publicKey.toBase58(),
      deposit: String(MOVE_DEPOSIT),
      gateway: url,
      old: { closed: true },
    })
    const next = String(moved.lease)
    // the steps in order: the new lease healthy and the traffic on it before the old lease closed
    const steps = gateway.lines.slice(from).filter((l) => l.kind === 'move' || l.kind === 'route' || l.kind === 'moved')
    const at = (p: (l: (typeof steps)[number]) => boolean) => steps.findIndex(p)
    const switched = at((l) => l.kind === 'route' && l.lease === next && l.state === 'serving')
    expect(at((l) => l.kind === 'move' && l.step === 'waiting')).toBeLessThan(switched)
    expect(switched).toBeLessThan(at((l) => l.kind === 'move' && l.step === 'closing-old'))
    expect(steps.at(-1)).toMatchObject({ kind: 'moved', from: lease, to: next, oldClosed: true })
    await new Promise((r) => setTimeout(r, 3_000))
    const stats = await generator.stop()
    expect(stats.sent).toBeGreaterThan(10)
    expect(stats.failed).toBe(0)
    expect(stats.retried).toBe(0)
    expect(stats.endpoints).toEqual([url])
    expect(gateway.lines.filter((l) => l.kind === 'held-too-long')).toEqual([])

    const [old, made] = await Promise.all([lease, next].map((l) => cast.world.client.fetchLease(new PublicKey(l))))
    expect(old?.status.kind).toBe('ended')
    expect(made?.status.kind).toBe('active')
    expect(made?.provider.toBase58()).toBe(target.provider.toBase58())
    const status = (await (await fetch(`${url}/_synkti/status`)).json()) as Record<string, unknown>
    expect(status).toMatchObject({ lease: next, movedFrom: lease, state: 'serving' })
    // the spend limit goes with the job: the new lease is not topped up past --max-spend
    await gateway.waitFor(
      'the spend-limit warning on the new lease',
      (l) => l.kind === 'warn' && l.lease === next && l.reason === 'spend-limit',
      60_000,
    )
    expect(gateway.lines.filter((l) => l.kind === 'top-up')).toHaveLength(1)
  })

  it('a restart loses nothing: no top-up past --max-spend, receipts continue, none twice, none for its absence', async () => {
    const next = String(((await fetch(`${url}/_synkti/status`).then((r) => r.json())) as { lease: string }).lease)
    const kept = (l: Record<string, unknown>) => l.kind === 'receipt' && l.lease === next && l.accepted === true
    await gateway.waitFor('a receipt on the new lease the node kept', kept, 90_000)
    const port = new URL(url).port
    await gateway.stop()
    // it stopped as it should (state written, locks released): its last word is its result
    expect(gateway.lines.at(-1)).toMatchObject({ kind: 'gateway', lease, serving: next, stopped: 'interrupted' })
    const signedBefore = gateway.lines.filter((l) => l.kind === 'receipt' && l.lease === next)
    const lastUntil = Math.max(...signedBefore.map((l) => Number(l.until)))
    const deposited = (await cast.world.client.fetchLease(new PublicKey(next))).deposited

    // started again as a supervisor would: same command line (the first lease), same port
    const again = startGateway('gateway-restarted', lease, `127.0.0.1:${port}`)
    const listening = await again.waitFor('the restarted gateway listening', (l) => l.kind === 'listening', 60_000)
    expect(listening.url).toBe(url)
    expect(again.lines.find((l) => l.kind === 'followed')).toMatchObject({ from: lease, to: next })
    const state = again.lines.find((l) => l.kind === 'state')
    expect(state).toMatchObject({ lease: next, resumed: true, spent: TOP_UP.toString() })
    const seenUntil = Number(state?.servedUntil)
    const restartedAt = Number(state?.at)
    expect(seenUntil).toBeGreaterThanOrEqual(lastUntil)

    const answer = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'still here', max_tokens: 2 }),
    })
    expect(answer.status).toBe(200)
    await again.waitFor('the spend-limit warning', (l) => l.kind === 'warn' && l.reason === 'spend-limit', 60_000)
    // receipts continue: the node attests the gateway's absence on its own word, then takes receipts again
    await again.waitFor(
      'a receipt past the restart the node kept',
      (l) => kept(l) && Number(l.from) >= restartedAt,
      120_000,
    )
    for (const r of again.lines.filter((l) => l.kind === 'receipt')) {
      // never a period signed before the restart again
      expect(Number(r.until)).toBeGreaterThan(lastUntil)
      // never across the time no gateway saw the job
      expect(Number(r.until) <= seenUntil || Number(r.from) >= restartedAt).toBe(true)
    }
    expect(again.lines.filter((l) => l.kind === 'top-up')).toEqual([])
    expect((await cast.world.client.fetchLease(new PublicKey(next))).deposited).toBe(deposited)
    gateway = again
  })
})

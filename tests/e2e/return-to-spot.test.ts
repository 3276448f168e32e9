import { PublicKey } from '@solana/web3.js'
import { escrowAddress } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from './harness/gateway.js'
import { LoadGenerator, type LoadStats } from './harness/load.js'
import type { JsonLine } from './harness/processes.js'
import { assemble, type Balances, balances, type Cast, gateway, MODEL, SPEC, synkti, total } from './harness/story.js'

/**
 * Return to spot on real nodes and localnet: a lease runs on an on-demand provider (the demo's
 * Hetzner at 1000/s, named with `job run --provider`) while a cheaper spot provider is offered
 * (the demo's AWS spot at 800/s: exactly the default 20 % saving). The consumer's gateway, run
 * with `--return-to-spot` and a short hold, sees the spot provider offered without a break for
 * the hold, then moves the lease there make-before-break while load goes through it: every
 * request answered, the old lease closed, the new one healthy on spot, and not one token created
 * or lost.
 */

const DEPOSIT = 20_000_000n
const HOLD_SEC = 4

let cast: Cast
let before: Balances
let lease: string
let onDemandEndpoint: string
let gw: RunningGateway
let url: string
let generator: LoadGenerator

const byName = (name: string) => {
  const p = cast.providers.find((x) => x.spec.name === name)
  if (p === undefined) throw new Error(`no provider ${name}`)
  return p
}
const returns = (lines: JsonLine[]) => lines.filter((l) => l.kind === 'return-to-spot')

beforeAll(async () => {
  cast = await assemble(() => {})
  before = await balances(cast)
  const run = await synkti(
    cast,
    ['job', 'run', SPEC, '--provider', byName('hetzner').provider.toBase58(), '--deposit', String(DEPOSIT), '--wait'],
    180_000,
  )
  lease = String(run.lease)
  onDemandEndpoint = String(run.endpoint)
  gw = gateway(cast, lease, {
    extra: [
      '--return-to-spot',
      '--spec',
      SPEC,
      '--hold',
      String(HOLD_SEC),
      // the lease was opened a moment ago: no dwell here, the hold alone holds the move back
      '--dwell',
      '0',
      '--return-every',
      '1',
    ],
  })
  url = await gw.url
  generator = new LoadGenerator({
    resolve: () => gw.url,
    servedBy: gw.endpoint,
    model: MODEL,
    ratePerSec: 4,
    timeoutMs: 90_000,
  })
  generator.start()
}, 400_000)

afterAll(async () => {
  await generator?.stop()
  await cast?.stop()
})

describe('return to spot: the gateway moves the lease back to a cheaper spot provider', () => {
  let stats: LoadStats
  let next: string

  it('holds the spot offer for --hold, then moves make-before-break while every request is answered', async () => {
    const hetzner = byName('hetzner')
    const spot = byName('aws-spot')
    const opened = await cast.world.client.fetchLease(new PublicKey(lease))
    expect(opened.provider.toBase58()).toBe(hetzner.provider.toBase58())
    const moved = await gw.proc.waitFor(
      'the return to spot',
      (l) => l.kind === 'return-to-spot' && (l.outcome === 'moved' || l.outcome === 'failed'),
      240_000,
    )
    expect(moved).toMatchObject({
      outcome: 'moved',
      reason: 'cheaper',
      lease: moved.to,
      current: { provider: hetzner.provider.toBase58(), pricePerSecond: '1000' },
      candidate: { provider: spot.provider.toBase58(), pricePerSecond: '800', saving: 0.2 },
      moves: 1,
    })
    next = String(moved.to)
    // the hysteresis: the spot offer was held before the move, for at least --hold
    const events = returns(gw.proc.lines)
    const moving = events.findIndex((l) => l.outcome === 'moving')
    expect(events.slice(0, moving).some((l) => l.reason === 'holding')).toBe(true)
    const held = events[moving]?.candidate as { heldSec: number } | undefined
    expect(held?.heldSec).toBeGreaterThanOrEqual(HOLD_SEC)

    // make before break: healthy on the new lease, traffic switched, then the old lease closed
    const steps = gw.proc.lines.filter((l) => l.kind === 'move' || l.kind === 'route' || l.kind === 'moved')
    const at = (p: (l: JsonLine) => boolean) => steps.findIndex(p)
    const switched = at((l) => l.kind === 'route' && l.lease === next && l.state === 'serving')
    expect(at((l) => l.kind === 'move' && l.step === 'waiting')).toBeLessThan(switched)
    expect(switched).toBeLessThan(at((l) => l.kind === 'move' && l.step === 'closing-old'))
    expect(steps.findLast((l) => l.kind === 'moved')).toMatchObject({ from: lease, to: next, oldClosed: true })

    // on spot now, and the cheapest: it declines to move again
    await gw.proc.waitFor(
      'a decline on the new lease',
      (l) => l.kind === 'return-to-spot' && l.lease === next && l.outcome === 'declined' && l.reason === 'cheapest',
      60_000,
    )
    await new Promise((r) => setTimeout(r, 3_000))
    stats = await generator.stop()
    expect(stats.sent).toBeGreaterThan(10)
    expect(stats.failed).toBe(0)
    // the gateway held what arrived mid-move: the application never had to retry
    expect(stats.retried).toBe(0)
    expect(stats.endpoints[0]).toBe(onDemandEndpoint)
    expect(stats.endpoints).toHaveLength(2)
    expect(gw.proc.lines.filter((l) => l.kind === 'held-too-long')).toEqual([])
    const metrics = await (await fetch(`${url}/_synkti/metrics`)).text()
    expect(metrics).toMatch(/^synkti_gateway_return_to_spot_total\{outcome="moved",reason="cheaper"\} 1$/m)
    expect(metrics).toMatch(/^synkti_gateway_return_to_spot_total\{outcome="declined",reason="cheapest"\} \d+$/m)
  })

  it('the old lease is closed, the new one is active and healthy on the spot provider', async () => {
    const spot = byName('aws-spot')
    const [old, made] = await Promise.all([lease, next].map((l) => cast.world.client.fetchLease(new PublicKey(l))))
    expect(old?.status.kind).toBe('ended')
    expect(made?.status.kind).toBe('active')
    expect(made?.provider.toBase58()).toBe(spot.provider.toBase58())
    expect(made?.pricePerSecond).toBe(800n)
    const status = await synkti(cast, ['job', 'status', next])
    expect(status.operator).toBe(spot.operator.publicKey.toBase58())
    expect((status.node as { job: { state: string } | null }).job?.state).toBe('healthy')
    const page = (await (await fetch(`${url}/_synkti/status`)).json()) as Record<string, unknown>
    expect(page).toMatchObject({ lease: next, movedFrom: lease, state: 'serving', returnToSpot: { moves: 1 } })
  })

  it('stopped, not one token created or lost', async () => {
    await synkti(cast, ['job', 'stop', next], 120_000)
    // the gateway ends by itself with the lease
    await gw.proc.exited
    const after = await balances(cast)
    const escrows = await Promise.all(
      [lease, next].map((l) => cast.world.balance(escrowAddress(new PublicKey(l))).catch(() => 0n)),
    )
    expect(escrows).toEqual([0n, 0n])
    expect(total(after)).toBe(total(before))
    // both providers were paid for what they served
    expect(after.providers.hetzner).toBeGreaterThan(before.providers.hetzner ?? 0n)
    expect(after.providers['aws-spot']).toBeGreaterThan(before.providers['aws-spot'] ?? 0n)
  })
})

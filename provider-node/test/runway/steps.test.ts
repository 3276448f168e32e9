/**
 * The watcher's ending steps with a scripted chain: a step that fails is tried again at the next
 * check (and reported once), a step already done is not repeated, and a lease that ended or was
 * disputed meanwhile is not closed.
 */
import { Keypair, type PublicKey } from '@solana/web3.js'
import { type Lease, type MarketClient, ProgramErrors, RpcUnreachableError } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { createRunwayWatcher, type RunwayEvent, type RunwayStopReason } from '../../src/runway/index.js'
import type { SettleResult } from '../../src/settlement/index.js'
import { leaseFixture } from '../support/lease.js'

const key = () => Keypair.generate().publicKey
const us = key()
const address = key()

/** 1_000/s, 600_500 deposited, accepted and settled at 1_000: the escrow pays up to 1_600. */
function lease(edit: Partial<Lease> = {}): Lease {
  return leaseFixture({ address, id: 0n, provider: us, deposited: 600_500n, ...edit })
}

/** A chain whose clock and lease the test sets, and whose close answers from a script. */
function scripted() {
  const state = { now: 1_000, lease: lease(), closes: [] as (Error | null)[] }
  const clock = () => {
    const data = Buffer.alloc(40)
    data.writeBigInt64LE(BigInt(state.now), 32)
    return { data }
  }
  const client = {
    rpcUrl: 'http://127.0.0.1:1',
    connection: { getAccountInfo: async () => clock() },
    fetchLease: async () => state.lease,
    closeLease: async () => {
      const outcome = state.closes.shift() ?? null
      if (outcome !== null) throw outcome
      return {
        signature: 'sig',
        events: [{ name: 'LeaseEnded', data: { seconds: 0n, payout: 0n, fee: 0n, refund: 500n } }],
      }
    },
  } as unknown as MarketClient
  return { state, client }
}

function watch(client: MarketClient, script: { stop?: (Error | null)[]; settle?: (Error | SettleResult)[] } = {}) {
  const stops: [string, RunwayStopReason][] = []
  const settles: number[] = []
  const events: RunwayEvent[] = []
  const watcher = createRunwayWatcher({
    client,
    operator: Keypair.generate(),
    provider: us,
    leases: () => [{ lease: address }],
    stopJob: async (l, reason) => {
      stops.push([l, reason])
      const outcome = script.stop?.shift() ?? null
      if (outcome !== null) throw outcome
    },
    settle: async (_l: PublicKey, until: number) => {
      settles.push(until)
      const outcome = script.settle?.shift() ?? { outcome: 'attested', until, partial: false }
      if (outcome instanceof Error) throw outcome
      return outcome
    },
    onEvent: (e) => events.push(e),
  })
  return { watcher, stops, settles, events }
}

const kinds = (events: RunwayEvent[]) => events.map((e) => (e.kind === 'error' ? `error:${e.step}` : e.kind))

describe('runway watcher steps', () => {
  it('a failed stop, settle or close is tried again at the next check, each reported once, none repeated once done', async () => {
    const { state, client } = scripted()
    const down = new RpcUnreachableError('http://127.0.0.1:1')
    const { watcher, stops, settles, events } = watch(client, {
      stop: [new Error('drain timed out'), null],
      settle: [down, down],
    })
    state.closes.push(down)
    state.now = 1_700 // 100 s past the escrow's end
    await watcher.check() // stop fails
    await watcher.check() // stop succeeds; settle fails
    await watcher.check() // settle fails again (reported once)
    expect(watcher.status().ending).toEqual([{ lease: address.toBase58(), reason: 'runway-exhausted', step: 'settle' }])
    await watcher.check() // settle succeeds; close fails
    await watcher.check() // close succeeds
    expect(stops).toHaveLength(2)
    expect(settles).toEqual([1_600, 1_600, 1_600])
    expect(kinds(events)).toEqual([
      'runway',
      'stopping',
      'error:stop',
      'error:settle',
      'settled',
      'error:close',
      'closed',
    ])
    expect(watcher.status()).toMatchObject({ ending: [], lastError: expect.stringMatching(/^RpcUnreachableError/) })
    await watcher.check()
    expect(stops).toHaveLength(2)
    expect(events.at(-1)?.kind).toBe('closed')
  })

  it('attests up to where the escrow pays, never past the chain clock', async () => {
    const { state, client } = scripted()
    const { watcher, settles } = watch(client)
    state.now = 1_600
    await watcher.check()
    expect(settles).toEqual([1_600])
  })

  it('a lease the consumer closed or disputed meanwhile is not closed again', async () => {
    for (const [error, reason] of [
      [new ProgramErrors.LeaseEnded(), 'ended'],
      [new ProgramErrors.LeaseDisputed(), 'disputed'],
    ] as const) {
      const { state, client } = scripted()
      state.closes.push(error)
      const { watcher, events } = watch(client)
      state.now = 1_650
      expect(await watcher.check()).toMatchObject({ ending: 1, ended: 1 })
      expect(events.at(-1)).toEqual({ kind: 'close-moot', lease: address.toBase58(), reason })
    }
  })

  it('a settle dropped as disputed or closed ends without a close', async () => {
    const { state, client } = scripted()
    const { watcher, events } = watch(client, { settle: [{ outcome: 'dropped', reason: 'disputed' }] })
    state.now = 1_650
    await watcher.check()
    expect(kinds(events)).toEqual(['runway', 'stopping', 'settled', 'close-moot'])
    expect(state.closes).toEqual([])
  })

  it('nothing left to attest (already settled to the end) goes straight to the close', async () => {
    const { state, client } = scripted()
    state.lease = lease({ settledUntil: 1_600, paidToProviders: 585_000n, feesPaid: 15_000n })
    const { watcher, settles, events } = watch(client)
    state.now = 1_601
    await watcher.check()
    expect(settles).toEqual([])
    expect(events.find((e) => e.kind === 'settled')).toMatchObject({ until: 1_600, result: { outcome: 'none' } })
    expect(events.at(-1)?.kind).toBe('closed')
  })

  it('error: a threshold that is not a positive number of seconds is InvalidRunwayThresholdError', () => {
    const { client } = scripted()
    for (const warnBelowSec of [0, -1, Number.NaN]) {
      expect(() =>
        createRunwayWatcher({
          client,
          operator: Keypair.generate(),
          provider: us,
          leases: () => [],
          stopJob: async () => {},
          settle: async () => ({ outcome: 'none' }),
          warnBelowSec,
        }),
      ).toThrow(expect.objectContaining({ name: 'InvalidRunwayThresholdError' }))
    }
  })
})

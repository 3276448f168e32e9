import { Keypair } from '@solana/web3.js'
import { requirementOf } from '@synkti/jobs'
import type { Lease, MarketClient } from '@synkti/market'
import { PeerUnreachableError, providerRecordSchema, type SynktiNode } from '@synkti/p2p'
import { describe, expect, it } from 'vitest'
import { isNodeEvent, type NodeEvent, runwayNodeEvent, settlementNodeEvent } from '../../src/node/events.js'
import { nodeFailoverEffects } from '../../src/node/failover-effects.js'
import { leaseEndReason } from '../../src/node/reconcile.js'
import { nextSeq, nodeRecord } from '../../src/node/record.js'
import { failedAttestation } from '../../src/node/settlement-service.js'
import type { SettlementEvent } from '../../src/settlement/index.js'
import { capability, standinSpec } from '../support/nodes.js'

const address = () => Keypair.generate().publicKey

describe('node record (pure)', () => {
  const config = {
    market: address().toBase58(),
    provider: address().toBase58(),
    capability: capability({ gpu: { model: 'H100', count: 2, vramGb: 40 } }),
    pricePerSecond: '1000',
  }

  it('names the provider account it speaks for, and passes the record schema', () => {
    const operator = address().toBase58()
    const record = nodeRecord({
      config,
      operator,
      addresses: ['/ip4/127.0.0.1/tcp/1'],
      jobs: 1,
      usedVramGb: 20,
      seq: 5,
      now: 100,
    })
    expect(record).toMatchObject({
      operator,
      provider: config.provider,
      market: config.market,
      seq: 5,
      expiresAt: 3_700,
    })
    expect(record.load).toEqual({ jobs: 1, gpuUtilization: 0.25 })
    expect(providerRecordSchema.parse(record)).toEqual(record)
  })

  it('load never exceeds 1; sequence numbers only rise', () => {
    const record = nodeRecord({
      config,
      operator: address().toBase58(),
      addresses: [],
      jobs: 3,
      usedVramGb: 500,
      seq: 1,
      now: 1,
    })
    expect(record.load.gpuUtilization).toBe(1)
    expect(nextSeq(0, 1_000)).toBe(1_000)
    expect(nextSeq(5_000, 1_000)).toBe(5_001)
  })
})

describe('lease reconciliation (pure)', () => {
  const provider = address()
  const lease = (over: Partial<Lease>): Lease => ({ provider, status: { kind: 'active' }, ...over }) as Lease

  it('keeps serving an active lease of this provider, or when the RPC does not answer', () => {
    expect(leaseEndReason(lease({}), provider.toBase58())).toBeNull()
    expect(leaseEndReason('unreachable', provider.toBase58())).toBeNull()
  })

  it('stops a job whose lease ended, was closed, is disputed or pays another provider', () => {
    const p = provider.toBase58()
    expect(leaseEndReason('closed', p)).toBe('the lease was closed')
    expect(leaseEndReason(lease({ status: { kind: 'ended', outcome: 'completed' } as Lease['status'] }), p)).toBe(
      'the lease ended (completed)',
    )
    expect(leaseEndReason(lease({ status: { kind: 'disputed' } as Lease['status'] }), p)).toBe(
      'the lease is disputed: billing stopped',
    )
    expect(leaseEndReason(lease({ provider: address() }), p)).toBe('the lease pays another provider')
  })
})

describe('node events', () => {
  it('settlement events carry their kind and bigints as decimal strings', () => {
    // the loop's event shape is the settlement module's; only the wire rules are checked here
    const event = settlementNodeEvent({
      kind: 'attested',
      lease: 'L',
      until: 10,
      signature: 's',
      seconds: 5,
      payout: 123n,
      fee: 4n,
      partial: false,
      verified: true,
    } as SettlementEvent)
    expect(event).toEqual({
      event: 'settlement-attested',
      kind: 'attested',
      lease: 'L',
      until: 10,
      signature: 's',
      seconds: 5,
      payout: '123',
      fee: '4',
      partial: false,
      verified: true,
    })
    expect(JSON.parse(JSON.stringify(event))).toEqual(event)
  })

  it('runway events are runway-<kind>, bigints as decimal strings, nested results as they are', () => {
    const closed = runwayNodeEvent({
      kind: 'closed',
      lease: 'L',
      signature: 's',
      seconds: 0n,
      payout: 0n,
      fee: 0n,
      refund: 500n,
    })
    expect(closed).toEqual({
      event: 'runway-closed',
      kind: 'closed',
      lease: 'L',
      signature: 's',
      seconds: '0',
      payout: '0',
      fee: '0',
      refund: '500',
    })
    const warned = runwayNodeEvent({
      kind: 'runway',
      lease: 'L',
      level: 'low',
      secondsLeft: 240,
      paidThrough: 1_000,
      available: 240_500n,
    })
    expect(warned).toEqual({
      event: 'runway-runway',
      kind: 'runway',
      lease: 'L',
      level: 'low',
      secondsLeft: 240,
      paidThrough: 1_000,
      available: '240500',
    })
    const settled = runwayNodeEvent({
      kind: 'settled',
      lease: 'L',
      until: 9,
      result: { outcome: 'attested', until: 9, partial: false },
    })
    expect(settled).toMatchObject({ event: 'runway-settled', result: { outcome: 'attested', until: 9 } })
    for (const e of [closed, warned, settled]) expect(JSON.parse(JSON.stringify(e))).toEqual(e)
    expect([warned, closed].filter(isNodeEvent('runway-runway', (e) => e.level === 'low'))).toEqual([warned])
  })

  it('isNodeEvent narrows a parsed line to the named event', () => {
    const lines: Record<string, unknown>[] = [
      { event: 'api', url: 'http://127.0.0.1:1' },
      { event: 'job-ended', lease: 'A', reason: 'r' },
      { event: 'job-ended', lease: 'B', reason: 'r' },
    ]
    const ended = lines.filter(isNodeEvent('job-ended', (e) => e.lease === 'B'))
    expect(ended.map((e) => e.lease)).toEqual(['B'])
    expect(lines.find(isNodeEvent('api'))?.url).toBe('http://127.0.0.1:1')
  })
})

describe('settlement metrics (pure)', () => {
  const dropped = (reason: string) =>
    ({ kind: 'dropped', lease: 'L', openedAt: 1, until: 2, reason, error: null }) as SettlementEvent

  it('a deferred send or a drop the node did not mean is a failed attestation', () => {
    expect(
      failedAttestation({ kind: 'deferred', lease: 'L', openedAt: 1, until: 2, error: 'e', network: true, retryAt: 3 }),
    ).toBe(true)
    for (const reason of ['lease-closed', 'stalled', 'migrated-away'])
      expect(failedAttestation(dropped(reason)), reason).toBe(true)
  })

  it('already settled, disputed and reopened leases are not: nothing was owed, or the job is stopped', () => {
    for (const reason of ['already-settled', 'disputed', 'lease-reopened']) {
      expect(failedAttestation(dropped(reason)), reason).toBe(false)
    }
    expect(failedAttestation({ kind: 'stop', lease: 'L', openedAt: 1, reason: 'disputed' })).toBe(false)
  })
})

describe('failover candidates: the record speaks for the account the chain gives its operator', () => {
  it('leaves out a record naming another provider account, and says so', async () => {
    const market = address()
    const party = () => ({ address: address(), operator: address() })
    const [honest, misnamed, legacy, gone] = [party(), party(), party(), party()]
    const providers = [honest, misnamed, legacy, gone].map((p) => ({ ...p, pricePerSecond: 1_000n }))
    const client = {
      findProviders: async () => providers,
      fetchLease: async () => ({ policy: { maxPricePerSecond: 5_000n } }),
    } as unknown as MarketClient
    const recordOf = (operator: string) => {
      const p = [honest, misnamed, legacy, gone].find((x) => x.operator.toBase58() === operator)
      if (p === undefined) throw new Error('no such operator')
      const provider = p === misnamed ? address().toBase58() : p === legacy ? undefined : p.address.toBase58()
      return {
        record: {
          operator,
          ...(provider !== undefined ? { provider } : {}),
          addresses: ['/ip4/127.0.0.1/tcp/1'],
          capability: capability(),
          load: { jobs: 0, gpuUtilization: 0 },
        },
      }
    }
    const p2p = {
      getRecord: async (_market: string, operator: string) => recordOf(operator),
      probe: async (operator: string) => {
        if (operator === gone.operator.toBase58()) throw new PeerUnreachableError(operator)
        return 5
      },
    } as unknown as SynktiNode
    const logged: NodeEvent[] = []
    const effects = nodeFailoverEffects(
      {
        client,
        p2p,
        market: market.toBase58(),
        self: address().toBase58(),
        selfProvider: address().toBase58(),
        stopAdmitting: () => undefined,
        coSign: () => Promise.reject(new Error('not offered')),
        drainOld: () => Promise.resolve(),
        plan: () => ({ ok: false, detail: 'not planned' }),
        log: (event) => logged.push(event),
      },
      address().toBase58(),
    )
    const spec = standinSpec()
    const candidates = await effects.findCandidates(
      { jobId: 'job', spec, requirement: requirementOf(spec), expectedDurationSec: 60 },
      AbortSignal.timeout(5_000),
    )
    expect(candidates.map((c) => c.target.provider).sort()).toEqual(
      [honest.address.toBase58(), legacy.address.toBase58()].sort(),
    )
    expect(logged.find(isNodeEvent('failover-candidates'))).toMatchObject({
      misnamed: [misnamed.operator.toBase58()],
      unreachable: [gone.operator.toBase58()],
    })
  })
})

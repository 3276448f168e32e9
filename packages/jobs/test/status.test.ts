import { describe, expect, it } from 'vitest'
import { jobOfLease, type NodeStatus, parseNodeStatus, runwayOfLease } from '../src/index.js'

const OPERATOR = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T'
const LEASE = 'So11111111111111111111111111111111111111112'

function status(): NodeStatus {
  return {
    v: 1,
    operator: OPERATOR,
    market: OPERATOR,
    provider: OPERATOR,
    role: 'worker',
    context: { kind: 'aws', region: 'eu-central-1', zone: 'eu-central-1a', spot: true },
    admitting: true,
    capability: {
      gpu: { model: 'L4', count: 1, vramGb: 24 },
      cloud: 'aws',
      region: 'eu-central',
      zone: 'eu-central-1a',
      spot: true,
      runtimes: ['process'],
      cachedModels: [],
      diskGb: 100,
    },
    pricePerSecond: '1000',
    at: 1_790_000_000,
    jobs: [
      {
        jobId: LEASE,
        lease: LEASE,
        consumer: OPERATOR,
        model: 'm',
        state: 'healthy',
        endpoint: 'http://127.0.0.1:1234',
        startedAt: 1_790_000_000,
        healthyAt: 1_790_000_002,
        handedOffTo: null,
        reason: null,
      },
    ],
    failovers: [],
    chain: { staked: '1000000', earned: '0', providerStatus: 'active', reputation: { leasesCompleted: '0' } },
    settlement: { queued: 0, lastAttestedAt: null, lastError: null },
    prognostics: { series: [], risk: 0, spareRequested: false },
  }
}

describe('node status', () => {
  it('round-trips through JSON and finds a job by lease', () => {
    const parsed = parseNodeStatus(JSON.parse(JSON.stringify(status())))
    expect(jobOfLease(parsed, LEASE)?.endpoint).toBe('http://127.0.0.1:1234')
    expect(jobOfLease(parsed, OPERATOR)).toBeUndefined()
  })

  it('rejects a malformed document with the paths at fault', () => {
    const bad = { ...status(), jobs: [{ ...status().jobs[0], state: 'flying' }], extra: true }
    try {
      parseNodeStatus(bad)
      expect.unreachable()
    } catch (err) {
      expect((err as Error).name).toBe('MalformedNodeStatusError')
      expect((err as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual(['', 'jobs.0.state'])
    }
  })

  it("carries each served lease's escrow runway, so a consumer sees the node's warning", () => {
    const runway = [{ lease: LEASE, level: 'low' as const, secondsLeft: 240, paidThrough: 1_790_000_240 }]
    const parsed = parseNodeStatus(JSON.parse(JSON.stringify({ ...status(), runway })))
    expect(runwayOfLease(parsed, LEASE)).toEqual(runway[0])
    expect(runwayOfLease(parsed, OPERATOR)).toBeUndefined()
    // past its end the node reports a negative runway while it stops the job
    const over = { ...runway[0], level: 'exhausted' as const, secondsLeft: -3 }
    expect(parseNodeStatus({ ...status(), runway: [over] }).runway).toEqual([over])
  })

  it('still parses a status from a node that does not report the runway', () => {
    const older = status()
    expect('runway' in older).toBe(false)
    const parsed = parseNodeStatus(JSON.parse(JSON.stringify(older)))
    expect(parsed.runway).toBeUndefined()
    expect(runwayOfLease(parsed, LEASE)).toBeUndefined()
  })

  it('rejects a runway entry that is not one', () => {
    const entry = { lease: LEASE, level: 'low', secondsLeft: 240, paidThrough: 1_790_000_240 }
    const bad = [
      { ...entry, level: 'warned' },
      { ...entry, secondsLeft: 1.5 },
      { ...entry, paidThrough: null },
      { ...entry, lease: 'x' },
      { ...entry, extra: 1 },
    ]
    for (const runway of bad) {
      expect(() => parseNodeStatus({ ...status(), runway: [runway] }), JSON.stringify(runway)).toThrow(
        expect.objectContaining({ name: 'MalformedNodeStatusError' }),
      )
    }
  })
})

describe('node status: model jobs', () => {
  const SHA = 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53'

  it("carries a model job's engine and the node's cached weights by hash; both optional", () => {
    const withModel: NodeStatus = {
      ...status(),
      jobs: [
        {
          ...status().jobs[0]!,
          engine: { name: 'llamacpp', weightsFrom: 's3://w/sha256/', weightsMs: 812, backend: 'cpu', loadMs: 1505 },
        },
      ],
      cachedWeights: [SHA],
    }
    const parsed = parseNodeStatus(JSON.parse(JSON.stringify(withModel)))
    expect(jobOfLease(parsed, LEASE)?.engine).toMatchObject({ backend: 'cpu', loadMs: 1505 })
    expect(parsed.cachedWeights).toEqual([SHA])
    // before it loaded, the engine's backend and load time are not known yet
    const loading = { ...withModel.jobs[0]!, engine: { ...withModel.jobs[0]!.engine!, backend: null, loadMs: null } }
    expect(() => parseNodeStatus({ ...withModel, jobs: [loading] })).not.toThrow()
    // a node before these fields reported neither
    expect(() => parseNodeStatus(status())).not.toThrow()
  })

  it('refuses a cached hash that is not a sha256 and an engine it does not know', () => {
    const issues = (doc: unknown) => {
      try {
        parseNodeStatus(doc)
      } catch (err) {
        return (err as { issues: { path: string }[] }).issues.map((i) => i.path)
      }
      return []
    }
    expect(issues({ ...status(), cachedWeights: [SHA.toUpperCase()] })).toEqual(['cachedWeights.0'])
    const engine = { name: 'tgi', weightsFrom: 'cache', weightsMs: 0, backend: null, loadMs: null }
    expect(issues({ ...status(), jobs: [{ ...status().jobs[0]!, engine }] })).toEqual(['jobs.0.engine.name'])
  })
})

import { generateKeyPairSync } from 'node:crypto'
import type { FailoverView, JobView, NodeStatus } from '@synkti/jobs'
import { keypairFromBytes, solanaAddressOf } from '@synkti/p2p'
import { Registry } from 'prom-client'
import type { HealthReport, NodeApiOptions, NodeDetails, NodeView } from '../../src/api/index.js'

/** A fresh Ed25519 key in the Solana layout (seed ‖ public key), as the node loads its operator key. */
export async function newOperatorKey() {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })
  const bytes = Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), Buffer.from(jwk.x ?? '', 'base64url')])
  const key = await keypairFromBytes(new Uint8Array(bytes))
  return { key, address: solanaAddressOf(key.publicKey) }
}

export async function newAddress(): Promise<string> {
  return (await newOperatorKey()).address
}

export async function jobView(overrides: Partial<JobView> = {}): Promise<JobView> {
  return {
    jobId: 'job-1',
    lease: await newAddress(),
    consumer: await newAddress(),
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    state: 'healthy',
    endpoint: 'http://127.0.0.1:8001',
    startedAt: 1_790_000_000,
    healthyAt: 1_790_000_042,
    handedOffTo: null,
    reason: null,
    ...overrides,
  }
}

export async function nodeStatus(operator: string, overrides: Partial<NodeStatus> = {}): Promise<NodeStatus> {
  return {
    v: 1,
    operator,
    market: await newAddress(),
    provider: await newAddress(),
    role: 'worker',
    context: { kind: 'aws', region: 'eu-central-1', zone: 'eu-central-1a', spot: true },
    admitting: true,
    capability: {
      gpu: { model: 'L4', count: 1, vramGb: 24 },
      cloud: 'aws',
      region: 'eu-central-1',
      zone: 'eu-central-1a',
      spot: true,
      runtimes: ['process', 'vllm'],
      cachedModels: [],
      diskGb: 200,
    },
    pricePerSecond: '120',
    at: 1_790_000_100,
    jobs: [],
    failovers: [],
    chain: {
      staked: '1500000000',
      earned: '734000',
      providerStatus: 'active',
      reputation: { leasesCompleted: '12', failoversTaken: '1', secondsVerified: '3600', earned: '734000' },
    },
    settlement: { queued: 2, lastAttestedAt: 1_790_000_090, lastError: null },
    prognostics: { series: [], risk: 0.25, spareRequested: false },
    ...overrides,
  }
}

/** A failover whose phases so far each lasted `durationsMs` (the last one still running). */
export function failover(
  lease: string,
  kinds: FailoverView['phase'][],
  durationsMs: number[],
  startMs = 1_790_000_000_000,
): FailoverView {
  let at = startMs
  const phases = kinds.map((kind, i) => {
    const duration = durationsMs[i]
    const phase = { kind, startedAt: at, endedAt: duration === undefined ? null : at + duration }
    at += duration ?? 0
    return phase
  })
  const phase = kinds[kinds.length - 1] ?? 'serving'
  return { id: 'fo-1', lease, trigger: 'interruption', phase, phases, target: null, reason: null }
}

/** A view the test changes as the node would: plain data behind the NodeView interface. */
export class FakeView implements NodeView {
  healthReport: HealthReport = { ok: true, checks: [{ name: 'rpc', ok: true }] }
  /** what status() throws, while set */
  failure: Error | null = null
  constructor(public current: NodeStatus) {}
  status(): NodeStatus {
    if (this.failure !== null) throw this.failure
    return this.current
  }
  jobs(): JobView[] {
    return this.current.jobs
  }
  health(): HealthReport {
    return this.healthReport
  }
  nodeDetails: NodeDetails = { network: null, tokens: null, series: [] }
  details(): NodeDetails {
    return this.nodeDetails
  }
}

export async function apiOptions(status?: (operator: string) => Promise<NodeStatus>) {
  const operator = await newOperatorKey()
  const view = new FakeView(await (status ?? nodeStatus)(operator.address))
  const options: NodeApiOptions = {
    view,
    operator: operator.address,
    sign: (bytes) => operator.key.sign(bytes),
    registry: new Registry(),
  }
  return { operator, view, options }
}

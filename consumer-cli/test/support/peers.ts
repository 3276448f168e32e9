/**
 * Provider peers for CLI tests: real SynktiNodes on 127.0.0.1 whose key is a registered
 * operator's, publishing signed records and serving the job, status and logs protocols with
 * scripted behaviour (the real provider-node is exercised by the end-to-end tests).
 */
import { Keypair } from '@solana/web3.js'
import type { JobView, NodeStatus } from '@synkti/jobs'
import { type JobDecision, type JobRequest, keypairFromBytes, SynktiNode } from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import { routingTableSize, waitFor } from '../../../packages/p2p/test/helpers.js'
import { capability } from './fixtures.js'

export const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

export interface ScriptedProvider {
  node: SynktiNode
  operator: string
  /** jobs by lease, as the status protocol reports them */
  jobs: Map<string, JobView>
  /** every submission received, verified by @synkti/p2p */
  submissions: JobRequest[]
  logLines: string[]
  /** after the lines, keep the stream open (a running job) instead of ending it */
  keepLogsOpen: boolean
}

export interface ProviderScript {
  market: string
  /** provider account (PDA) */
  provider: string
  capability?: Capability
  pricePerSecond?: bigint
  /** decides on a submission; default accept */
  onJob?: (request: JobRequest, peer: ScriptedProvider) => Promise<JobDecision>
}

export function nodeStatus(peer: ScriptedProvider, script: ProviderScript): NodeStatus {
  return {
    v: 1,
    operator: peer.operator,
    market: script.market,
    provider: script.provider,
    role: 'worker',
    context: { kind: 'override', region: 'eu-central', spot: true },
    admitting: true,
    capability: script.capability ?? capability(),
    pricePerSecond: String(script.pricePerSecond ?? 1_000n),
    at: Math.floor(Date.now() / 1000),
    jobs: [...peer.jobs.values()],
    failovers: [],
    chain: null,
    settlement: { queued: 0, lastAttestedAt: null, lastError: null },
    prognostics: { series: [], risk: 0, spareRequested: false },
  }
}

/** A DHT server with no key of interest: everyone's bootstrap peer. */
export async function startBootstrap(): Promise<{ node: SynktiNode; address: string }> {
  const node = await SynktiNode.create({
    privateKey: await keypairFromBytes(Keypair.generate().secretKey),
    listen: LOOPBACK,
  })
  return { node, address: node.multiaddrs[0] as string }
}

/** A provider peer keyed by `operator`, joined through `bootstrap`, its record published and announced. */
export async function startProvider(
  operator: Keypair,
  bootstrap: string,
  script: ProviderScript,
): Promise<ScriptedProvider> {
  const peer: ScriptedProvider = {
    node: undefined as unknown as SynktiNode,
    operator: operator.publicKey.toBase58(),
    jobs: new Map(),
    submissions: [],
    logLines: [],
    keepLogsOpen: false,
  }
  peer.node = await SynktiNode.create({
    privateKey: await keypairFromBytes(operator.secretKey),
    listen: LOOPBACK,
    bootstrap: [bootstrap],
    handlers: {
      job: async (request) => {
        peer.submissions.push(request)
        return (script.onJob ?? (async () => ({ accepted: true, jobId: request.lease })))(request, peer)
      },
      status: async () => nodeStatus(peer, script) as unknown as Record<string, unknown>,
      logs: async function* (_jobId, signal) {
        yield* peer.logLines
        if (peer.keepLogsOpen) await new Promise((resolve) => signal.addEventListener('abort', resolve))
      },
    },
  })
  await waitFor(() => routingTableSize(peer.node) >= 1, { what: 'a routing table entry' })
  const cap = script.capability ?? capability()
  await peer.node.publishRecord({
    market: script.market,
    capability: cap,
    pricePerSecond: script.pricePerSecond ?? 1_000n,
    load: { jobs: 0, gpuUtilization: 0 },
  })
  await peer.node.announce({ market: script.market, gpuModel: cap.gpu.model, region: cap.region })
  return peer
}

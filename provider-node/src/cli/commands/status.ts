import { type NodeStatus, parseNodeStatus } from '@synkti/jobs'
import type { NodeConfig } from '../../node/config.js'
import { NodeApiUnreachableError } from '../errors.js'

/** The running node's own status, from its HTTP API on this machine. */
export async function status(config: NodeConfig): Promise<NodeStatus & { text: string }> {
  const url = `http://${config.api.host}:${config.api.port}/status`
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
  } catch (err) {
    throw new NodeApiUnreachableError(url, (err as Error).message)
  }
  const { body } = (await response.json()) as { body: unknown }
  const s = parseNodeStatus(body)
  const text = [
    `operator ${s.operator} (${s.role}, ${s.context.kind}${s.context.spot ? ', spot' : ''}) admitting=${s.admitting}`,
    s.chain === null
      ? 'chain: unreadable'
      : `stake ${s.chain.staked}, earned ${s.chain.earned}, provider ${s.chain.providerStatus}`,
    `settlement: ${s.settlement.queued} queued, last attested ${s.settlement.lastAttestedAt ?? 'never'}`,
    ...s.jobs.map((j) => `job ${j.jobId} ${j.state} ${j.endpoint ?? ''}`),
    ...s.failovers.map((f) => `failover ${f.lease} ${f.phase}${f.target ? ` → ${f.target}` : ''}`),
  ]
  return { ...s, text: text.join('\n') }
}

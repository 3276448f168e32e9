import type { JobView, NodeStatus } from '@synkti/jobs'

/** One thing the node checks about itself (RPC reachable, settlement queue writable, …). */
export interface HealthCheck {
  name: string
  ok: boolean
  /** why it fails, for the operator */
  detail?: string
}

export interface HealthReport {
  ok: boolean
  checks?: HealthCheck[]
}

/** What the API reads from the node; the node composes it from its parts. */
export interface NodeView {
  status(): Promise<NodeStatus> | NodeStatus
  jobs(): JobView[]
  health(): HealthReport
}

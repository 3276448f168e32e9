import { type DetectContextInit, detectContext, type RuntimeContext } from '@synkti/cloud'
import { type ContextView, contextView, type NodeRole, type RoleDecision, roleOf } from './role.js'

export interface NodeContext extends RoleDecision {
  context: RuntimeContext
  view: ContextView
}

/** Detects where this process runs (`@synkti/cloud`) and derives the node's role from it. */
export async function detectNodeContext(init: DetectContextInit & { role?: NodeRole } = {}): Promise<NodeContext> {
  const { role, ...detect } = init
  const context = await detectContext(detect)
  return { context, view: contextView(context), ...roleOf(context, role) }
}

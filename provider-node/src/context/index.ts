/**
 * The node's context and role: `@synkti/cloud` detects where the process runs; this decides
 * whether it serves leases (worker, on a cloud machine) or deploys workers (deployer, on a
 * workstation), and shapes the `NodeStatus.context` view.
 *
 * @example
 * ```ts
 * const { role, reason, view } = await detectNodeContext({ override: opts.context, role: opts.role })
 * ```
 */
export { detectNodeContext, type NodeContext } from './detect.js'
export { InvalidRoleOverrideError } from './errors.js'
export {
  type ContextView,
  contextView,
  NODE_ROLES,
  type NodeRole,
  parseRoleOverride,
  type RoleDecision,
  roleOf,
  SERVE_COMMAND,
} from './role.js'

/**
 * Failover of one lease as a typed, persisted, resumable state machine: the phase union and
 * its pure transition function `next`, a store that writes each phase atomically before it is
 * acted on, and `runFailover`, which drives the machine through injected effects (P2P
 * discovery, the planner, the hand-off protocol, the chain, the taker's status).
 *
 * @example
 * ```ts
 * const store = new FailoverStore(join(stateDir, 'failovers'))
 * const { failovers, corrupt } = await store.loadUnfinished()        // resume after a restart
 * for (const f of failovers) void runFailover({ state: f, effects, store })
 * const state = createFailover({ lease, trigger: 'interruption', self, job, deadline: notice.at, at: Date.now() })
 * const end = await runFailover({ state, effects: { ...effects, plan: planWith(createPlanner()) }, store })
 * toView(end)   // the status document's FailoverView
 * ```
 */
export { DEFAULT_MAX_OFFERS, FAILOVER_PHASE_KINDS, FAILOVER_STATE_VERSION } from './constants.js'
export * from './errors.js'
export * from './executor.js'
export * from './handoff-check.js'
export * from './phases.js'
export * from './planning.js'
export { failoverStateSchema } from './schema.js'
export * from './store.js'

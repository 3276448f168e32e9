/**
 * Settlement: usage attested on chain at the market's interval, through an on-disk queue that
 * survives RPC outages and restarts.
 *
 * @example
 * ```ts
 * import { createSettlementLoop } from '@synkti/provider-node'
 *
 * await using settlement = await createSettlementLoop({
 *   client, operator, provider, stateDir: '/var/lib/synkti',
 *   leases: () => [...jobs.values()].map((j) => ({ lease: j.lease, since: j.acceptedAt })),
 *   onEvent: (e) => log.info(e),
 * })
 * settlement.start()
 * settlement.status() // { queued, lastAttestedAt, lastError } → NodeStatus.settlement
 * await settlement.flush() // before a hand-off or exit: pay everything up to now
 * ```
 */
export {
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_INTERVAL_FRACTION,
  DEFAULT_TICK_MS,
} from './constants.js'
export {
  CorruptQueueItemError,
  InvalidAttestationIntervalError,
  InvalidIntervalFractionError,
  InvalidQueueItemError,
  LegacyQueueItemError,
  SettlementLoopStoppedError,
} from './errors.js'
export {
  type CycleReport,
  createSettlementLoop,
  type SettlementEvent,
  type SettlementLoop,
  type SettlementLoopInit,
  type SettlementStatus,
  type SettleResult,
  type StopReason,
} from './loop.js'
export {
  type AttestationPlan,
  type Disposition,
  type DropReason,
  dispositionOf,
  isLeaseAccount,
  MOOT_ERRORS,
  planAttestation,
} from './outcome.js'
export { type JournalEntry, type LeaseKey, leaseKey, type QueueItem, SettlementQueue } from './queue.js'
export { checkReceipt, ReceiptBook, ReceiptRefusedError, type StoredReceipt, toSignedReceipt } from './receipts.js'
export {
  attestationInterval,
  type DueAttestation,
  due,
  type IntervalInit,
  type KeyedLease,
  type LeaseRef,
} from './schedule.js'

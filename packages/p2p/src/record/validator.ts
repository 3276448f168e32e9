import type { SelectFn, ValidateFn } from '@libp2p/kad-dht'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { type Clock, systemClock, type VerifiedProviderRecord, verifyProviderRecord } from './codec.js'
import { ReplayGuard } from './replay-guard.js'
import { selectProviderRecord } from './select.js'

export interface ProviderRecordValidatorInit {
  clock?: Clock
  guard?: ReplayGuard
}

/**
 * Full check of one DHT value under a provider key, plus replay protection: everything
 * verifyProviderRecord rejects, and StaleRecordError for a sequence below the newest seen.
 */
export function createRecordChecker(init: ProviderRecordValidatorInit = {}) {
  const clock = init.clock ?? systemClock
  const guard = init.guard ?? new ReplayGuard()
  return async (key: Uint8Array, value: Uint8Array): Promise<VerifiedProviderRecord> => {
    const now = clock()
    const verified = await verifyProviderRecord(key, value, now)
    guard.observe(bytesToString(key), verified.record.seq, verified.record.expiresAt, now)
    return verified
  }
}

/** kad-dht validator for the `/synkti/...` key space. */
export function providerRecordValidator(init: ProviderRecordValidatorInit = {}): ValidateFn {
  const check = createRecordChecker(init)
  return async (key, value) => {
    await check(key, value)
  }
}

/** kad-dht selector for the `/synkti/...` key space: the newest valid record wins. */
export const providerRecordSelector: SelectFn = (_key, records) => selectProviderRecord(records)

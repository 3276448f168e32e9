import { createHash } from 'node:crypto'
import type { JsonObject } from '@synkti/p2p'

/** How long the challenge's work runs; how much of it fits says something about the machine. */
const MEASURE_NS = 20_000_000n

/**
 * `/synkti/challenge/1.0.0`: work bound to the challenger's nonce, so the answer cannot be
 * precomputed; how much of it fits in 20 ms says something about the machine.
 */
export function measure(nonce: Uint8Array): JsonObject {
  const started = process.hrtime.bigint()
  let digest: Buffer = Buffer.from(nonce)
  let rounds = 0
  while (process.hrtime.bigint() - started < MEASURE_NS) {
    digest = createHash('sha256').update(digest).digest()
    rounds++
  }
  return { sha256RoundsIn20ms: rounds, digest: digest.toString('hex') }
}

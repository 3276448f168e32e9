/**
 * Checks that a value can be encoded at all (range, integrality, length). Program rules (fee
 * caps, label lengths, positive amounts) are the program's to enforce, so that a refusal always
 * comes back as the program's named error.
 */
import anchor, { type BN } from '@anchor-lang/core'
import { U64_MAX } from './constants.js'
import { InvalidArgumentError } from './errors.js'

export function u64(field: string, value: bigint): bigint {
  if (typeof value !== 'bigint') throw new InvalidArgumentError(field, `expected a bigint, got ${typeof value}`)
  if (value < 0n || value > U64_MAX) throw new InvalidArgumentError(field, `${value} is outside 0..2^64-1`)
  return value
}

/** Unsigned integers that fit a JS number (u8, u16, u32). */
export function uint(field: string, value: number, bits: 8 | 16 | 32): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new InvalidArgumentError(field, `${value} is not an integer in 0..2^${bits}-1`)
  }
  return value
}

/** Unix seconds (i64 on chain); JS numbers hold them exactly up to 2^53. */
export function unixSeconds(field: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(field, `${value} is not a whole number of seconds`)
  return value
}

export function bytes32(field: string, value: Uint8Array): number[] {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new InvalidArgumentError(field, 'expected 32 bytes')
  }
  return Array.from(value)
}

export function u64ToBN(field: string, value: bigint): BN {
  return new anchor.BN(u64(field, value).toString())
}

export function secondsToBN(field: string, value: number): BN {
  return new anchor.BN(unixSeconds(field, value))
}

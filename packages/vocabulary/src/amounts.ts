import * as z from 'zod'

export const U64_MAX = 2n ** 64n - 1n

const DECIMAL_U64 = /^(0|[1-9][0-9]{0,19})$/

/** A decimal u64 (no sign, no leading zeros, no exponent), or undefined: token amounts on chain are u64. */
export function parseU64(text: string): bigint | undefined {
  if (!DECIMAL_U64.test(text)) return undefined
  const n = BigInt(text)
  return n <= U64_MAX ? n : undefined
}

/** A u64 in base units, as a decimal string: JSON numbers lose precision above 2^53. */
export const u64StringSchema = z
  .string()
  .regex(DECIMAL_U64, 'not a decimal u64')
  .refine((s) => parseU64(s) !== undefined, 'exceeds u64')

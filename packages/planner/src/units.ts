import { InvalidQuantityError } from './errors.js'

/**
 * Branded numbers: a Seconds cannot be passed where Gigabytes are expected, and every
 * value was checked once (finite, not negative) by its constructor.
 */
declare const brand: unique symbol
export type Brand<T, B extends string> = T & { readonly [brand]: B }

export type Seconds = Brand<number, 'Seconds'>
export type Usd = Brand<number, 'Usd'>
export type UsdPerSecond = Brand<number, 'UsdPerSecond'>
export type Gigabytes = Brand<number, 'Gigabytes'>
export type GbPerSecond = Brand<number, 'GbPerSecond'>
/** A probability or a share of capacity, in [0, 1]. */
export type Fraction = Brand<number, 'Fraction'>

function checked(unit: string, value: number, max = Number.POSITIVE_INFINITY): number {
  if (!Number.isFinite(value) || value < 0 || value > max) throw new InvalidQuantityError(unit, value)
  return value
}

export const seconds = (n: number): Seconds => checked('Seconds', n) as Seconds
export const usd = (n: number): Usd => checked('Usd', n) as Usd
export const usdPerSecond = (n: number): UsdPerSecond => checked('UsdPerSecond', n) as UsdPerSecond
export const usdPerHour = (n: number): UsdPerSecond => checked('UsdPerHour', n / 3600) as UsdPerSecond
export const gigabytes = (n: number): Gigabytes => checked('Gigabytes', n) as Gigabytes
/** Bandwidth may be zero (no link): transfers over it take forever and are then infeasible. */
export const gbPerSecond = (n: number): GbPerSecond => checked('GbPerSecond', n) as GbPerSecond
export const fraction = (n: number): Fraction => checked('Fraction', n, 1) as Fraction

/** Price rate × time = money; the only way a Usd is derived from a rate. */
export const costOver = (rate: UsdPerSecond, time: Seconds): Usd => (rate * time) as Usd
/** Size ÷ bandwidth = time. */
export const transferTime = (size: Gigabytes, bandwidth: GbPerSecond): Seconds =>
  (size === 0 ? 0 : size / bandwidth) as Seconds
/** Left to right from 0, the same order for every caller (the planner relies on equal sums). */
export function sumUsd(...xs: Usd[]): Usd {
  let total = 0
  for (const x of xs) total += x
  return total as Usd
}

/** How quantities read in `observed` strings. */
import { GB, GIB, LAMPORTS_PER_SOL } from './constants.js'

/** `8xYq…3kPz`: enough of a base58 address to recognise it. */
export function shortAddress(address: string): string {
  return address.length <= 12 ? address : `${address.slice(0, 4)}…${address.slice(-4)}`
}

export function sol(lamports: number): string {
  return `${(lamports / LAMPORTS_PER_SOL).toFixed(4).replace(/\.?0+$/, '')} SOL`
}

export function gb(bytes: number): string {
  return `${(bytes / GB).toFixed(1)} GB`
}

export function gibFromMiB(mib: number): number {
  return (mib * 1024 * 1024) / GIB
}

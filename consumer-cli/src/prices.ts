/**
 * The going price: on-chain prices (what a lease charges, not what a record advertises) grouped
 * by machine shape and region, with min, median and max (pure).
 *
 * A group is a GPU model, a GPU count and a region: a lease rents a whole machine at one price,
 * so an 8-GPU machine's price is no point of comparison for a 1-GPU one of the same model.
 */
import type { Offer } from './offers.js'

export interface PricePoint {
  gpu: string
  gpuCount: number
  region: string
  pricePerSecond: bigint
}

export interface PriceGroup {
  gpu: string
  gpuCount: number
  region: string
  count: number
  min: bigint
  /** of an even count, the mean of the middle two rounded down to a whole base unit */
  median: bigint
  max: bigint
}

/** Names as discovery keys compare them: GPU models upper case, regions lower case. */
export function pricePoint(offer: Offer): PricePoint {
  return {
    gpu: offer.capability.gpu.model.toUpperCase(),
    gpuCount: offer.capability.gpu.count,
    region: offer.capability.region.toLowerCase(),
    pricePerSecond: offer.pricePerSecond,
  }
}

export function medianOf(sorted: readonly bigint[]): bigint {
  if (sorted.length === 0) throw new RangeError('no prices')
  const mid = Math.floor(sorted.length / 2)
  const upper = sorted[mid] as bigint
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as bigint) + upper) / 2n
}

// plain code-unit order: the same on every machine, whatever its locale
const compare = <T extends bigint | string>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0)

/** One group per (GPU model, GPU count, region), sorted by model, then region, then count. */
export function priceGroups(points: readonly PricePoint[]): PriceGroup[] {
  const groups = new Map<string, { key: Omit<PricePoint, 'pricePerSecond'>; prices: bigint[] }>()
  for (const p of points) {
    const id = JSON.stringify([p.gpu, p.gpuCount, p.region])
    const group = groups.get(id) ?? { key: { gpu: p.gpu, gpuCount: p.gpuCount, region: p.region }, prices: [] }
    group.prices.push(p.pricePerSecond)
    groups.set(id, group)
  }
  return [...groups.values()]
    .map(({ key, prices }) => {
      const sorted = [...prices].sort(compare)
      return {
        ...key,
        count: sorted.length,
        min: sorted[0] as bigint,
        median: medianOf(sorted),
        max: sorted.at(-1) as bigint,
      }
    })
    .sort((a, b) => compare(a.gpu, b.gpu) || compare(a.region, b.region) || a.gpuCount - b.gpuCount)
}

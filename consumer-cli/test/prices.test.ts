import { describe, expect, it } from 'vitest'
import { medianOf, type PricePoint, priceGroups, pricePoint } from '../src/prices.js'
import { capability, offer } from './support/fixtures.js'

const point = (gpu: string, region: string, price: bigint, gpuCount = 1): PricePoint => ({
  gpu,
  gpuCount,
  region,
  pricePerSecond: price,
})

describe('going prices', () => {
  it('median: the middle price, or the mean of the middle two rounded down', () => {
    expect(medianOf([5n])).toBe(5n)
    expect(medianOf([1n, 2n, 10n])).toBe(2n)
    expect(medianOf([1n, 2n])).toBe(1n)
    expect(medianOf([1_000n, 1_200n, 1_500n, 9_000n])).toBe(1_350n)
    expect(() => medianOf([])).toThrow(RangeError)
  })

  it('groups by GPU model, count and region, with min, median, max and count, sorted', () => {
    const groups = priceGroups([
      point('L4', 'eu-central', 1_500n),
      point('H100', 'us-east', 3_000n),
      point('L4', 'eu-central', 1_000n),
      point('H100', 'us-east', 24_000n, 8),
      point('L4', 'eu-central', 1_200n),
      point('H100', 'eu-central', 2_800n),
    ])
    expect(groups).toEqual([
      { gpu: 'H100', gpuCount: 1, region: 'eu-central', count: 1, min: 2_800n, median: 2_800n, max: 2_800n },
      { gpu: 'H100', gpuCount: 1, region: 'us-east', count: 1, min: 3_000n, median: 3_000n, max: 3_000n },
      { gpu: 'H100', gpuCount: 8, region: 'us-east', count: 1, min: 24_000n, median: 24_000n, max: 24_000n },
      { gpu: 'L4', gpuCount: 1, region: 'eu-central', count: 3, min: 1_000n, median: 1_200n, max: 1_500n },
    ])
    expect(priceGroups([])).toEqual([])
  })

  it('counts the on-chain price, not the advertised one, under names compared as discovery keys compare them', () => {
    const o = offer({
      capability: capability({ gpu: { model: 'h100', count: 2, vramGb: 80 }, region: 'EU-Central' }),
      pricePerSecond: 4_000n,
      advertisedPricePerSecond: 1n,
    })
    expect(pricePoint(o)).toEqual({ gpu: 'H100', gpuCount: 2, region: 'eu-central', pricePerSecond: 4_000n })
    const same = offer({
      capability: capability({ gpu: { model: 'H100', count: 2, vramGb: 80 }, region: 'eu-central' }),
    })
    expect(priceGroups([o, same].map(pricePoint))).toHaveLength(1)
  })
})

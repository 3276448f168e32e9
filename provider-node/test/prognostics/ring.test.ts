import { describe, expect, it } from 'vitest'
import { SampleRing } from '../../src/prognostics/index.js'

describe('SampleRing', () => {
  it('keeps the newest `capacity` samples, oldest first', () => {
    const ring = new SampleRing(3)
    for (let t = 1; t <= 5; t++) ring.push({ t, v: t * 10 })
    expect(ring.toArray()).toEqual([
      { t: 3, v: 30 },
      { t: 4, v: 40 },
      { t: 5, v: 50 },
    ])
    expect(ring.last()).toEqual({ t: 5, v: 50 })
  })

  it('ignores samples not after the newest and non-finite values', () => {
    const ring = new SampleRing(4)
    expect(ring.push({ t: 2, v: 1 })).toBe(true)
    expect(ring.push({ t: 2, v: 2 })).toBe(false)
    expect(ring.push({ t: 1, v: 3 })).toBe(false)
    expect(ring.push({ t: 3, v: Number.NaN })).toBe(false)
    expect(ring.toArray()).toEqual([{ t: 2, v: 1 }])
  })

  it('error: a capacity below 2 is InvalidPrognosticsOptionError', () => {
    expect(() => new SampleRing(1)).toThrow(expect.objectContaining({ name: 'InvalidPrognosticsOptionError' }))
  })
})

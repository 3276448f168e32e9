import { describe, expect, it } from 'vitest'
import { ServedLedger } from '../../src/gateway/served.js'

describe('ServedLedger: only continuous, healthy service is receipted', () => {
  it('covers from the last settlement to the last healthy sighting', () => {
    const l = new ServedLedger(3)
    for (const at of [100, 101, 102, 103, 104]) l.observe(at, true)
    expect(l.coveredUntil(100)).toBe(104)
    expect(l.coveredUntil(102)).toBe(104)
  })

  it('a failure or a silence longer than allowed breaks the run', () => {
    const l = new ServedLedger(3)
    for (const at of [100, 101, 102]) l.observe(at, true)
    l.observe(103, false)
    for (const at of [104, 105]) l.observe(at, true)
    // the run that includes 101 ended at 102; the one after the failure starts at 104
    expect(l.coveredUntil(101)).toBe(102)
    expect(l.coveredUntil(104)).toBe(105)
    expect(l.coveredUntil(103)).toBeNull()
    const quiet = new ServedLedger(3)
    for (const at of [100, 101, 110, 111]) quiet.observe(at, true)
    expect(quiet.coveredUntil(100)).toBe(101)
    expect(quiet.coveredUntil(105)).toBeNull()
  })

  it('never vouches for time before the first sighting or for a single instant', () => {
    const l = new ServedLedger(3)
    l.observe(100, true)
    expect(l.coveredUntil(99)).toBeNull()
    expect(l.coveredUntil(100)).toBeNull()
    l.observe(101, true)
    expect(l.coveredUntil(100)).toBe(101)
  })

  it('ignores sightings that go back in time and forgets what is older than it keeps', () => {
    const l = new ServedLedger(3, 10)
    for (const at of [100, 101, 102]) l.observe(at, true)
    l.observe(50, false)
    expect(l.coveredUntil(100)).toBe(102)
    for (const at of [103, 106, 109, 112, 115]) l.observe(at, true)
    expect(l.coveredUntil(100)).toBeNull()
    expect(l.coveredUntil(106)).toBe(115)
  })
})

describe('ServedLedger across a restart: what an earlier process saw, and no more', () => {
  it('keeps the runs it saw; a restored ledger covers them as before', () => {
    const l = new ServedLedger(3)
    for (const at of [100, 101, 102, 103]) l.observe(at, true)
    l.observe(104, false)
    for (const at of [105, 106]) l.observe(at, true)
    const runs = l.snapshot()
    expect(runs).toEqual([
      { start: 100, end: 103 },
      { start: 105, end: 106 },
    ])
    const back = ServedLedger.restore(runs, 3)
    expect(back.coveredUntil(100)).toBe(103)
    expect(back.coveredUntil(105)).toBe(106)
    expect(back.servedUntil()).toBe(106)
  })

  it('a sighting after the restart never extends a restored run, however soon it comes', () => {
    const back = ServedLedger.restore([{ start: 100, end: 110 }], 3)
    // within the silence allowed: one process would call this continuous, two do not
    for (const at of [111, 112, 113]) back.observe(at, true)
    expect(back.coveredUntil(105)).toBe(110)
    expect(back.coveredUntil(110)).toBeNull()
    expect(back.coveredUntil(111)).toBe(113)
    expect(back.snapshot()).toEqual([
      { start: 100, end: 110 },
      { start: 111, end: 113 },
    ])
  })

  it('ignores sightings older than what it restored and forgets runs past what it keeps', () => {
    const back = ServedLedger.restore([{ start: 100, end: 110 }], 3, 20)
    back.observe(105, true)
    expect(back.snapshot()).toEqual([{ start: 100, end: 110 }])
    back.observe(140, true)
    back.observe(141, true)
    expect(back.snapshot()).toEqual([{ start: 140, end: 141 }])
  })
})

import { describe, expect, it } from 'vitest'
import {
  chartGeometry,
  failoverElapsed,
  formatAmount,
  formatContext,
  formatDuration,
  formatSeriesValue,
  formatTime,
  formatTimeToThreshold,
  formatTokens,
  phaseRows,
  reputationRows,
  shortAddress,
} from '../../src/api/page/format.js'

describe('status page formatting', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1_500, '1.5 s'],
    [59_940, '59.9 s'],
    [125_000, '2 min 5 s'],
    [120_000, '2 min'],
    [3_720_000, '1 h 2 min'],
    [7_200_000, '2 h'],
    [-1, '–'],
    [Number.NaN, '–'],
  ])('formatDuration(%d) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('groups token amounts without losing digits above 2^53', () => {
    expect(formatAmount('1500000000')).toBe('1,500,000,000')
    expect(formatAmount('18446744073709551615')).toBe('18,446,744,073,709,551,615')
    expect(formatAmount('0')).toBe('0')
    expect(formatAmount('12abc')).toBe('12abc')
  })

  it('writes times in UTC and contexts with their spot market', () => {
    expect(formatTime(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000)).toBe('2026-01-02 03:04:05 UTC')
    expect(formatTime(null)).toBe('never')
    expect(formatContext({ kind: 'aws', region: 'eu-central-1', zone: 'eu-central-1a', spot: true })).toBe(
      'aws eu-central-1a (spot)',
    )
    expect(formatContext({ kind: 'workstation', spot: false })).toBe('workstation (on-demand)')
    expect(formatTimeToThreshold(null)).toBe('not in sight')
    expect(formatTimeToThreshold({ earliest: 60, likely: 90, latest: 150 })).toBe('1 min 30 s (1 min – 2 min 30 s)')
    expect(shortAddress('7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU')).toBe('7xKX…gAsU')
  })

  it('measures ended phases, the running one up to now, and gives the terminal one no duration', () => {
    const t0 = Date.UTC(2026, 8, 21, 12, 0, 0)
    const phases = [
      { kind: 'draining', startedAt: t0, endedAt: t0 + 1_500 },
      { kind: 'selecting', startedAt: t0 + 1_500, endedAt: null },
    ]
    expect(phaseRows(phases, t0 + 1_700)).toEqual([
      { kind: 'draining', started: '12:00:00.000', duration: '1.5 s', running: false },
      { kind: 'selecting', started: '12:00:01.500', duration: '200 ms (running)', running: true },
    ])
    expect(failoverElapsed(phases, t0 + 1_700)).toBe('1.7 s')
    const done = [...phases.slice(0, 1), { kind: 'restored', startedAt: t0 + 4_000, endedAt: null }]
    expect(phaseRows(done, t0 + 99_000)[1]).toMatchObject({ duration: '', running: false })
    expect(failoverElapsed(done, t0 + 99_000)).toBe('4.0 s')
    expect(failoverElapsed([], t0)).toBe('–')
  })
})

describe('status page: token units, reputation, charts', () => {
  it('writes amounts in token units with the mint decimals, every digit kept', () => {
    expect(formatTokens('1500000000', 6)).toBe('1,500')
    expect(formatTokens('734000', 6)).toBe('0.734')
    expect(formatTokens('120', 6)).toBe('0.00012')
    expect(formatTokens('0', 9)).toBe('0')
    expect(formatTokens('18446744073709551615', 9)).toBe('18,446,744,073.709551615')
    expect(formatTokens('42', 0)).toBe('42')
    // the mints not read yet: base units, said so
    expect(formatTokens('1500000000', null)).toBe('1,500,000,000 base units')
    expect(formatTokens('12abc', 6)).toBe('12abc')
  })

  it('reputation rows: labels a person reads, durations and payments as such, unknown counters kept', () => {
    expect(
      reputationRows(
        { earned: '2500000', secondsVerified: '90', leasesCompleted: '3', secondsSelfAttested: '0', newCounter: '7' },
        6,
      ),
    ).toEqual([
      { key: 'leasesCompleted', label: 'Leases completed', value: '3' },
      { key: 'secondsVerified', label: 'Service on receipts', value: '1 min 30 s' },
      { key: 'secondsSelfAttested', label: 'Service self-attested', value: '0 s' },
      { key: 'earned', label: 'Earned (net of fees)', value: '2.5' },
      { key: 'newCounter', label: 'newCounter', value: '7' },
    ])
    expect(reputationRows({}, 6)).toEqual([])
  })

  it('chart geometry: points across the box, the threshold on the same scale, one sample as a flat line', () => {
    const g = chartGeometry(
      [
        [100, 0],
        [110, 5],
        [120, 10],
      ],
      10,
      104,
      54,
    )
    expect(g.line).toBe('2.0,52.0 52.0,27.0 102.0,2.0')
    expect(g.thresholdY).toBe(2)
    expect(g).toMatchObject({ min: 0, max: 10, last: 10 })
    expect(chartGeometry([[100, 0.5]], null, 104, 54)).toMatchObject({ line: '2,27.0 102,27.0', thresholdY: null })
    expect(chartGeometry([], 1, 104, 54).line).toBe('')
    expect(formatSeriesValue('memory', 0.583)).toBe('58 %')
    expect(formatSeriesValue('requests', 2.25)).toBe('2.3')
  })
})

import { readFile } from 'node:fs/promises'
import { parseJobSpec, requirementOf } from '@synkti/jobs'
import { describe, expect, it } from 'vitest'
import { assessFits, type FitRules, stakeProblem } from '../src/fit.js'
import { describeMisfit } from '../src/misfit.js'
import { rejection } from '../src/offers.js'
import { EXAMPLE_SPEC } from './support/cli.js'
import { capability, offer } from './support/fixtures.js'

const spec = parseJobSpec(await readFile(EXAMPLE_SPEC, 'utf8'))
const rules: FitRules = { req: requirementOf(spec), cap: 2_000n, marketMinStake: 1_000_000n }

describe('why each provider does or does not fit a spec', () => {
  it('the market minimum applies; --min-stake only when it asks more', () => {
    expect(stakeProblem(1_000_000n, rules)).toBeNull()
    expect(stakeProblem(999_999n, rules)).toEqual({
      kind: 'stake',
      staked: 999_999n,
      minimum: 1_000_000n,
      source: 'market',
    })
    expect(stakeProblem(999_999n, { ...rules, minStake: 10n })).toMatchObject({ source: 'market' })
    expect(stakeProblem(1_500_000n, { ...rules, minStake: 2_000_000n })).toEqual({
      kind: 'stake',
      staked: 1_500_000n,
      minimum: 2_000_000n,
      source: 'option',
    })
  })

  it('lists those that fit first, then every reason of each that does not, then those left out', () => {
    const good = offer({ pricePerSecond: 1_500n })
    const cheapGood = offer({ pricePerSecond: 1_000n })
    const wrongRegionAndDear = offer({
      pricePerSecond: 2_500n,
      capability: capability({ region: 'us-east' }),
    })
    const understaked = offer({ staked: 10n })
    const paused = rejection('P', 'PA', { kind: 'not-active', status: 'paused' })
    const gone = rejection('G', null, { kind: 'no-record', error: 'RecordNotFoundError' })
    const fits = assessFits(
      { offers: [cheapGood, good, wrongRegionAndDear, understaked], rejected: [paused, gone] },
      { ...rules, req: { ...rules.req, regions: ['eu-central'] } },
    )
    expect(fits.map((f) => [f.operator, f.fits])).toEqual([
      [cheapGood.operator, true],
      [good.operator, true],
      [wrongRegionAndDear.operator, false],
      [understaked.operator, false],
      ['P', false],
      ['G', false],
    ])
    expect(fits[0]).toMatchObject({ provider: cheapGood.provider, offer: cheapGood, reasons: [] })
    expect(fits[2]?.reasons).toEqual([
      { kind: 'infeasible', rule: { kind: 'region', allowed: ['eu-central'], have: 'us-east' } },
      { kind: 'price', price: 2_500n, cap: 2_000n },
    ])
    expect(fits[3]?.reasons.map(describeMisfit)).toEqual(["stakes 10, below the market's minimum of 1000000"])
    expect(fits[4]).toMatchObject({ provider: 'PA', offer: null, reasons: [{ kind: 'not-active', status: 'paused' }] })
    expect(fits[5]?.reasons.map(describeMisfit)).toEqual([
      'no valid record on the DHT or unreachable (RecordNotFoundError)',
    ])
  })

  it('says every kind of reason in words', () => {
    expect(describeMisfit({ kind: 'not-registered' })).toBe('not registered in this market')
    expect(describeMisfit({ kind: 'not-active', status: 'exiting' })).toBe('exiting on chain')
    expect(describeMisfit({ kind: 'wrong-market', recordMarket: 'A', accountMarket: 'B' })).toBe(
      'its record is for market A, its account in B',
    )
    expect(describeMisfit({ kind: 'operator-mismatch', provider: 'P', accountOperator: 'O' })).toBe(
      'its record names provider account P, whose operator is O',
    )
    expect(describeMisfit({ kind: 'stake', staked: 1n, minimum: 5n, source: 'option' })).toBe(
      'stakes 1, below the --min-stake minimum of 5',
    )
    expect(describeMisfit({ kind: 'infeasible', rule: { kind: 'gpu-count', need: 2, have: 1 } })).toBe(
      'needs 2 GPU(s), has 1',
    )
    expect(describeMisfit({ kind: 'price', price: 3n, cap: 2n })).toBe('charges 3/s, above the cap of 2/s')
  })
})

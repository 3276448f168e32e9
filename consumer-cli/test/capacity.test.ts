// A provider whose signed record shows its VRAM held by running jobs has no room for another:
// `job run` passes it over (its node would only decline the lease), `--provider` naming it is
// ProviderFullError before any lease, and `providers --for` says so ("full: …"). Pure.
import { readFile } from 'node:fs/promises'
import { parseJobSpec, requirementOf } from '@synkti/jobs'
import { describe, expect, it } from 'vitest'
import { capacityProblem, checkOffer, chooseOffer } from '../src/choose.js'
import { assessFits } from '../src/fit.js'
import { describeMisfit } from '../src/misfit.js'
import { EXAMPLE_SPEC } from './support/cli.js'
import { offer } from './support/fixtures.js'

const spec = parseJobSpec(await readFile(EXAMPLE_SPEC, 'utf8'))
const req = requirementOf(spec) // 16 GB on one GPU
const cap = BigInt(spec.priceCap.perSecond)

describe('free capacity in the signed record', () => {
  // an L4 of 24 GB: one 16 GB job leaves 8 GB, too little for a second
  const full = offer({ pricePerSecond: 1_000n, load: { jobs: 1, gpuUtilization: 16 / 24 } })
  const room = offer({ pricePerSecond: 1_500n, load: { jobs: 0, gpuUtilization: 0 } })

  it('job run passes over a full provider, even the cheapest, and takes one with room', () => {
    expect(chooseOffer([full, room], req, cap)).toBe(room)
  })

  it('with no provider with room, NoSuitableProviderError says each one is full', () => {
    let thrown: Error | undefined
    try {
      chooseOffer([full], req, cap)
    } catch (err) {
      thrown = err as Error
    }
    expect(thrown?.name).toBe('NoSuitableProviderError')
    expect(thrown?.message).toContain(
      `${full.operator} (full: 8 GB of its 24 GB VRAM free (1 job(s) running), the job needs 16 GB)`,
    )
  })

  it('--provider naming a full provider is ProviderFullError, before any lease is opened', () => {
    expect(() => checkOffer(full, req, cap)).toThrow(
      expect.objectContaining({
        name: 'ProviderFullError',
        message: `provider ${full.operator} has no room for the job now: full: 8 GB of its 24 GB VRAM free (1 job(s) running), the job needs 16 GB`,
      }),
    )
    expect(() => checkOffer(room, req, cap)).not.toThrow()
  })

  it('providers --for lists it as not fitting, with the reason and a price above the cap as well', () => {
    const dearAndFull = offer({ pricePerSecond: 5_000n, load: { jobs: 2, gpuUtilization: 1 } })
    const fits = assessFits({ offers: [full, room, dearAndFull], rejected: [] }, { req, cap, marketMinStake: 0n })
    expect(fits.map((f) => [f.operator, f.fits])).toEqual([
      [room.operator, true],
      [full.operator, false],
      [dearAndFull.operator, false],
    ])
    expect(fits[1]?.reasons).toEqual([{ kind: 'full', freeGb: 8, totalGb: 24, needGb: 16, jobs: 1 }])
    expect(fits[2]?.reasons.map(describeMisfit)).toEqual([
      'full: 0 GB of its 24 GB VRAM free (2 job(s) running), the job needs 16 GB',
      `charges 5000/s, above the cap of ${cap}/s`,
    ])
  })

  it('exactly enough room is room; a float share a hair under is no reason to refuse', () => {
    expect(capacityProblem(offer({ load: { jobs: 1, gpuUtilization: 8 / 24 } }), req)).toBeNull()
    expect(capacityProblem(offer({ load: { jobs: 1, gpuUtilization: 1 - 16 / 24 + 1e-12 } }), req)).toBeNull()
  })
})

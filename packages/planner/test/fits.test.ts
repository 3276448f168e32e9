import { describe, expect, it } from 'vitest'
import { type Capability, fits, type Requirement, validateCapability, validateRequirement } from '../src/index.js'

const cap = (over: Partial<Capability> = {}): Capability => ({
  gpu: { model: 'RTX4090', count: 1, vramGb: 24 },
  cloud: 'hetzner',
  region: 'eu-central',
  zone: 'fsn1-dc14',
  spot: false,
  runtimes: ['process', 'vllm'],
  cachedModels: [],
  diskGb: 500,
  ...over,
})
const req = (over: Partial<Requirement> = {}): Requirement => ({
  vramGb: 16,
  gpus: 1,
  spotAllowed: true,
  runtime: 'vllm',
  model: { name: 'llama-3-8b', sizeGb: 16 },
  ...over,
})

describe('fits', () => {
  it('accepts a job that meets every rule', () => {
    expect(fits(req(), cap())).toEqual({ ok: true })
  })

  it('rejects an 80 GB job on a 24 GB card with the VRAM it needed and found', () => {
    expect(fits(req({ vramGb: 80 }), cap())).toEqual({ ok: false, reason: { kind: 'vram', needGb: 80, haveGb: 24 } })
  })

  it('counts only the cards the job uses towards its VRAM', () => {
    const eightCards = cap({ gpu: { model: 'L4', count: 8, vramGb: 24 } })
    expect(fits(req({ vramGb: 80, gpus: 1 }), eightCards)).toMatchObject({ ok: false, reason: { kind: 'vram' } })
    expect(fits(req({ vramGb: 80, gpus: 4 }), eightCards)).toEqual({ ok: true })
  })

  it('rejects too few GPUs before looking at VRAM', () => {
    expect(fits(req({ gpus: 2, vramGb: 1000 }), cap())).toEqual({
      ok: false,
      reason: { kind: 'gpu-count', need: 2, have: 1 },
    })
  })

  it('honours allowed GPU models', () => {
    expect(fits(req({ gpuModels: ['H100'] }), cap())).toMatchObject({ ok: false, reason: { kind: 'gpu-model' } })
    expect(fits(req({ gpuModels: ['H100', 'RTX4090'] }), cap())).toEqual({ ok: true })
  })

  it('honours a region pin', () => {
    expect(fits(req({ regions: ['us-east'] }), cap())).toEqual({
      ok: false,
      reason: { kind: 'region', allowed: ['us-east'], have: 'eu-central' },
    })
  })

  it('keeps jobs that forbid spot off spot machines only', () => {
    expect(fits(req({ spotAllowed: false }), cap({ spot: true }))).toMatchObject({
      ok: false,
      reason: { kind: 'spot' },
    })
    expect(fits(req({ spotAllowed: false }), cap({ spot: false }))).toEqual({ ok: true })
  })

  it('rejects a provider without the runtime', () => {
    expect(fits(req({ runtime: 'container' }), cap())).toMatchObject({ ok: false, reason: { kind: 'runtime' } })
  })

  it('needs disk for uncached weights but not for cached ones', () => {
    const small = cap({ diskGb: 10 })
    expect(fits(req(), small)).toEqual({ ok: false, reason: { kind: 'disk', needGb: 16, haveGb: 10 } })
    expect(fits(req(), { ...small, cachedModels: ['llama-3-8b'] })).toEqual({ ok: true })
  })

  it('names the first failing rule when several fail', () => {
    const r = fits(req({ vramGb: 80, regions: ['us-east'], runtime: 'container' }), cap())
    expect(r).toMatchObject({ ok: false, reason: { kind: 'vram' } })
  })
})

describe('validation', () => {
  it.each([
    ['gpus', { gpus: 0 }],
    ['gpus', { gpus: 1.5 }],
    ['vramGb', { vramGb: Number.NaN }],
    ['runtime', { runtime: 'docker' as never }],
    ['regions', { regions: [] }],
    ['model.sizeGb', { model: { name: 'x', sizeGb: -1 } }],
  ])('rejects a requirement with bad %s', (field, over) => {
    expect(() => validateRequirement(req(over))).toThrow(
      expect.objectContaining({ name: 'InvalidRequirementError', field }),
    )
  })

  it('rejects a capability with no GPUs or an unknown cloud', () => {
    expect(() => validateCapability(cap({ gpu: { model: 'L4', count: 0, vramGb: 24 } }))).toThrow(
      expect.objectContaining({ name: 'InvalidCapabilityError', field: 'gpu.count' }),
    )
    expect(() => validateCapability(cap({ cloud: 'gcp' as never }))).toThrow(
      expect.objectContaining({ name: 'InvalidCapabilityError', field: 'cloud' }),
    )
    expect(validateCapability(cap())).toEqual(cap())
  })
})

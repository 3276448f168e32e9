import { fits } from '@synkti/planner'
import { describe, expect, it } from 'vitest'
import {
  fillPlaceholders,
  isModelJob,
  jobSpecHash,
  modelSizeGb,
  parseJobSpec,
  requirementOf,
  runtimeOf,
  weightsName,
} from '../src/index.js'

const YAML = `
version: 1
name: llm-demo
run:
  kind: command
  command: node
  args: [provider-node/bin/standin-inference.js, --port, "{port}", --model, "{model}"]
model: { name: synkti/standin-1, sizeGb: 1, vramGb: 16 }
gpus: { count: 1 }
priceCap: { perSecond: 2000 }
regions: [eu-central]
spotAllowed: true
health: { path: /health, readyTimeoutSec: 30 }
failover: { policy: migrate, maxDowntimeSec: 60 }
`

const capability = {
  gpu: { model: 'L4', count: 1, vramGb: 24 },
  cloud: 'aws' as const,
  region: 'eu-central',
  zone: 'eu-central-1a',
  spot: true,
  runtimes: ['process' as const],
  cachedModels: [],
  diskGb: 100,
}

function issuesOf(input: unknown): string[] {
  try {
    parseJobSpec(input)
  } catch (err) {
    expect((err as Error).name).toBe('InvalidJobSpecError')
    return (err as { issues: { path: string }[] }).issues.map((i) => i.path)
  }
  throw new Error('expected InvalidJobSpecError')
}

describe('job spec', () => {
  it('parses YAML, fills defaults and keeps the price exact as a string', () => {
    const spec = parseJobSpec(YAML)
    expect(spec.run).toMatchObject({ kind: 'command', command: 'node', env: {} })
    expect(spec.priceCap.perSecond).toBe('2000')
    const big = parseJobSpec(YAML.replace('perSecond: 2000', 'perSecond: "18446744073709551615"'))
    expect(big.priceCap.perSecond).toBe('18446744073709551615')
    const minimal = parseJobSpec(YAML.replace(/health:.*\n/, '').replace(/failover:.*\n/, ''))
    expect(minimal.health).toEqual({ path: '/health', readyTimeoutSec: 600 })
    expect(minimal.failover).toEqual({ policy: 'migrate', maxDowntimeSec: 120 })
  })

  it('reports every bad field by path, at once', () => {
    const bad = YAML.replace('vramGb: 16', 'vramGb: -1').replace('count: 1', 'count: 0').replace('/health', 'health')
    expect(issuesOf(bad).sort()).toEqual(['gpus.count', 'health.path', 'model.vramGb'])
    expect(issuesOf(YAML.replace('perSecond: 2000', 'perSecond: "1e3"'))).toEqual(['priceCap.perSecond'])
    expect(issuesOf(YAML.replace('perSecond: 2000', 'perSecond: "18446744073709551616"'))).toEqual([
      'priceCap.perSecond',
    ])
    expect(issuesOf(`${YAML}extra: 1\n`)).toEqual([''])
    expect(issuesOf(YAML.replace('kind: command', 'kind: vm'))).toEqual(['run.kind'])
  })

  it('names YAML syntax errors and oversized documents', () => {
    expect(issuesOf('version: [1')).toEqual([''])
    expect(issuesOf(`${YAML}#${'x'.repeat(70_000)}`)).toEqual([''])
    expect(issuesOf('just a string')).toEqual([''])
  })

  it('hashes the canonical form: key order does not matter, any field does', () => {
    const spec = parseJobSpec(YAML)
    const reordered = parseJobSpec(Object.fromEntries(Object.entries(spec).reverse()))
    expect(Buffer.from(jobSpecHash(reordered)).toString('hex')).toBe(Buffer.from(jobSpecHash(spec)).toString('hex'))
    const other = parseJobSpec(YAML.replace('sizeGb: 1', 'sizeGb: 2'))
    expect(Buffer.from(jobSpecHash(other)).equals(Buffer.from(jobSpecHash(spec)))).toBe(false)
    expect(jobSpecHash(spec)).toHaveLength(32)
  })

  it('gives the planner a requirement that fits or names the failing rule', () => {
    const spec = parseJobSpec(YAML)
    expect(requirementOf(spec)).toMatchObject({ vramGb: 16, gpus: 1, runtime: 'process', regions: ['eu-central'] })
    expect(fits(requirementOf(spec), capability)).toEqual({ ok: true })
    const big = parseJobSpec(YAML.replace('vramGb: 16', 'vramGb: 40'))
    expect(fits(requirementOf(big), capability)).toMatchObject({ ok: false, reason: { kind: 'vram' } })
    const image = parseJobSpec(YAML.replace('kind: command\n  command: node', 'kind: image\n  image: vllm/vllm'))
    expect(fits(requirementOf(image), capability)).toMatchObject({ ok: false, reason: { kind: 'runtime' } })
  })

  it('fills {port} and {model} in arguments', () => {
    expect(fillPlaceholders(['--port', '{port}', '--model={model}'], { port: 8123, model: 'm/x' })).toEqual([
      '--port',
      '8123',
      '--model=m/x',
    ])
  })
})

const SHA = 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53'
const MODEL_YAML = `
version: 1
name: smollm2
run: { kind: model, engine: auto }
model:
  name: HuggingFaceTB/SmolLM2-135M-Instruct
  sha256: ${SHA}
  sizeBytes: 98362432
  format: gguf
  vramGb: 1
gpus: { count: 1 }
priceCap: { perSecond: 2000 }
spotAllowed: true
`

describe('model job spec (run.kind: model)', () => {
  it('parses: the engine defaults to auto, health stays /health, no command and no args', () => {
    const spec = parseJobSpec(MODEL_YAML)
    expect(spec.run).toEqual({ kind: 'model', engine: 'auto' })
    expect(isModelJob(spec)).toBe(true)
    expect(spec.model).toEqual({
      name: 'HuggingFaceTB/SmolLM2-135M-Instruct',
      sha256: SHA,
      sizeBytes: 98_362_432,
      format: 'gguf',
      vramGb: 1,
    })
    expect(spec.health.path).toBe('/health')
    const tuned = parseJobSpec(MODEL_YAML.replace('engine: auto', 'engine: llamacpp, contextSize: 4096, parallel: 2'))
    expect(tuned.run).toEqual({ kind: 'model', engine: 'llamacpp', contextSize: 4096, parallel: 2 })
    expect(isModelJob(parseJobSpec(YAML))).toBe(false)
  })

  it('refuses a bad sha256, a missing or fractional size, an unknown format or engine, by path', () => {
    expect(issuesOf(MODEL_YAML.replace(SHA, SHA.slice(1)))).toEqual(['model.sha256'])
    expect(issuesOf(MODEL_YAML.replace(SHA, SHA.toUpperCase()))).toEqual(['model.sha256'])
    expect(issuesOf(MODEL_YAML.replace('  sizeBytes: 98362432\n', ''))).toEqual(['model.sizeBytes'])
    expect(issuesOf(MODEL_YAML.replace('sizeBytes: 98362432', 'sizeBytes: 98.5'))).toEqual(['model.sizeBytes'])
    expect(
      issuesOf(MODEL_YAML.replace(`  sha256: ${SHA}\n`, '').replace('format: gguf', 'format: safetensors')),
    ).toEqual(['model.format'])
    expect(issuesOf(MODEL_YAML.replace(`  sha256: ${SHA}\n`, '').replace('  format: gguf\n', '')).sort()).toEqual([
      'model.format',
      'model.sha256',
    ])
    expect(issuesOf(MODEL_YAML.replace('engine: auto', 'engine: tgi'))).toEqual(['run.engine'])
    expect(issuesOf(MODEL_YAML.replace('engine: auto', 'engine: auto, command: sh'))).toEqual(['run'])
    // a model job gives its size in bytes; the size in GB is derived, never a second claim
    expect(issuesOf(MODEL_YAML.replace('vramGb: 1', 'vramGb: 1\n  sizeGb: 1'))).toEqual(['model.sizeGb'])
    // the model fields are reported with the others, all at once
    expect(issuesOf(MODEL_YAML.replace('  sizeBytes: 98362432\n', '').replace('count: 1', 'count: 0')).sort()).toEqual([
      'gpus.count',
      'model.sizeBytes',
    ])
  })

  it('keeps command and image jobs as they were: sizeGb required, weights fields refused', () => {
    expect(issuesOf(YAML.replace('sizeGb: 1, ', ''))).toEqual(['model.sizeGb'])
    expect(issuesOf(YAML.replace('sizeGb: 1,', `sizeGb: 1, sha256: ${SHA},`))).toEqual(['model.sha256'])
  })

  it('the spec hash commits to the weights: another sha256 or size is another lease', () => {
    const spec = parseJobSpec(MODEL_YAML)
    const hex = (s: typeof spec) => Buffer.from(jobSpecHash(s)).toString('hex')
    const otherWeights = parseJobSpec(MODEL_YAML.replace(SHA, `${SHA.slice(0, 63)}0`))
    const otherSize = parseJobSpec(MODEL_YAML.replace('98362432', '98362433'))
    const otherEngine = parseJobSpec(MODEL_YAML.replace('engine: auto', 'engine: llamacpp'))
    expect(new Set([hex(spec), hex(otherWeights), hex(otherSize), hex(otherEngine)]).size).toBe(4)
    expect(hex(parseJobSpec(MODEL_YAML))).toBe(hex(spec))
  })

  it('consumer-cli/examples/smollm2.yaml is such a job, SmolLM2 named by its hash', async () => {
    const { readFile } = await import('node:fs/promises')
    const text = await readFile(new URL('../../../consumer-cli/examples/smollm2.yaml', import.meta.url), 'utf8')
    const spec = parseJobSpec(text)
    expect(isModelJob(spec)).toBe(true)
    expect(spec.run).toEqual({ kind: 'model', engine: 'auto' })
    expect(spec.model).toMatchObject({ sha256: SHA, sizeBytes: 98_362_432, format: 'gguf' })
    expect(fits(requirementOf(spec), capability)).toEqual({ ok: true })
  })

  it('gives the planner the weights by content and size in GB; vllm asks for the vllm runtime', () => {
    const spec = parseJobSpec(MODEL_YAML)
    expect(requirementOf(spec)).toMatchObject({
      runtime: 'process',
      vramGb: 1,
      model: { name: `sha256:${SHA}`, sizeGb: 0.098362432 },
    })
    expect(weightsName(spec)).toBe(`sha256:${SHA}`)
    expect(modelSizeGb(spec)).toBe(0.098362432)
    expect(fits(requirementOf(spec), { ...capability, diskGb: 0.05 })).toMatchObject({
      ok: false,
      reason: { kind: 'disk' },
    })
    // a provider that lists the hash among its cached models needs no room for it
    expect(fits(requirementOf(spec), { ...capability, diskGb: 0.05, cachedModels: [`sha256:${SHA}`] })).toEqual({
      ok: true,
    })
    const vllm = parseJobSpec(MODEL_YAML.replace('engine: auto', 'engine: vllm'))
    expect(runtimeOf(vllm)).toBe('vllm')
    expect(fits(requirementOf(vllm), capability)).toMatchObject({ ok: false, reason: { kind: 'runtime' } })
  })
})

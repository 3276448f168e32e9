import { fits } from '@synkti/planner'
import { describe, expect, it } from 'vitest'
import { fillPlaceholders, jobSpecHash, parseJobSpec, requirementOf } from '../src/index.js'

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

/**
 * The preflight for a model job (`run.kind: model`): the weights by hash (the cache, then the
 * configured sources without fetching), and the engine the job would run on. The verdicts are
 * pure; the probes are run against a temporary cache, literal sources and a narrowed PATH.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { ENGINE_BIN, ModelCache, WeightsNotFoundError, WeightsSourceError } from '@synkti/inference/spawn'
import { MarketClient } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { preflightNeeds } from '../../src/node/admission-service.js'
import {
  type CheckResult,
  chooseEngine,
  evaluateEngine,
  evaluateWeights,
  formatDoctor,
  observeEngines,
  observeModelWeights,
  type PreflightEnv,
  runPreflight,
  type WeightsSourceView,
} from '../../src/preflight/index.js'
import { freePort } from '../../src/runtime/free-port.js'
import { capability, modelSpec } from '../support/nodes.js'

const SHA = 'ab'.repeat(32)
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))

function remedyOf(c: CheckResult): string {
  if (c.status.kind !== 'failed') throw new Error(`${c.id} is ${c.status.kind}, not failed: ${c.observed}`)
  return c.status.remedy
}

/** A source that answers HeadObject as told. */
function source(name: string, answer: { sizeBytes?: number } | Error): WeightsSourceView {
  return {
    name,
    head: async () => {
      if (answer instanceof Error) throw answer
      return answer
    },
  }
}

const weights = { sha256: SHA, sizeBytes: 1234 }

describe('a model job’s weights', () => {
  it('cached: found by hash in <modelDir>/sha256/<hex>, no source asked', async () => {
    const cache = new ModelCache({ dir: tmp('models-') })
    mkdirSync(cache.dir, { recursive: true })
    writeFileSync(cache.pathOf(SHA), 'weights')
    const asked: string[] = []
    const spy: WeightsSourceView = {
      name: 's3://b/sha256/',
      head: async () => {
        asked.push('head')
        return {}
      },
    }
    const o = await observeModelWeights({ weights, cache, sources: [spy], timeoutMs: 1_000 })
    expect(o).toEqual({ kind: 'cached', sha256: SHA, path: cache.pathOf(SHA) })
    expect(asked).toEqual([])
    expect(evaluateWeights(o)).toMatchObject({ status: { kind: 'ok' } })
  })

  it('not cached: the first source that holds them at the job’s length is fetchable', async () => {
    const cache = new ModelCache({ dir: tmp('models-') })
    const o = await observeModelWeights({
      weights,
      cache,
      sources: [
        source('s3://a/sha256/', new WeightsNotFoundError(SHA, 's3://a/sha256/')),
        source('s3://b/sha256/', { sizeBytes: 1234 }),
      ],
      timeoutMs: 1_000,
    })
    expect(o).toMatchObject({ kind: 'in-source', source: 's3://b/sha256/', sizeBytes: 1234 })
    const c = evaluateWeights(o)
    expect(c.status.kind).toBe('ok')
    expect(c.observed).toBe(
      `sha256 ${SHA} not cached; s3://b/sha256/ holds it (1234 bytes), fetched and hash-checked when the job starts`,
    )
  })

  it('absent everywhere: failed, each source’s answer by name, the remedy uploads to the first source', async () => {
    const cache = new ModelCache({ dir: tmp('models-') })
    const o = await observeModelWeights({
      weights,
      cache,
      sources: [
        source('s3://a/sha256/', new WeightsNotFoundError(SHA, 's3://a/sha256/')),
        source('s3://b/sha256/', { sizeBytes: 99 }),
      ],
      timeoutMs: 1_000,
    })
    const c = evaluateWeights(o)
    expect(c.observed).toBe(
      `sha256 ${SHA} not in the model cache (${cache.pathOf(SHA)}); s3://a/sha256/: WeightsNotFoundError; s3://b/sha256/: WeightsSizeMismatchError`,
    )
    expect(remedyOf(c)).toBe(
      `aws s3 cp <file> s3://a/sha256/${SHA} (upload them to a configured source), or cp <file whose sha256 is ${SHA}> ${cache.pathOf(SHA)}`,
    )
  })

  it('no source configured, or none answering: the remedy says which', async () => {
    const cache = new ModelCache({ dir: tmp('models-') })
    const none = evaluateWeights(await observeModelWeights({ weights, cache, sources: [], timeoutMs: 1_000 }))
    expect(none.observed).toContain('no weights source configured')
    expect(remedyOf(none)).toContain('"weightsSources"')
    const down = evaluateWeights(
      await observeModelWeights({
        weights,
        cache,
        sources: [source('s3://a/sha256/', new WeightsSourceError(SHA, 's3://a/sha256/', 'ECONNREFUSED'))],
        timeoutMs: 1_000,
      }),
    )
    expect(down.observed).toContain('s3://a/sha256/: WeightsSourceError')
    expect(remedyOf(down)).toMatch(/^check that s3:\/\/a\/sha256\/ answers and that the AWS SDK finds credentials/)
  })
})

describe('the engine', () => {
  const here = { llamacpp: { bin: '/x/synkti-engine.js', present: true }, vllm: null }

  it('auto and llamacpp run on llama.cpp; doctor says why, vllm found or not', () => {
    expect(chooseEngine(here)).toMatchObject({ ok: true, engine: 'llamacpp' })
    expect(evaluateEngine(here).observed).toBe(
      'auto → llamacpp: synkti-engine at /x/synkti-engine.js (llama.cpp through node-llama-cpp: CUDA, then Vulkan, then the CPU, whichever loads); vllm not on PATH',
    )
    const withVllm = { ...here, vllm: '/usr/bin/vllm' }
    expect(evaluateEngine(withVllm, 'llamacpp').observed).toMatch(
      /^llamacpp \(asked for by name\): .*; vllm found at \/usr\/bin\/vllm, not used: this node does not run vLLM jobs yet$/,
    )
    expect(chooseEngine(withVllm, 'auto')).toMatchObject({ ok: true, engine: 'llamacpp' })
  })

  it('vllm by name is declined; a missing synkti-engine names the reinstall', () => {
    const vllm = evaluateEngine(here, 'vllm')
    expect(vllm.observed).toBe('the job asks for vllm; vllm not on PATH')
    expect(remedyOf(vllm)).toMatch(/^decline: this node serves model jobs with llama.cpp only/)
    const broken = evaluateEngine({ ...here, llamacpp: { bin: '/gone.js', present: false } })
    expect(remedyOf(broken)).toMatch(/^npm ci /)
  })

  it('observes synkti-engine where @synkti/inference ships it, and vllm on PATH', async () => {
    const path = tmp('path-')
    expect(await observeEngines(ENGINE_BIN, { path, timeoutMs: 1_000 })).toEqual({
      llamacpp: { bin: ENGINE_BIN, present: true },
      vllm: null,
    })
    writeFileSync(join(path, 'vllm'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(path, 'vllm'), 0o755)
    expect(await observeEngines(join(path, 'none.js'), { path, timeoutMs: 1_000 })).toEqual({
      llamacpp: { bin: join(path, 'none.js'), present: false },
      vllm: join(path, 'vllm'),
    })
  })
})

describe('spawn preflight of a model job', () => {
  it('checks the engine and the weights by hash (not the served name); absent weights block it', async () => {
    const env: PreflightEnv = {
      keypairPath: join(tmp('op-'), 'operator.json'),
      market: Keypair.generate().publicKey,
      client: new MarketClient({ rpcUrl: `http://127.0.0.1:${await freePort()}` }),
      runtimeCommand: process.execPath,
      declared: capability(),
      modelDir: tmp('models-'),
      path: tmp('path-'),
      timeoutMs: 2_000,
    }
    const spec = modelSpec({ sha256: SHA, sizeBytes: 1234 })
    const report = await runPreflight('spawn', env, preflightNeeds(spec))
    expect(report.checks.map((c) => [c.id, c.status.kind])).toEqual([
      ['runtime', 'ok'],
      ['engine', 'ok'],
      ['gpu', 'unverified'],
      ['disk', 'ok'],
      ['weights', 'failed'],
    ])
    expect(formatDoctor(report)).toContain(`✗ model weights present or fetchable: sha256 ${SHA} not in the model cache`)
    // once cached, the same job is ready, and needs no disk for it
    const cache = new ModelCache({ dir: env.modelDir })
    mkdirSync(cache.dir, { recursive: true })
    writeFileSync(cache.pathOf(SHA), 'weights')
    const ready = await runPreflight('spawn', env, preflightNeeds(spec))
    expect(ready.ok).toBe(true)
    expect(ready.checks.find((c) => c.id === 'disk')?.observed).toContain(`need 0 GB (sha256:${SHA} already on disk)`)
  })
})

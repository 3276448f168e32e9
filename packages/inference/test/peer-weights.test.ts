import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { WeightsUnavailableError } from '../src/errors.js'
import { ModelCache } from '../src/weights/cache.js'
import { type PeerFetch, PeerWeightsSource } from '../src/weights/peer.js'
import { resolveWeights } from '../src/weights/resolve.js'

/** 3 MiB and a bit of noise, named by its hash, as a peer would hold it. */
const FILE = randomBytes(3 * 1024 * 1024 + 4321)
const SHA = createHash('sha256').update(FILE).digest('hex')
const REF = { sha256: SHA, sizeBytes: FILE.byteLength }
const CHUNK = 256 * 1024

interface PeerScript {
  /** the connection breaks after this many bytes of the file have been sent (once) */
  cutAt?: number
  /** the byte at this position is sent flipped */
  flipAt?: number
  /** the peer does not hold the hash */
  absent?: boolean
  /** announces this length instead of the file's */
  announce?: number
}

/** A peer as `PeerFetch` sees it (what provider-node builds on `fetchWeights`), with the offsets it was asked for. */
function peer(script: PeerScript = {}): { fetch: PeerFetch; offsets: number[] } {
  const offsets: number[] = []
  let cut = script.cutAt
  const fetch: PeerFetch = async (sha256, offset) => {
    offsets.push(offset)
    if (script.absent === true || sha256 !== SHA) return null
    const cutAt = cut
    cut = undefined
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let at = offset; at < FILE.byteLength; at += CHUNK) {
        const end = Math.min(FILE.byteLength, at + CHUNK, cutAt ?? Number.POSITIVE_INFINITY)
        if (end <= at) break
        const chunk = Buffer.from(FILE.subarray(at, end))
        if (script.flipAt !== undefined && script.flipAt >= at && script.flipAt < end) {
          chunk[script.flipAt - at] = (chunk[script.flipAt - at] as number) ^ 0xff
        }
        yield chunk
        if (cutAt !== undefined && end >= cutAt) {
          const error = new Error('the stream was reset')
          error.name = 'TransferTruncatedError'
          throw error
        }
      }
    }
    return { sizeBytes: script.announce ?? FILE.byteLength, offset, chunks: chunks() }
  }
  return { fetch, offsets }
}

const dirs: string[] = []
async function tempCache(): Promise<ModelCache> {
  const dir = await mkdtemp(join(tmpdir(), 'synkti-peer-weights-'))
  dirs.push(dir)
  return new ModelCache({ dir })
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

const listing = (cache: ModelCache) => readdir(cache.dir).catch(() => [] as string[])

describe('weights from a peer (PeerWeightsSource)', () => {
  it('fetches the whole file into the cache, hash-checked, and names the peer as the source', async () => {
    const cache = await tempCache()
    const { fetch, offsets } = peer()
    const source = new PeerWeightsSource({ name: 'peer:Alice', fetch })
    const resolved = await resolveWeights(REF, { cache, sources: [source] })
    expect(resolved).toMatchObject({ sha256: SHA, source: 'peer:Alice', sizeBytes: FILE.byteLength })
    expect((await readFile(resolved.path)).equals(FILE)).toBe(true)
    expect(offsets).toEqual([0])
    expect(await listing(cache)).toEqual([SHA])
  })

  it('after a cut, keeps the partial copy and asks only for the rest; nothing is cached until it hashes right', async () => {
    const cache = await tempCache()
    const cutAt = 5 * CHUNK + 1000
    const flaky = peer({ cutAt })
    const source = new PeerWeightsSource({ name: 'peer:Alice', fetch: flaky.fetch })
    await expect(cache.storeResumable(REF, source)).rejects.toMatchObject({
      name: 'WeightsTruncatedError',
      expectedBytes: FILE.byteLength,
      receivedBytes: cutAt,
    })
    expect(await cache.has(SHA)).toBe(false)
    expect((await stat(cache.partialPathOf(SHA))).size).toBe(cutAt)
    expect(await listing(cache)).toEqual([`.${SHA}.partial`])
    // the next attempt (the same peer now whole) resumes from the partial's length
    const path = await cache.storeResumable(REF, source)
    expect(flaky.offsets).toEqual([0, cutAt])
    expect((await readFile(path)).equals(FILE)).toBe(true)
    expect(await listing(cache)).toEqual([SHA])
  })

  it('resolveWeights resumes a broken transfer by itself', async () => {
    const cache = await tempCache()
    const flaky = peer({ cutAt: 7 * CHUNK })
    const resolved = await resolveWeights(REF, {
      cache,
      sources: [new PeerWeightsSource({ name: 'peer:Alice', fetch: flaky.fetch })],
    })
    expect(resolved.source).toBe('peer:Alice')
    expect(flaky.offsets).toEqual([0, 7 * CHUNK])
    expect((await readFile(resolved.path)).equals(FILE)).toBe(true)
  })

  it('refuses a lying peer (one byte wrong): WeightsHashMismatchError, nothing cached, the partial removed', async () => {
    const cache = await tempCache()
    const liar = new PeerWeightsSource({ name: 'peer:Mallory', fetch: peer({ flipAt: 2_000_000 }).fetch })
    await expect(cache.storeResumable(REF, liar)).rejects.toMatchObject({
      name: 'WeightsHashMismatchError',
      expected: SHA,
      source: 'peer:Mallory',
    })
    expect(await listing(cache)).toEqual([])
    // through resolveWeights: the liar's answer is kept by name and the next source is asked
    const honest = peer()
    const resolved = await resolveWeights(REF, {
      cache,
      sources: [liar, new PeerWeightsSource({ name: 'peer:Alice', fetch: honest.fetch })],
    })
    expect(resolved.source).toBe('peer:Alice')
    expect((await readFile(resolved.path)).equals(FILE)).toBe(true)
  })

  it('a resumed prefix that was wrong is found out at the end and thrown away', async () => {
    const cache = await tempCache()
    // a liar sends a bad byte and breaks off; an honest peer sends the rest
    const liar = new PeerWeightsSource({ name: 'peer:Mallory', fetch: peer({ flipAt: 10, cutAt: CHUNK }).fetch })
    await expect(cache.storeResumable(REF, liar)).rejects.toMatchObject({ name: 'WeightsTruncatedError' })
    const honest = new PeerWeightsSource({ name: 'peer:Alice', fetch: peer().fetch })
    await expect(cache.storeResumable(REF, honest)).rejects.toMatchObject({ name: 'WeightsHashMismatchError' })
    expect(await listing(cache)).toEqual([])
    // and the attempt after that starts over and succeeds
    expect((await readFile(await cache.storeResumable(REF, honest))).equals(FILE)).toBe(true)
  })

  it('a peer without the hash, or announcing another size, is refused by name', async () => {
    const cache = await tempCache()
    const error = (await resolveWeights(REF, {
      cache,
      sources: [
        new PeerWeightsSource({ name: 'peer:Bob', fetch: peer({ absent: true }).fetch }),
        new PeerWeightsSource({ name: 'peer:Carol', fetch: peer({ announce: FILE.byteLength + 1 }).fetch }),
        new PeerWeightsSource({
          name: 'peer:Dave',
          fetch: async () => {
            throw new Error('dial failed')
          },
        }),
      ],
    }).catch((e: unknown) => e)) as WeightsUnavailableError
    expect(error.name).toBe('WeightsUnavailableError')
    expect(error.attempts.map((a) => [a.source, a.error.name])).toEqual([
      ['peer:Bob', 'WeightsNotFoundError'],
      ['peer:Carol', 'WeightsSizeMismatchError'],
      ['peer:Dave', 'WeightsSourceError'],
    ])
    expect(await listing(cache)).toEqual([])
  })

  it('a second fetch of the same hash while one holds the partial does not share it', async () => {
    const cache = await tempCache()
    const slow = new PeerWeightsSource({ name: 'peer:Alice', fetch: peer().fetch })
    const [a, b] = await Promise.all([cache.storeResumable(REF, slow), cache.storeResumable(REF, slow)])
    expect(a).toBe(b)
    expect((await readFile(a)).equals(FILE)).toBe(true)
    expect(await listing(cache)).toEqual([SHA])
  })
})

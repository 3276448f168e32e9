import { createHash, type Hash, randomBytes } from 'node:crypto'
import { constants, createReadStream, type Dirent } from 'node:fs'
import { type FileHandle, mkdir, open, readdir, readFile, rename, stat, truncate, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultModelCacheDir, SHA256_HEX } from '../constants.js'
import {
  WeightsHashMismatchError,
  WeightsNotFoundError,
  WeightsSizeMismatchError,
  WeightsSourceError,
  WeightsTruncatedError,
} from '../errors.js'
import { hashFile, parseSha256 } from './hash.js'
import type { WeightsRef, WeightsSource, WeightsStream } from './source.js'

export interface ModelCacheInit {
  /** Default `$SYNKTI_CACHE_DIR/models` (`~/.cache/synkti/models`). */
  dir?: string
}

/** The source name of a file that is already in the cache. */
export const CACHE_SOURCE = 'cache'

/**
 * Content-addressed weights on local disk: `<dir>/sha256/<hex>`. A file is only ever renamed into
 * place after its bytes hashed to its name, so a crash or a bad transfer leaves nothing under a
 * hash name (at most a `.partial` file, removed by the writer on every failure it sees).
 */
export class ModelCache {
  readonly dir: string

  constructor(init: ModelCacheInit = {}) {
    this.dir = join(init.dir ?? defaultModelCacheDir(), 'sha256')
  }

  pathOf(sha256: string): string {
    return join(this.dir, parseSha256(sha256))
  }

  /** Whether a file is stored under the hash (not re-hashed; see `verify`). */
  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile()
    } catch {
      return false
    }
  }

  /**
   * The hashes stored, sorted: every file named by a sha256 (temporary `.partial` files are not
   * listed, and nothing is re-hashed: a file is renamed in only after it hashed to its name). An
   * absent directory is an empty cache.
   */
  async list(): Promise<string[]> {
    let entries: Dirent[]
    try {
      entries = await readdir(this.dir, { withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    return entries
      .filter((e) => e.isFile() && SHA256_HEX.test(e.name))
      .map((e) => e.name)
      .sort()
  }

  /**
   * Re-hashes the stored file; WeightsNotFoundError when absent, WeightsHashMismatchError (and the
   * file is removed, so the next fetch replaces it) when it no longer matches its name.
   */
  async verify(sha256: string, signal?: AbortSignal): Promise<string> {
    const path = this.pathOf(sha256)
    if (!(await this.has(sha256))) throw new WeightsNotFoundError(sha256, CACHE_SOURCE)
    const digest = await hashFile(path, signal)
    if (digest.sha256 !== parseSha256(sha256)) {
      await unlink(path).catch(() => undefined)
      throw new WeightsHashMismatchError(parseSha256(sha256), digest.sha256, `${CACHE_SOURCE} ${path}`)
    }
    return path
  }

  /**
   * Streams `stream` into a temporary file beside the final one, hashing as it goes; renames it
   * to its hash name only when size and hash match (fsync'd first, and the directory after).
   * Throws WeightsSizeMismatchError (announced or received length is not the expected one),
   * WeightsTruncatedError (fewer bytes than announced or expected, including a connection that
   * broke), WeightsHashMismatchError, or WeightsSourceError; in every case the temporary file is
   * gone and nothing is stored.
   */
  async store(ref: WeightsRef, stream: WeightsStream, source: string, signal?: AbortSignal): Promise<string> {
    const sha256 = parseSha256(ref.sha256)
    const expected = ref.sizeBytes ?? stream.sizeBytes
    if (ref.sizeBytes !== undefined && stream.sizeBytes !== undefined && ref.sizeBytes !== stream.sizeBytes) {
      closeBody(stream.body)
      throw new WeightsSizeMismatchError(sha256, ref.sizeBytes, stream.sizeBytes, source)
    }
    await mkdir(this.dir, { recursive: true })
    const final = join(this.dir, sha256)
    const partial = join(this.dir, `.${sha256}.partial.${process.pid}.${randomBytes(4).toString('hex')}`)
    const file = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644)
    let closed = false
    try {
      const hash = createHash('sha256')
      let received = 0
      try {
        for await (const chunk of stream.body) {
          signal?.throwIfAborted()
          received += chunk.byteLength
          if (expected !== undefined && received > expected) {
            throw new WeightsSizeMismatchError(
              sha256,
              expected,
              received,
              source,
              `${source} sent more than the ${expected} bytes of weights ${sha256}`,
            )
          }
          hash.update(chunk)
          await file.write(chunk)
        }
      } catch (error) {
        if (isNamed(error) || signal?.aborted) throw error
        if (expected !== undefined && received < expected) {
          throw new WeightsTruncatedError(sha256, expected, received, source, undefined, { cause: error })
        }
        throw new WeightsSourceError(sha256, source, (error as Error).message, undefined, { cause: error })
      }
      if (expected !== undefined && received < expected) {
        throw new WeightsTruncatedError(sha256, expected, received, source)
      }
      const actual = hash.digest('hex')
      if (actual !== sha256) throw new WeightsHashMismatchError(sha256, actual, source)
      await file.sync()
      await file.close()
      closed = true
      await rename(partial, final)
      await syncDir(this.dir)
      return final
    } catch (error) {
      if (!closed) await file.close().catch(() => undefined)
      await unlink(partial).catch(() => undefined)
      closeBody(stream.body)
      throw error
    }
  }
  /** Where a resumable fetch keeps what arrived so far: `<dir>/sha256/.<hex>.partial`. */
  partialPathOf(sha256: string): string {
    return join(this.dir, `.${parseSha256(sha256)}.partial`)
  }

  /**
   * Fetches from a resumable source (a peer) through `<dir>/sha256/.<hex>.partial`, which
   * survives an interruption: the bytes already there are hashed again and only the rest is
   * asked for (`offset` = the partial's length). Renamed to its hash name only when size and hash
   * match (fsync'd, and the directory after). WeightsTruncatedError (the transfer ended early;
   * the partial is kept for the next attempt), WeightsSourceError (kept too),
   * WeightsHashMismatchError and WeightsSizeMismatchError (the partial is removed: its bytes
   * cannot be trusted). Nothing is ever stored under a hash name it does not have. One fetch per
   * hash holds `.<hex>.partial.lock` (its pid); a second one while it is held (this process or
   * another live one) fetches the whole file through `store` instead.
   */
  async storeResumable(ref: WeightsRef, source: WeightsSource, signal?: AbortSignal): Promise<string> {
    const sha256 = parseSha256(ref.sha256)
    await mkdir(this.dir, { recursive: true })
    const lock = await takeLock(join(this.dir, `.${sha256}.partial.lock`))
    if (lock === undefined) {
      return this.store(
        { ...ref, sha256 },
        await source.open(sha256, { ...(signal ? { signal } : {}) }),
        source.name,
        signal,
      )
    }
    const partial = this.partialPathOf(sha256)
    const final = join(this.dir, sha256)
    let file: FileHandle | undefined
    let stream: WeightsStream | undefined
    let discard = false
    try {
      let have = await sizeOf(partial)
      if (ref.sizeBytes !== undefined && have > ref.sizeBytes) {
        await truncate(partial, 0)
        have = 0
      }
      let hash = await hashPrefix(partial, have, signal)
      stream = await source.open(sha256, { offset: have, ...(signal ? { signal } : {}) })
      const total = stream.sizeBytes
      if (ref.sizeBytes !== undefined && total !== undefined && total !== ref.sizeBytes) {
        discard = true
        throw new WeightsSizeMismatchError(sha256, ref.sizeBytes, total, source.name)
      }
      const from = stream.offset ?? 0
      if (from !== have) {
        if (from !== 0) {
          throw new WeightsSourceError(sha256, source.name, `it started at byte ${from}, ${have} was asked for`)
        }
        // the source starts over: so does the partial copy
        await truncate(partial, 0).catch(() => undefined)
        have = 0
        hash = createHash('sha256')
      }
      const expected = ref.sizeBytes ?? total
      file = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o644)
      let received = have
      try {
        for await (const chunk of stream.body) {
          signal?.throwIfAborted()
          received += chunk.byteLength
          if (expected !== undefined && received > expected) {
            discard = true
            throw new WeightsSizeMismatchError(
              sha256,
              expected,
              received,
              source.name,
              `${source.name} sent more than the ${expected} bytes of weights ${sha256}`,
            )
          }
          hash.update(chunk)
          await file.write(chunk)
        }
      } catch (error) {
        if (isNamed(error) || signal?.aborted) throw error
        if (expected !== undefined && received < expected) {
          throw new WeightsTruncatedError(sha256, expected, received, source.name, undefined, { cause: error })
        }
        throw new WeightsSourceError(sha256, source.name, (error as Error).message, undefined, { cause: error })
      }
      if (expected !== undefined && received < expected) {
        throw new WeightsTruncatedError(sha256, expected, received, source.name)
      }
      const actual = hash.digest('hex')
      if (actual !== sha256) {
        discard = true
        throw new WeightsHashMismatchError(sha256, actual, source.name)
      }
      await file.sync()
      await file.close()
      file = undefined
      await rename(partial, final)
      await syncDir(this.dir)
      return final
    } catch (error) {
      if (stream !== undefined) closeBody(stream.body)
      if (discard) await unlink(partial).catch(() => undefined)
      throw error
    } finally {
      await file?.close().catch(() => undefined)
      await releaseLock(lock)
    }
  }
}

/** The length of a file, 0 when it does not exist. */
async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

/** A sha256 fed with the first `bytes` bytes of `path` (the partial copy a fetch resumes). */
async function hashPrefix(path: string, bytes: number, signal?: AbortSignal): Promise<Hash> {
  const hash = createHash('sha256')
  if (bytes === 0) return hash
  for await (const chunk of createReadStream(path, {
    start: 0,
    end: bytes - 1,
    highWaterMark: 1 << 20,
    ...(signal ? { signal } : {}),
  })) {
    hash.update(chunk as Buffer)
  }
  return hash
}

/**
 * Creates `path` exclusively with this process's pid; undefined when a live process holds it
 * (this one included). A lock whose process is gone is taken over.
 */
async function takeLock(path: string): Promise<string | undefined> {
  if (HELD.has(path)) return undefined
  HELD.add(path)
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644)
        await handle.writeFile(String(process.pid))
        await handle.close()
        return path
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10)
      // our own pid on a lock this process does not hold: left by an earlier run (a container's pid 1)
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) break
      await unlink(path).catch(() => undefined)
    }
  } catch (error) {
    HELD.delete(path)
    throw error
  }
  HELD.delete(path)
  return undefined
}

/** The partial-file locks this process holds (a second fetch of the same hash in it must not resume). */
const HELD = new Set<string>()

async function releaseLock(path: string): Promise<void> {
  await unlink(path).catch(() => undefined)
  HELD.delete(path)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const NAMED = new Set(['WeightsSizeMismatchError', 'WeightsTruncatedError', 'WeightsHashMismatchError'])
function isNamed(error: unknown): boolean {
  return error instanceof Error && NAMED.has(error.name)
}

/** Lets go of a body that was not read to the end, so its socket is released. */
function closeBody(body: AsyncIterable<Uint8Array>): void {
  const destroy = (body as { destroy?: () => void }).destroy
  if (typeof destroy === 'function') destroy.call(body)
}

/** fsync of the directory makes the rename itself durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

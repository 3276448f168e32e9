import { createHash, randomBytes } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import { lpStream } from 'it-length-prefixed-stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ProtocolHandlers,
  SynktiNode,
  WEIGHTS_CHUNK_BYTES,
  WEIGHTS_PROTOCOL,
  type WeightsTransfer,
} from '../src/index.js'
import { LOOPBACK, newKey, waitFor } from './helpers.js'

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/** 1 MiB and a bit: four full frames and a short one. */
const FILE = randomBytes(4 * WEIGHTS_CHUNK_BYTES + 12_345)
const FILE_SHA = sha(FILE)
/** A file that is never materialised: 1 GiB of a repeating pattern, pulled 64 KiB at a time. */
const HUGE_SHA = 'a'.repeat(64)
const HUGE_BYTES = 1 << 30
/** Announces more than its source yields, or less. */
const SHORT_SHA = 'b'.repeat(64)
const LONG_SHA = 'c'.repeat(64)

async function collect(transfer: WeightsTransfer): Promise<{ bytes: Buffer; frames: number[] }> {
  const parts: Uint8Array[] = []
  for await (const chunk of transfer.chunks) parts.push(chunk)
  return { bytes: Buffer.concat(parts), frames: parts.map((p) => p.byteLength) }
}

describe('/synkti/weights/1.0.0', () => {
  let server: SynktiNode
  let client: SynktiNode
  const errors: { name: string; protocol: string }[] = []
  const huge = { pulled: 0, released: false }
  const prefetches: { sha256: string; sizeBytes: number; from: string }[] = []

  const handlers: ProtocolHandlers = {
    weights: async ({ sha256, offset }) => {
      if (sha256 === FILE_SHA) {
        return {
          sizeBytes: FILE.byteLength,
          // one chunk bigger than a frame: the server cuts it
          body: async function* () {
            yield FILE.subarray(offset)
          },
        }
      }
      if (sha256 === HUGE_SHA) {
        return {
          sizeBytes: HUGE_BYTES,
          body: async function* (signal) {
            const block = Buffer.alloc(64 * 1024, 7)
            try {
              for (let at = offset; at < HUGE_BYTES && !signal.aborted; at += block.byteLength) {
                huge.pulled += block.byteLength
                yield block
              }
            } finally {
              huge.released = true
            }
          },
        }
      }
      if (sha256 === SHORT_SHA) {
        return {
          sizeBytes: 1000,
          body: async function* () {
            yield new Uint8Array(600)
          },
        }
      }
      if (sha256 === LONG_SHA) {
        return {
          sizeBytes: 1000,
          body: async function* () {
            yield new Uint8Array(1000)
            yield new Uint8Array(10)
          },
        }
      }
      return null
    },
    prefetchWeights: async ({ sha256, sizeBytes, remotePeer }) => {
      prefetches.push({ sha256, sizeBytes, from: remotePeer.toString() })
      if (sha256 === FILE_SHA) return { accepted: true, cached: true }
      return sizeBytes > 1_000_000 ? { accepted: false, reason: 'no room' } : { accepted: true, cached: false }
    },
  }

  beforeAll(async () => {
    server = await SynktiNode.create({
      privateKey: await newKey(),
      listen: LOOPBACK,
      handlers,
      requestTimeoutMs: 2000,
      transferIdleTimeoutMs: 1500,
      onProtocolError: (err, protocol) => errors.push({ name: err.name, protocol }),
    })
    client = await SynktiNode.create({
      privateKey: await newKey(),
      listen: LOOPBACK,
      requestTimeoutMs: 2000,
      transferIdleTimeoutMs: 1000,
    })
    await client.connect(server.multiaddrs[0] as string)
  })
  afterAll(async () => {
    await Promise.all([server.stop(), client.stop()])
  })

  it('sends the whole file in frames of at most WEIGHTS_CHUNK_BYTES, then ends', async () => {
    const transfer = await client.protocols.fetchWeights(server.peerId, FILE_SHA)
    expect(transfer).toMatchObject({ sha256: FILE_SHA, offset: 0, sizeBytes: FILE.byteLength })
    const { bytes, frames } = await collect(transfer)
    expect(sha(bytes)).toBe(FILE_SHA)
    expect(Math.max(...frames)).toBe(WEIGHTS_CHUNK_BYTES)
    expect(frames).toHaveLength(5)
  })

  it('resumes from an offset: only the bytes after it are sent', async () => {
    const offset = WEIGHTS_CHUNK_BYTES + 777
    const transfer = await client.protocols.fetchWeights(server.peerId, FILE_SHA, { offset })
    expect(transfer).toMatchObject({ offset, sizeBytes: FILE.byteLength })
    const { bytes } = await collect(transfer)
    expect(bytes.equals(FILE.subarray(offset))).toBe(true)
    // at the end: nothing to send, and the transfer still ends cleanly
    const atEnd = await client.protocols.fetchWeights(server.peerId, FILE_SHA, { offset: FILE.byteLength })
    expect((await collect(atEnd)).bytes.byteLength).toBe(0)
  })

  it('refuses by name: a hash it does not cache (not-cached), an offset past the end', async () => {
    const unknown = 'd'.repeat(64)
    await expect(client.protocols.fetchWeights(server.peerId, unknown)).rejects.toMatchObject({
      name: 'WeightsRefusedError',
      reason: 'not-cached',
      sha256: unknown,
      peer: server.operator,
    })
    await expect(
      client.protocols.fetchWeights(server.peerId, FILE_SHA, { offset: FILE.byteLength + 1 }),
    ).rejects.toMatchObject({ name: 'WeightsRefusedError', reason: 'offset-beyond-end' })
  })

  it('rejects a request that does not name a sha256 (MalformedMessageError)', async () => {
    const stream = await client.libp2p.dialProtocol(server.peerId, WEIGHTS_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(json({ type: 'weights-request', sha256: '../../etc/passwd', offset: 0 }))
    const answer = JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))
    expect(answer).toMatchObject({ type: 'error', name: 'MalformedMessageError' })
    await stream.close().catch(() => undefined)
  })

  it('a slow reader holds the server back; reading again resumes it; stopping releases the source', async () => {
    huge.pulled = 0
    huge.released = false
    // its own connection: the window it fills is not in the other tests' way
    const slow = await SynktiNode.create({ privateKey: await newKey(), listen: LOOPBACK })
    try {
      await slow.connect(server.multiaddrs[0] as string)
      const transfer = await slow.protocols.fetchWeights(server.peerId, HUGE_SHA)
      expect(transfer.sizeBytes).toBe(HUGE_BYTES)
      const reader = transfer.chunks[Symbol.asyncIterator]()
      // the source's 64 KiB blocks go out as they come (frames are at most WEIGHTS_CHUNK_BYTES)
      for (let i = 0; i < 2; i++) expect((await reader.next()).value?.byteLength).toBe(64 * 1024)
      // the reader pauses: the server must stop pulling once the flow-control window is full
      const stalledAt = await stableValue(() => huge.pulled)
      expect(stalledAt).toBeGreaterThan(2 * 64 * 1024)
      expect(stalledAt).toBeLessThan(32 * 1024 * 1024)
      let read = 2 * 64 * 1024
      while (read < stalledAt + 8 * WEIGHTS_CHUNK_BYTES) read += (await reader.next()).value?.byteLength ?? 0
      expect(huge.pulled).toBeGreaterThan(stalledAt)
      await reader.return?.()
      await waitFor(() => huge.released, { what: 'the weights source to be released' })
    } finally {
      await slow.stop()
    }
  })

  it('a reader that takes nothing for the idle timeout is cut off by the server', async () => {
    errors.length = 0
    const transfer = await client.protocols.fetchWeights(server.peerId, HUGE_SHA)
    const reader = transfer.chunks[Symbol.asyncIterator]()
    await reader.next()
    await waitFor(() => errors.some((e) => e.name === 'ProtocolTimeoutError' && e.protocol === WEIGHTS_PROTOCOL), {
      what: 'the server to give up on the reader',
    })
    await reader.return?.()
  })

  it('a source that yields fewer or more bytes than it announced: the stream is cut, the reader told by name', async () => {
    errors.length = 0
    const short = await client.protocols.fetchWeights(server.peerId, SHORT_SHA)
    await expect(collect(short)).rejects.toMatchObject({ name: 'TransferTruncatedError', expectedBytes: 1000 })
    await waitFor(() => errors.some((e) => e.name === 'TransferTruncatedError'), { what: 'server-side truncation' })
    const long = await client.protocols.fetchWeights(server.peerId, LONG_SHA)
    await expect(collect(long)).rejects.toMatchObject({ name: 'TransferTruncatedError' })
    await waitFor(() => errors.some((e) => e.name === 'TransferOverrunError'), { what: 'server-side overrun' })
  })

  it('weights-prefetch: the handler decides, the asker learns it (cached, accepted, declined with its reason)', async () => {
    expect(await client.protocols.prefetchWeights(server.peerId, FILE_SHA, FILE.byteLength)).toEqual({
      accepted: true,
      cached: true,
    })
    expect(await client.protocols.prefetchWeights(server.peerId, 'e'.repeat(64), 1000)).toEqual({
      accepted: true,
      cached: false,
    })
    expect(await client.protocols.prefetchWeights(server.peerId, 'e'.repeat(64), 2_000_000)).toEqual({
      accepted: false,
      reason: 'no room',
    })
    expect(prefetches.map((p) => p.from)).toEqual(Array(3).fill(client.peerId.toString()))
    // a size that is no length is malformed before the handler hears of it
    const stream = await client.libp2p.dialProtocol(server.peerId, WEIGHTS_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(json({ type: 'weights-prefetch', sha256: FILE_SHA, sizeBytes: -1 }))
    expect(JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))).toMatchObject({
      type: 'error',
      name: 'MalformedMessageError',
    })
    await stream.close().catch(() => undefined)
    expect(prefetches).toHaveLength(3)
  })

  describe('a lying server', () => {
    let liar: SynktiNode
    /** what the liar does after reading the request, by the hash asked for */
    const scripts = new Map<string, (lp: ReturnType<typeof lpStream<Stream>>) => Promise<void>>()

    beforeAll(async () => {
      liar = await SynktiNode.create({ privateKey: await newKey(), listen: LOOPBACK })
      await liar.libp2p.handle(WEIGHTS_PROTOCOL, async ({ stream }) => {
        const lp = lpStream(stream)
        const request = JSON.parse(new TextDecoder().decode((await lp.read()).subarray())) as { sha256: string }
        try {
          await scripts.get(request.sha256)?.(lp)
          await stream.close()
        } catch (err) {
          stream.abort(err as Error)
        }
      })
      await client.connect(liar.multiaddrs[0] as string)
    })
    afterAll(async () => {
      await liar.stop()
    })

    async function fetchFromLiar(sha256: string, script: (lp: ReturnType<typeof lpStream<Stream>>) => Promise<void>) {
      scripts.set(sha256, script)
      const transfer = await client.protocols.fetchWeights(liar.peerId, sha256)
      return collect(transfer)
    }
    const header = (sha256: string, sizeBytes: number) => json({ type: 'weights-header', sha256, offset: 0, sizeBytes })

    it('fewer bytes than announced, then the stream ends → TransferTruncatedError', async () => {
      const h = '1'.repeat(64)
      await expect(
        fetchFromLiar(h, async (lp) => {
          await lp.write(header(h, 1000))
          await lp.write(new Uint8Array(600))
        }),
      ).rejects.toMatchObject({ name: 'TransferTruncatedError', expectedBytes: 1000, receivedBytes: 600 })
    })

    it('more bytes than announced (a frame past the end, or data instead of the end) → TransferOverrunError', async () => {
      const h = '2'.repeat(64)
      await expect(
        fetchFromLiar(h, async (lp) => {
          await lp.write(header(h, 1000))
          await lp.write(new Uint8Array(1500))
        }),
      ).rejects.toMatchObject({ name: 'TransferOverrunError', expectedBytes: 1000 })
      const h2 = '3'.repeat(64)
      await expect(
        fetchFromLiar(h2, async (lp) => {
          await lp.write(header(h2, 1000))
          await lp.write(new Uint8Array(1000))
          await lp.write(new Uint8Array(100))
        }),
      ).rejects.toMatchObject({ name: 'TransferOverrunError', expectedBytes: 1000 })
    })

    it('a frame over WEIGHTS_CHUNK_BYTES is refused before it is read → MessageTooLargeError', async () => {
      const h = '4'.repeat(64)
      await expect(
        fetchFromLiar(h, async (lp) => {
          await lp.write(header(h, 4 * WEIGHTS_CHUNK_BYTES))
          await lp.write(new Uint8Array(WEIGHTS_CHUNK_BYTES + 1))
        }),
      ).rejects.toMatchObject({ name: 'MessageTooLargeError' })
    })

    it('a header for another hash → MalformedMessageError; a header then silence → ProtocolTimeoutError', async () => {
      const h = '5'.repeat(64)
      scripts.set(h, async (lp) => {
        await lp.write(header('6'.repeat(64), 10))
      })
      await expect(client.protocols.fetchWeights(liar.peerId, h)).rejects.toMatchObject({
        name: 'MalformedMessageError',
      })
      const h2 = '7'.repeat(64)
      await expect(
        fetchFromLiar(h2, async (lp) => {
          await lp.write(header(h2, 10))
          await new Promise((resolve) => setTimeout(resolve, 3000))
        }),
      ).rejects.toMatchObject({ name: 'ProtocolTimeoutError' })
    })
  })
})

/** Polls until `read()` stops changing for several intervals; returns the settled value. */
async function stableValue(read: () => number, intervalMs = 50, rounds = 6): Promise<number> {
  let last = read()
  let same = 0
  return waitFor(
    () => {
      const now = read()
      same = now === last ? same + 1 : 0
      last = now
      return same >= rounds ? now : undefined
    },
    { intervalMs, what: 'the weights writer to stall' },
  )
}

import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface'
import { lpStream } from 'it-length-prefixed-stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CHALLENGE_PROTOCOL,
  HANDOFF_PROTOCOL,
  JOB_PROTOCOL,
  LOGS_PROTOCOL,
  type ProtocolHandlers,
  RECEIPT_PROTOCOL,
  SIGNING_DOMAIN,
  STATUS_PROTOCOL,
  SynktiNode,
  solanaAddressOf,
} from '../src/index.js'
import { signPayload } from '../src/signing.js'
import { LOOPBACK, newAddress, newKey, waitFor } from './helpers.js'

const TIMEOUT_MS = 400

interface Seen {
  jobs: unknown[]
  offers: unknown[]
  confirms: unknown[]
  nonces: Uint8Array[]
  errors: { name: string; protocol: string }[]
  receipts: unknown[]
  logPulls: number
  logsFinished: boolean
}

describe('direct protocols', () => {
  let server: SynktiNode
  let serverKey: Ed25519PrivateKey
  let client: SynktiNode
  let clientKey: Ed25519PrivateKey
  let lease: string
  const seen: Seen = {
    jobs: [],
    offers: [],
    confirms: [],
    nonces: [],
    errors: [],
    receipts: [],
    logPulls: 0,
    logsFinished: false,
  }

  const handlers: ProtocolHandlers = {
    job: async (request) => {
      seen.jobs.push(request)
      return request.spec.image === 'bad'
        ? { accepted: false, reason: 'image not allowed' }
        : { accepted: true, jobId: 'job-1' }
    },
    status: async () => ({ jobs: 3, phase: 'serving' }),
    handoff: {
      offer: async (offer) => {
        seen.offers.push(offer)
        return offer.job.model === 'too-big'
          ? { accept: false, reason: 'no room' }
          : { accept: true, transaction: Uint8Array.from([1, 2, 3, 4]) }
      },
      confirm: async (confirmation) => {
        seen.confirms.push(confirmation)
      },
    },
    measure: async (nonce) => {
      seen.nonces.push(nonce)
      return { gpuModel: 'H100', matmulMs: 12.5 }
    },
    logs: (jobId, signal) => infiniteLog(jobId, signal),
    receipt: async (submission) => {
      seen.receipts.push(submission)
      return submission.requests === '0'
        ? { accepted: false, reason: 'InvalidReceiptError: nothing served' }
        : { accepted: true }
    },
  }

  async function* infiniteLog(jobId: string, signal: AbortSignal): AsyncGenerator<string> {
    try {
      if (jobId === 'short') {
        yield* ['one', 'two', 'three']
        return
      }
      if (jobId === 'long') {
        yield* ['\u0001'.repeat(5000), 'after']
        return
      }
      for (let i = 0; !signal.aborted; i++) {
        seen.logPulls++
        yield `${jobId} line ${i} ${'x'.repeat(1000)}`
      }
    } finally {
      seen.logsFinished = true
    }
  }

  beforeAll(async () => {
    serverKey = await newKey()
    clientKey = await newKey()
    lease = await newAddress()
    server = await SynktiNode.create({
      privateKey: serverKey,
      listen: LOOPBACK,
      handlers,
      requestTimeoutMs: TIMEOUT_MS,
      logIdleTimeoutMs: 2000,
      onProtocolError: (err, protocol) => seen.errors.push({ name: err.name, protocol }),
    })
    client = await SynktiNode.create({ privateKey: clientKey, listen: LOOPBACK, requestTimeoutMs: TIMEOUT_MS })
    await client.connect(server.multiaddrs[0] as string)
  })
  afterAll(async () => {
    await Promise.all([server.stop(), client.stop()])
  })

  /** Sends raw frames on `protocol` and returns the server's answer (or error message). */
  async function raw(protocol: string, frames: Uint8Array[], peer: PeerId = server.peerId): Promise<unknown> {
    const stream = await client.libp2p.dialProtocol(peer, protocol)
    const lp = lpStream(stream)
    for (const frame of frames) await lp.write(frame)
    const answer = JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))
    await stream.close().catch(() => undefined)
    return answer
  }
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

  async function expectServerError(protocol: string, frames: Uint8Array[], name: string): Promise<void> {
    seen.errors.length = 0
    const answer = await raw(protocol, frames)
    expect(answer).toMatchObject({ type: 'error', name })
    await waitFor(() => seen.errors.some((e) => e.name === name && e.protocol === protocol), { what: name })
  }

  describe('/synkti/job/1.0.0', () => {
    it('accepts a signed submission and hands the handler the verified consumer', async () => {
      const decision = await client.protocols.submitJob(server.peerId, {
        lease,
        spec: { image: 'vllm', model: 'llama' },
      })
      expect(decision).toEqual({ accepted: true, jobId: 'job-1' })
      expect(seen.jobs.at(-1)).toMatchObject({ lease, consumer: client.operator, spec: { image: 'vllm' } })
    })

    it('passes a rejection back with its reason', async () => {
      const decision = await client.protocols.submitJob(server.peerId, { lease, spec: { image: 'bad' } })
      expect(decision).toEqual({ accepted: false, reason: 'image not allowed' })
    })

    it('refuses a submission not signed by the consumer it names (BadSignatureError)', async () => {
      const other = await newKey()
      const body = { lease, consumer: solanaAddressOf(other.publicKey), spec: {}, submittedAt: 1 }
      const signature = await signPayload(clientKey, SIGNING_DOMAIN.jobSubmit, body)
      await expectServerError(JOB_PROTOCOL, [json({ type: 'job-submit', body, signature })], 'BadSignatureError')
    })

    it('refuses a signature made for another message kind (domain separation)', async () => {
      const body = { lease, consumer: client.operator, spec: {}, submittedAt: 1 }
      const signature = await signPayload(clientKey, SIGNING_DOMAIN.handoffOffer, body)
      await expectServerError(JOB_PROTOCOL, [json({ type: 'job-submit', body, signature })], 'BadSignatureError')
    })

    it('rejects non-JSON, schema violations, unknown types and oversized frames by name', async () => {
      await expectServerError(JOB_PROTOCOL, [new TextEncoder().encode('{not json')], 'MalformedMessageError')
      await expectServerError(JOB_PROTOCOL, [json({ type: 'job-submit', body: { lease } })], 'MalformedMessageError')
      await expectServerError(JOB_PROTOCOL, [json({ type: 'job-delete' })], 'UnknownMessageTypeError')
      await expectServerError(JOB_PROTOCOL, [json({ type: 'status-request' })], 'UnknownMessageTypeError')
      await expectServerError(JOB_PROTOCOL, [new Uint8Array(64 * 1024 + 1)], 'MessageTooLargeError')
    })

    it('refuses to send a spec beyond the limit (MessageTooLargeError, nothing sent)', async () => {
      const before = seen.jobs.length
      await expect(
        client.protocols.submitJob(server.peerId, { lease, spec: { blob: 'x'.repeat(70_000) } }),
      ).rejects.toMatchObject({ name: 'MessageTooLargeError' })
      expect(seen.jobs.length).toBe(before)
    })
  })

  describe('/synkti/status/1.0.0', () => {
    it("returns the node's own answer, signed by the dialled peer over our nonce", async () => {
      const { body } = await client.protocols.askStatus(server.peerId)
      expect(body.operator).toBe(server.operator)
      expect(body.status).toEqual({ jobs: 3, phase: 'serving' })
    })

    describe('answers the caller must not believe', () => {
      let liar: SynktiNode
      let liarKey: Ed25519PrivateKey
      let forge: (nonce: string) => Promise<unknown>

      beforeAll(async () => {
        liarKey = await newKey()
        liar = await SynktiNode.create({ privateKey: liarKey, listen: LOOPBACK })
        await liar.libp2p.handle(STATUS_PROTOCOL, async ({ stream }) => {
          const lp = lpStream(stream)
          const request = JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))
          await lp.write(json(await forge(request.nonce)))
          await stream.close()
        })
        await client.connect(liar.multiaddrs[0] as string)
      })
      afterAll(async () => liar.stop())

      const signedBy = async (key: Ed25519PrivateKey, body: Record<string, unknown>) => ({
        type: 'status-response',
        body,
        signature: await signPayload(key, SIGNING_DOMAIN.statusResponse, body),
      })

      it("naming another operator (someone else's valid answer) → UnexpectedSignerError", async () => {
        forge = (nonce) => signedBy(serverKey, { operator: server.operator, nonce, at: 1, status: {} })
        await expect(client.protocols.askStatus(liar.peerId)).rejects.toMatchObject({ name: 'UnexpectedSignerError' })
      })

      it('signed by a key other than the dialled peer → BadSignatureError', async () => {
        forge = (nonce) => signedBy(serverKey, { operator: liar.operator, nonce, at: 1, status: {} })
        await expect(client.protocols.askStatus(liar.peerId)).rejects.toMatchObject({ name: 'BadSignatureError' })
      })

      it('echoing a different nonce (a replayed answer) → NonceMismatchError', async () => {
        const old = Buffer.alloc(32, 1).toString('base64')
        forge = () => signedBy(liarKey, { operator: liar.operator, nonce: old, at: 1, status: {} })
        await expect(client.protocols.askStatus(liar.peerId)).rejects.toMatchObject({ name: 'NonceMismatchError' })
      })

      it('not a status answer → MalformedMessageError / UnexpectedMessageError', async () => {
        forge = async () => ({ type: 'status-response', body: { operator: liar.operator } })
        await expect(client.protocols.askStatus(liar.peerId)).rejects.toMatchObject({ name: 'MalformedMessageError' })
        forge = async () => ({ type: 'job-accepted', jobId: 'x' })
        await expect(client.protocols.askStatus(liar.peerId)).rejects.toMatchObject({ name: 'UnexpectedMessageError' })
      })

      it('an error message from the peer → RemoteError carrying its name', async () => {
        forge = async () => ({ type: 'error', name: 'NoCapacityError', message: 'full' })
        await expect(client.protocols.askStatus(liar.peerId)).rejects.toMatchObject({
          name: 'RemoteError',
          remoteName: 'NoCapacityError',
        })
      })
    })

    it('rejects a malformed request by name', async () => {
      await expectServerError(
        STATUS_PROTOCOL,
        [json({ type: 'status-request', nonce: 'short' })],
        'MalformedMessageError',
      )
    })
  })

  describe('/synkti/receipt/1.0.0', () => {
    const receipt = () => ({
      lease,
      provider: lease,
      from: 1_700_000_000,
      until: 1_700_000_030,
      requests: '42',
      digest: Buffer.alloc(32, 3).toString('base64'),
      signer: lease,
      signature: Buffer.alloc(64, 9).toString('base64'),
    })

    it('hands the node the receipt as sent and passes its answer back', async () => {
      expect(await client.protocols.submitReceipt(server.peerId, receipt())).toEqual({ accepted: true })
      expect(seen.receipts.at(-1)).toMatchObject({ ...receipt(), remotePeer: client.peerId })
      expect(await client.protocols.submitReceipt(server.peerId, { ...receipt(), requests: '0' })).toEqual({
        accepted: false,
        reason: 'InvalidReceiptError: nothing served',
      })
    })

    it('rejects a digest or signature of the wrong length, and a non-decimal count, by name', async () => {
      const bad = [
        { ...receipt(), digest: 'AAAA' },
        { ...receipt(), signature: Buffer.alloc(63).toString('base64') },
        { ...receipt(), requests: '-1' },
      ]
      for (const r of bad) {
        await expectServerError(RECEIPT_PROTOCOL, [json({ type: 'receipt-submit', ...r })], 'MalformedMessageError')
      }
    })
  })

  describe('/synkti/challenge/1.0.0', () => {
    it('binds the injected measurement to the nonce and signs it', async () => {
      const nonce = new Uint8Array(32).fill(7)
      const { body } = await client.protocols.challenge(server.peerId, nonce)
      expect(body.measurement).toEqual({ gpuModel: 'H100', matmulMs: 12.5 })
      expect(Buffer.from(body.nonce, 'base64')).toEqual(Buffer.from(nonce))
      expect(seen.nonces.at(-1)).toEqual(nonce)
    })

    it('rejects a nonce of the wrong length', async () => {
      await expectServerError(CHALLENGE_PROTOCOL, [json({ type: 'challenge', nonce: 'AAAA' })], 'MalformedMessageError')
    })
  })

  describe('/synkti/handoff/1.0.0', () => {
    it('offer → signed accept with the partial transaction → co-sign → confirm → done', async () => {
      const cosigned: Uint8Array[] = []
      const outcome = await client.protocols.handoff(
        server.peerId,
        { lease, job: { model: 'llama' }, deadline: 2_000_000_000 },
        async (tx) => {
          cosigned.push(tx)
          return '5sig'
        },
      )
      expect(outcome).toMatchObject({ accepted: true, transactionSignature: '5sig' })
      expect(cosigned).toEqual([Uint8Array.from([1, 2, 3, 4])])
      expect(seen.offers.at(-1)).toMatchObject({ lease, from: client.operator, to: server.operator })
      expect(seen.confirms.at(-1)).toMatchObject({ lease, transactionSignature: '5sig' })
    })

    it('passes a decline back without calling the co-signer', async () => {
      let called = false
      const outcome = await client.protocols.handoff(
        server.peerId,
        { lease, job: { model: 'too-big' }, deadline: 2_000_000_000 },
        async () => {
          called = true
          return 'never'
        },
      )
      expect(outcome).toEqual({ accepted: false, reason: 'no room' })
      expect(called).toBe(false)
    })

    it('refuses an offer whose giver is not the dialling peer (UnexpectedSignerError)', async () => {
      const impostor = await newKey()
      const body = {
        lease,
        from: solanaAddressOf(impostor.publicKey),
        to: server.operator,
        job: {},
        deadline: 1,
      }
      const signature = await signPayload(impostor, SIGNING_DOMAIN.handoffOffer, body)
      await expectServerError(
        HANDOFF_PROTOCOL,
        [json({ type: 'handoff-offer', body, signature })],
        'UnexpectedSignerError',
      )
    })

    /** Opens a hand-off as the client, reads the accept, then sends `second`; returns the answer. */
    async function afterAccept(second: (confirmBody: Record<string, unknown>) => Promise<unknown>): Promise<unknown> {
      const offer = { lease, from: client.operator, to: server.operator, job: { model: 'llama' }, deadline: 1 }
      const stream = await client.libp2p.dialProtocol(server.peerId, HANDOFF_PROTOCOL)
      const lp = lpStream(stream)
      const read = async () => JSON.parse(new TextDecoder().decode((await lp.read()).subarray()))
      const signature = await signPayload(clientKey, SIGNING_DOMAIN.handoffOffer, offer)
      await lp.write(json({ type: 'handoff-offer', body: offer, signature }))
      expect(await read()).toMatchObject({ type: 'handoff-accept' })
      await lp.write(
        json(await second({ lease, from: client.operator, to: server.operator, transactionSignature: 'x' })),
      )
      const answer = await read()
      await stream.close().catch(() => undefined)
      return answer
    }

    it('after an accept: a confirmation not signed by the giver → BadSignatureError; nothing confirmed', async () => {
      const confirmed = seen.confirms.length
      const impostor = await newKey()
      const answer = await afterAccept(async (body) => ({
        type: 'handoff-confirm',
        body,
        signature: await signPayload(impostor, SIGNING_DOMAIN.handoffConfirm, body),
      }))
      expect(answer).toMatchObject({ type: 'error', name: 'BadSignatureError' })
      expect(seen.confirms.length).toBe(confirmed)
    })

    it('after an accept: a confirmation for another lease → UnexpectedSignerError; another type → UnexpectedMessageError', async () => {
      const other = await newAddress()
      const wrongLease = await afterAccept(async (body) => {
        const moved = { ...body, lease: other }
        return {
          type: 'handoff-confirm',
          body: moved,
          signature: await signPayload(clientKey, SIGNING_DOMAIN.handoffConfirm, moved),
        }
      })
      expect(wrongLease).toMatchObject({ type: 'error', name: 'UnexpectedSignerError' })
      const outOfTurn = await afterAccept(async () => ({ type: 'job-accepted', jobId: 'x' }))
      expect(outOfTurn).toMatchObject({ type: 'error', name: 'UnexpectedMessageError' })
    })

    it('refuses a confirmation that arrives without an offer', async () => {
      await expectServerError(HANDOFF_PROTOCOL, [json({ type: 'handoff-confirm' })], 'UnknownMessageTypeError')
    })
  })

  describe('/synkti/logs/1.0.0', () => {
    it('streams every line then ends', async () => {
      const lines: string[] = []
      for await (const line of client.protocols.streamLogs(server.peerId, 'short')) lines.push(line)
      expect(lines).toEqual(['one', 'two', 'three'])
    })

    it('cuts a line whose frame would exceed the limit, and carries on', async () => {
      const lines: string[] = []
      for await (const line of client.protocols.streamLogs(server.peerId, 'long')) lines.push(line)
      expect(lines).toHaveLength(2)
      const cut = lines[0] as string
      expect(cut.endsWith('…')).toBe(true)
      expect(cut.length).toBeLessThan(2000)
      expect(cut.slice(0, -1)).toBe('\u0001'.repeat(cut.length - 1))
      expect(lines[1]).toBe('after')
    })

    it('a slow reader holds the writer back; reading again resumes it; stopping ends the source', async () => {
      seen.logPulls = 0
      seen.logsFinished = false
      // its own connection: the flow-control window it fills is not in the other tests' way
      const slow = await SynktiNode.create({ privateKey: await newKey(), listen: LOOPBACK })
      await slow.connect(server.multiaddrs[0] as string)
      const reader = slow.protocols.streamLogs(server.peerId, 'job-9')[Symbol.asyncIterator]()
      for (let i = 0; i < 3; i++) expect((await reader.next()).value).toMatch(`job-9 line ${i} `)
      // The reader now stops. The writer must stall once the flow-control window is full.
      const stalledAt = await stableValue(() => seen.logPulls)
      expect(stalledAt).toBeGreaterThan(3)
      expect(stalledAt).toBeLessThan(5_000)
      for (let i = 3; i < stalledAt + 50; i++) expect((await reader.next()).value).toMatch(`job-9 line ${i} `)
      expect(seen.logPulls).toBeGreaterThan(stalledAt)
      await reader.return?.()
      await waitFor(() => seen.logsFinished, { what: 'the log source to be released' })
      await slow.stop()
    })

    it('rejects a request without a job id', async () => {
      await expectServerError(LOGS_PROTOCOL, [json({ type: 'logs-request', jobId: '' })], 'MalformedMessageError')
    })
  })

  describe('timeouts', () => {
    it('a peer that never answers is cut off with ProtocolTimeoutError', async () => {
      const staller = await SynktiNode.create({ privateKey: await newKey(), listen: LOOPBACK })
      try {
        // speaks the protocol id, then says nothing
        await staller.libp2p.handle(STATUS_PROTOCOL, () => undefined)
        await client.connect(staller.multiaddrs[0] as string)
        await expect(client.protocols.askStatus(staller.peerId)).rejects.toMatchObject({
          name: 'ProtocolTimeoutError',
        })
      } finally {
        await staller.stop()
      }
    })

    it('a caller that opens a stream and sends nothing is cut off by the server', async () => {
      seen.errors.length = 0
      const stream = await client.libp2p.dialProtocol(server.peerId, JOB_PROTOCOL)
      await waitFor(() => seen.errors.some((e) => e.name === 'ProtocolTimeoutError' && e.protocol === JOB_PROTOCOL), {
        what: 'server-side timeout',
      })
      stream.abort(new Error('test done'))
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
    { intervalMs, what: 'the log writer to stall' },
  )
}

import { randomBytes } from 'node:crypto'
import type { Ed25519PrivateKey, Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import {
  CHALLENGE_PROTOCOL,
  HANDOFF_PROTOCOL,
  JOB_PROTOCOL,
  LOGS_PROTOCOL,
  NONCE_BYTES,
  RECEIPT_PROTOCOL,
  SIGNING_DOMAIN,
  STATUS_PROTOCOL,
  WEIGHTS_PROTOCOL,
} from '../constants.js'
import {
  MalformedMessageError,
  NonceMismatchError,
  TransferOverrunError,
  TransferTruncatedError,
  UnexpectedSignerError,
  WeightsRefusedError,
} from '../errors.js'
import { peerIdToSolanaAddress, solanaAddressOf } from '../identity.js'
import type { Clock } from '../record/codec.js'
import { decodeBase64, encodeBase64 } from '../signing.js'
import { abortReason, MessageChannel } from './channel.js'
import { protocolFrameLimit, protocolLimit } from './limits.js'
import {
  type ChallengeBody,
  challengeResponseSchema,
  handoffAcceptSchema,
  handoffDeclineSchema,
  handoffDoneSchema,
  type JsonObject,
  jobAcceptedSchema,
  jobRejectedSchema,
  logLineSchema,
  logsEndSchema,
  type ReceiptSubmitMessage,
  receiptAcceptedSchema,
  receiptRejectedSchema,
  type StatusBody,
  statusResponseSchema,
  weightsEndSchema,
  weightsHeaderSchema,
  weightsPrefetchAcceptedSchema,
  weightsPrefetchDeclinedSchema,
  weightsRefusedSchema,
} from './messages.js'
import type { JobDecision, ReceiptDecision, WeightsPrefetchDecision } from './types.js'
import { requireSignedBy, type Signed, signBody } from './verify.js'

export interface ProtocolClientInit {
  timeoutMs: number
  logIdleTimeoutMs: number
  transferIdleTimeoutMs: number
}

export interface FetchWeightsOptions {
  /** first byte wanted (default 0): the length of a partial copy, to resume it */
  offset?: number
  /** aborts the transfer (the stream is aborted, the server's source released) */
  signal?: AbortSignal
}

/** Weights on their way from a peer: the whole file's length and its bytes from `offset`. */
export interface WeightsTransfer {
  sha256: string
  offset: number
  /** the whole file's length, as the peer announced it */
  sizeBytes: number
  /**
   * Exactly `sizeBytes - offset` bytes, a frame at a time, each read only when asked for (a slow
   * consumer slows the peer). Throws TransferTruncatedError (the stream ended early),
   * TransferOverrunError (more than announced), MessageTooLargeError (a frame over
   * WEIGHTS_CHUNK_BYTES), ProtocolTimeoutError (no frame for the transfer idle timeout).
   * Iterate it once; stopping early aborts the stream.
   */
  chunks: AsyncIterable<Uint8Array>
}

/** One open outbound stream, bound to the authenticated peer at the other end. */
interface Session {
  channel: MessageChannel
  /** the peer Noise authenticated: whatever it signs must verify against this key */
  remotePeer: PeerId
  remoteOperator: string
  step: () => AbortSignal
}

export interface JobSubmission {
  lease: string
  spec: JsonObject
}

export interface HandoffRequest {
  lease: string
  job: JsonObject
  /** unix seconds by which the hand-off must be confirmed */
  deadline: number
}

/** Co-signs and submits the taker's migrate_lease; returns the transaction signature. */
export type CoSignAndSubmit = (transaction: Uint8Array, taker: PeerId) => Promise<string>

export type HandoffOutcome =
  | { accepted: true; transactionSignature: string; accept: Signed<{ transaction: string }> }
  | { accepted: false; reason: string }

/** The caller's side of every direct protocol: dial, send, verify the answer. */
export class ProtocolClient {
  constructor(
    private readonly libp2p: Libp2p,
    private readonly key: Ed25519PrivateKey,
    private readonly clock: Clock,
    private readonly init: ProtocolClientInit,
  ) {}

  /** Submits a job signed by this node's key as the consumer. */
  async submitJob(peer: PeerId | Multiaddr, job: JobSubmission): Promise<JobDecision> {
    return this.session(peer, JOB_PROTOCOL, async ({ channel, step }) => {
      const body = { lease: job.lease, consumer: this.address, spec: job.spec, submittedAt: this.clock() }
      await channel.send({ type: 'job-submit', ...(await signBody(this.key, SIGNING_DOMAIN.jobSubmit, body)) }, step())
      const reply = await channel.expectOneOf(
        { 'job-accepted': jobAcceptedSchema, 'job-rejected': jobRejectedSchema },
        step(),
      )
      return reply.type === 'job-accepted'
        ? { accepted: true, jobId: reply.jobId }
        : { accepted: false, reason: reply.reason }
    })
  }

  /** Hands a usage receipt to the node serving the lease; it answers whether it keeps it. */
  async submitReceipt(peer: PeerId | Multiaddr, receipt: Omit<ReceiptSubmitMessage, 'type'>): Promise<ReceiptDecision> {
    return this.session(peer, RECEIPT_PROTOCOL, async ({ channel, step }) => {
      await channel.send({ type: 'receipt-submit', ...receipt }, step())
      const reply = await channel.expectOneOf(
        { 'receipt-accepted': receiptAcceptedSchema, 'receipt-rejected': receiptRejectedSchema },
        step(),
      )
      return reply.type === 'receipt-accepted' ? { accepted: true } : { accepted: false, reason: reply.reason }
    })
  }

  /** Asks the node itself; the answer must be signed by the dialled peer over a fresh nonce. */
  async askStatus(peer: PeerId | Multiaddr): Promise<Signed<StatusBody>> {
    return this.session(peer, STATUS_PROTOCOL, async (s) => {
      const nonce = encodeBase64(randomBytes(NONCE_BYTES))
      await s.channel.send({ type: 'status-request', nonce }, s.step())
      const { body, signature } = await s.channel.expect('status-response', statusResponseSchema, s.step())
      await verifyAnswer(s, body, signature, nonce, SIGNING_DOMAIN.statusResponse, 'status answer')
      return { body, signature }
    })
  }

  /** Sends `nonce` (random if omitted); returns the signed measurement, kept as evidence. */
  async challenge(
    peer: PeerId | Multiaddr,
    nonce: Uint8Array = randomBytes(NONCE_BYTES),
  ): Promise<Signed<ChallengeBody>> {
    return this.session(peer, CHALLENGE_PROTOCOL, async (s) => {
      const sent = encodeBase64(nonce)
      await s.channel.send({ type: 'challenge', nonce: sent }, s.step())
      const { body, signature } = await s.channel.expect('challenge-response', challengeResponseSchema, s.step())
      await verifyAnswer(s, body, signature, sent, SIGNING_DOMAIN.challengeResponse, 'challenge answer')
      return { body, signature }
    })
  }

  /**
   * Offers a lease to the dialled peer (the taker). On accept, `coSign` completes and submits
   * migrate_lease; the confirmation then carries its transaction signature.
   */
  async handoff(peer: PeerId | Multiaddr, request: HandoffRequest, coSign: CoSignAndSubmit): Promise<HandoffOutcome> {
    return this.session(peer, HANDOFF_PROTOCOL, async (s) => {
      const parties = { lease: request.lease, from: this.address, to: s.remoteOperator }
      const offer = await signBody(this.key, SIGNING_DOMAIN.handoffOffer, {
        ...parties,
        job: request.job,
        deadline: request.deadline,
      })
      await s.channel.send({ type: 'handoff-offer', ...offer }, s.step())
      const reply = await s.channel.expectOneOf(
        { 'handoff-accept': handoffAcceptSchema, 'handoff-decline': handoffDeclineSchema },
        s.step(),
      )
      if (reply.type === 'handoff-decline') return { accepted: false, reason: reply.reason }
      const { body, signature } = reply
      if (body.lease !== parties.lease || body.from !== parties.from || body.to !== parties.to) {
        throw new UnexpectedSignerError(
          'hand-off accept',
          `${parties.lease}:${parties.from}->${parties.to}`,
          `${body.lease}:${body.from}->${body.to}`,
        )
      }
      await requireSignedBy(s.remoteOperator, SIGNING_DOMAIN.handoffAccept, body, signature, 'hand-off accept')
      const transactionSignature = await coSign(decodeBase64(body.transaction), s.remotePeer)
      const confirm = await signBody(this.key, SIGNING_DOMAIN.handoffConfirm, { ...parties, transactionSignature })
      await s.channel.send({ type: 'handoff-confirm', ...confirm }, s.step())
      await s.channel.expect('handoff-done', handoffDoneSchema, s.step())
      return { accepted: true, transactionSignature, accept: { body, signature } }
    })
  }

  /**
   * Streams a job's log lines. Each line is read only when the consumer of this generator asks
   * for it, so a slow consumer slows the server. Breaking out of the loop closes the stream.
   */
  async *streamLogs(peer: PeerId | Multiaddr, jobId: string): AsyncGenerator<string, void, undefined> {
    const s = await this.open(peer, LOGS_PROTOCOL)
    const idle = () => AbortSignal.timeout(this.init.logIdleTimeoutMs)
    let finished = false
    try {
      await s.channel.send({ type: 'logs-request', jobId }, s.step())
      for (;;) {
        const next = await s.channel.expectOneOf({ 'log-line': logLineSchema, 'logs-end': logsEndSchema }, idle())
        if (next.type === 'logs-end') break
        yield next.line
      }
      finished = true
      await s.channel.close(s.step())
    } catch (err) {
      s.channel.stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    } finally {
      // the consumer stopped early (break/return): tell the server to stop producing
      if (!finished) s.channel.stream.abort(new Error('log reader stopped'))
    }
  }

  /**
   * Asks the peer for the weights named `sha256` from `offset`. Resolves once the peer answered
   * with their length (the bytes follow in `chunks`); WeightsRefusedError when it does not send
   * them (`reason`: `not-cached`, `offset-beyond-end`). The bytes are not checked here: whoever
   * stores them hashes them.
   */
  async fetchWeights(
    peer: PeerId | Multiaddr,
    sha256: string,
    options: FetchWeightsOptions = {},
  ): Promise<WeightsTransfer> {
    const offset = options.offset ?? 0
    const s = await this.open(peer, WEIGHTS_PROTOCOL)
    const { signal } = options
    const abortStream = () => s.channel.stream.abort(new Error('weights transfer aborted'))
    signal?.addEventListener('abort', abortStream, { once: true })
    const deadline = (ms: number) =>
      signal === undefined ? AbortSignal.timeout(ms) : AbortSignal.any([signal, AbortSignal.timeout(ms)])
    let header: { sizeBytes: number }
    try {
      signal?.throwIfAborted()
      await s.channel.send({ type: 'weights-request', sha256, offset }, deadline(this.init.timeoutMs))
      const reply = await s.channel.expectOneOf(
        { 'weights-header': weightsHeaderSchema, 'weights-refused': weightsRefusedSchema },
        deadline(this.init.timeoutMs),
      )
      if (reply.type === 'weights-refused') {
        await s.channel.close(s.step())
        throw new WeightsRefusedError(s.remoteOperator, sha256, reply.reason, reply.message)
      }
      if (reply.sha256 !== sha256 || reply.offset !== offset || reply.sizeBytes < offset) {
        throw new MalformedMessageError(
          WEIGHTS_PROTOCOL,
          `header for ${reply.sha256} from ${reply.offset} of ${reply.sizeBytes} bytes, asked ${sha256} from ${offset}`,
        )
      }
      header = reply
    } catch (err) {
      signal?.removeEventListener('abort', abortStream)
      s.channel.stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
    const expected = header.sizeBytes - offset
    const idle = () => deadline(this.init.transferIdleTimeoutMs)
    async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
      let received = 0
      let finished = false
      try {
        while (received < expected) {
          let frame: Uint8Array
          try {
            frame = await s.channel.receiveBytes(idle())
          } catch (err) {
            if ((err as Error).name === 'StreamEndedError') {
              throw new TransferTruncatedError(WEIGHTS_PROTOCOL, expected, received, { cause: err })
            }
            throw err
          }
          if (frame.byteLength === 0) throw new MalformedMessageError(WEIGHTS_PROTOCOL, 'an empty frame')
          if (received + frame.byteLength > expected) {
            throw new TransferOverrunError(WEIGHTS_PROTOCOL, expected, received + frame.byteLength)
          }
          received += frame.byteLength
          yield frame
        }
        // the end marker; anything else is more than was announced
        try {
          await s.channel.expect('weights-end', weightsEndSchema, idle())
        } catch (err) {
          const name = (err as Error).name
          // every byte came, but the peer gave up before saying the transfer was whole
          if (name === 'StreamEndedError') {
            throw new TransferTruncatedError(WEIGHTS_PROTOCOL, expected, received, { cause: err })
          }
          if (name === 'ProtocolTimeoutError' || name === 'RemoteError') throw err
          throw new TransferOverrunError(WEIGHTS_PROTOCOL, expected, received + 1, { cause: err })
        }
        finished = true
        await s.channel.close(s.step())
      } catch (err) {
        s.channel.stream.abort(err instanceof Error ? err : new Error(String(err)))
        throw err
      } finally {
        signal?.removeEventListener('abort', abortStream)
        // the consumer stopped early (break/return): tell the server to stop sending
        if (!finished) s.channel.stream.abort(new Error('weights reader stopped'))
      }
    }
    return { sha256, offset, sizeBytes: header.sizeBytes, chunks: chunks() }
  }

  /**
   * Asks the peer to fetch the weights named `sha256` (`sizeBytes` long) into its cache now (a
   * failover's spare, before it is needed); it answers at once whether it will (`cached`: it has
   * them already) or why not. It fetches them as it would for a job (from this node first).
   */
  async prefetchWeights(peer: PeerId | Multiaddr, sha256: string, sizeBytes: number): Promise<WeightsPrefetchDecision> {
    return this.session(peer, WEIGHTS_PROTOCOL, async ({ channel, step }) => {
      await channel.send({ type: 'weights-prefetch', sha256, sizeBytes }, step())
      const reply = await channel.expectOneOf(
        {
          'weights-prefetch-accepted': weightsPrefetchAcceptedSchema,
          'weights-prefetch-declined': weightsPrefetchDeclinedSchema,
        },
        step(),
      )
      return reply.type === 'weights-prefetch-accepted'
        ? { accepted: true, cached: reply.cached }
        : { accepted: false, reason: reply.reason }
    })
  }

  private get address(): string {
    return solanaAddressOf(this.key.publicKey)
  }

  private async open(peer: PeerId | Multiaddr, protocol: string): Promise<Session> {
    const signal = AbortSignal.timeout(this.init.timeoutMs)
    try {
      const connection = await this.libp2p.dial(peer, { signal })
      const stream = await connection.newStream(protocol, { signal })
      return {
        channel: new MessageChannel(
          stream,
          protocol,
          protocolLimit(protocol),
          this.init.timeoutMs,
          protocolFrameLimit(protocol),
        ),
        remotePeer: connection.remotePeer,
        remoteOperator: peerIdToSolanaAddress(connection.remotePeer),
        step: () => AbortSignal.timeout(this.init.timeoutMs),
      }
    } catch (err) {
      throw signal.aborted ? abortReason(protocol, this.init.timeoutMs, signal, err) : err
    }
  }

  private async session<T>(peer: PeerId | Multiaddr, protocol: string, run: (s: Session) => Promise<T>): Promise<T> {
    const s = await this.open(peer, protocol)
    try {
      const result = await run(s)
      await s.channel.close(s.step())
      return result
    } catch (err) {
      s.channel.stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    }
  }
}

/** The answer names the dialled peer, echoes our nonce, and is signed by that peer's key. */
async function verifyAnswer(
  s: Session,
  body: { operator: string; nonce: string },
  signature: string,
  nonce: string,
  domain: string,
  what: string,
): Promise<void> {
  if (body.operator !== s.remoteOperator) throw new UnexpectedSignerError(what, s.remoteOperator, body.operator)
  if (body.nonce !== nonce) throw new NonceMismatchError(s.channel.protocol)
  await requireSignedBy(s.remoteOperator, domain, body, signature, what)
}

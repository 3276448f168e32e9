import type { Stream } from '@libp2p/interface'
import { type LengthPrefixedStream, lpStream } from 'it-length-prefixed-stream'
import { fromString } from 'uint8arrays/from-string'
import type * as z from 'zod'
import {
  MalformedMessageError,
  MessageTooLargeError,
  ProtocolTimeoutError,
  RemoteError,
  StreamEndedError,
  UnexpectedMessageError,
} from '../errors.js'
import { envelopeSchema, errorMessageSchema } from './messages.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Any message this side writes: a JSON object with a `type`. */
export interface OutboundMessage {
  type: string
  [field: string]: unknown
}

export interface Envelope {
  type: string
  message: unknown
}

/**
 * One protocol stream as a sequence of length-prefixed JSON messages, each `{ type, ... }`.
 * Owns the limits (`maxDataLength` rejects an oversized frame before reading it) and turns every
 * transport failure into the package's named errors. An `{ type: 'error' }` message from the
 * peer surfaces as RemoteError.
 */
export class MessageChannel {
  private readonly lp: LengthPrefixedStream<Stream>
  /** once binary frames flow, a JSON error frame would be read as data: failures only abort */
  private binary = false

  /**
   * `maxBytes` bounds a JSON message; `maxFrameBytes` (default the same) bounds any frame, and
   * is what a binary frame may use on a protocol that carries them (weights).
   */
  constructor(
    readonly stream: Stream,
    readonly protocol: string,
    readonly maxBytes: number,
    readonly timeoutMs: number,
    readonly maxFrameBytes: number = maxBytes,
  ) {
    this.lp = lpStream(stream, { maxDataLength: Math.max(maxBytes, maxFrameBytes) })
  }

  /**
   * Writes one binary frame as it is (no JSON, no base64); resolves once the transport has taken
   * it. Marks the channel binary: from now on `sendError` sends nothing (the peer would read it as
   * data) and a failure is told by aborting the stream.
   */
  async sendBytes(bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    if (bytes.byteLength > this.maxFrameBytes) throw new MessageTooLargeError(this.protocol, this.maxFrameBytes)
    this.binary = true
    try {
      await this.lp.write(bytes, { signal })
    } catch (err) {
      throw this.translate(err, signal)
    }
  }

  /** Reads one frame as bytes; a frame over `maxFrameBytes` is MessageTooLargeError before it is read. */
  async receiveBytes(signal: AbortSignal): Promise<Uint8Array> {
    try {
      return (await this.lp.read({ signal })).subarray()
    } catch (err) {
      throw this.translate(err, signal)
    }
  }

  /** Writes one message; resolves once the transport has taken it (back-pressure). */
  async send(message: OutboundMessage, signal: AbortSignal): Promise<void> {
    const bytes = fromString(JSON.stringify(message))
    if (bytes.byteLength > this.maxBytes) throw new MessageTooLargeError(this.protocol, this.maxBytes)
    try {
      await this.lp.write(bytes, { signal })
    } catch (err) {
      throw this.translate(err, signal)
    }
  }

  /** Reads one message envelope; RemoteError if the peer sent an error message. */
  async receive(signal: AbortSignal): Promise<Envelope> {
    const bytes = await this.receiveBytes(signal)
    if (bytes.byteLength > this.maxBytes) throw new MessageTooLargeError(this.protocol, this.maxBytes)
    let json: unknown
    try {
      json = JSON.parse(utf8.decode(bytes))
    } catch (err) {
      throw new MalformedMessageError(this.protocol, 'not UTF-8 JSON', { cause: err })
    }
    const envelope = envelopeSchema.safeParse(json)
    if (!envelope.success) throw new MalformedMessageError(this.protocol, 'no message type')
    if (envelope.data.type === 'error') {
      const remote = errorMessageSchema.safeParse(json)
      if (!remote.success) throw new MalformedMessageError(this.protocol, 'bad error message')
      throw new RemoteError(this.protocol, remote.data.name, remote.data.message)
    }
    return { type: envelope.data.type, message: json }
  }

  /** Reads one message that must be of `type` and match `schema`. */
  async expect<S extends z.ZodType>(type: string, schema: S, signal: AbortSignal): Promise<z.infer<S>> {
    const { type: got, message } = await this.receive(signal)
    if (got !== type) throw new UnexpectedMessageError(this.protocol, type, got)
    return this.parse(schema, message)
  }

  /** Reads one message that must be one of `schemas` (by type). */
  async expectOneOf<M extends Record<string, z.ZodType>>(
    schemas: M,
    signal: AbortSignal,
  ): Promise<{ [K in keyof M]: z.infer<M[K]> }[keyof M]> {
    const { type, message } = await this.receive(signal)
    const schema = schemas[type]
    if (schema === undefined) throw new UnexpectedMessageError(this.protocol, Object.keys(schemas).join(' | '), type)
    return this.parse(schema, message) as { [K in keyof M]: z.infer<M[K]> }[keyof M]
  }

  parse<S extends z.ZodType>(schema: S, message: unknown): z.infer<S> {
    const parsed = schema.safeParse(message)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new MalformedMessageError(this.protocol, `${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
    }
    return parsed.data
  }

  /** Tells the peer why this side gives up; best effort, the stream is aborted next anyway. */
  async sendError(err: unknown): Promise<void> {
    if (this.binary) return
    const e = err instanceof Error ? err : new Error(String(err))
    const message = e.message.slice(0, 512)
    try {
      await this.lp.write(fromString(JSON.stringify({ type: 'error', name: e.name, message })), {
        signal: AbortSignal.timeout(1000),
      })
    } catch {
      // the peer may be the reason we failed; nothing more to tell it
    }
  }

  async close(signal: AbortSignal): Promise<void> {
    try {
      await this.stream.close({ signal })
    } catch (err) {
      this.stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private translate(err: unknown, signal: AbortSignal): Error {
    const name = (err as Error | undefined)?.name
    if (signal.aborted) return abortReason(this.protocol, this.timeoutMs, signal, err)
    if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
      return new MessageTooLargeError(this.protocol, Math.max(this.maxBytes, this.maxFrameBytes), { cause: err })
    }
    if (name === 'UnexpectedEOFError' || name === 'StreamStateError' || name === 'StreamResetError') {
      return new StreamEndedError(this.protocol, { cause: err })
    }
    return err instanceof Error ? err : new Error(String(err))
  }
}

/** A deadline that fired is a ProtocolTimeoutError; any other abort keeps its own reason. */
export function abortReason(protocol: string, timeoutMs: number, signal: AbortSignal, cause: unknown): Error {
  const reason: unknown = signal.reason
  if (reason instanceof Error && reason.name !== 'TimeoutError') return reason
  return new ProtocolTimeoutError(protocol, timeoutMs, { cause })
}

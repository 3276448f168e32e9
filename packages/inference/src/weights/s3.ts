import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { DEFAULT_S3_PREFIX } from '../constants.js'
import { WeightsNotFoundError, WeightsSourceError } from '../errors.js'
import { parseSha256 } from './hash.js'
import type { WeightsHead, WeightsSource, WeightsStream } from './source.js'

export interface S3WeightsSourceInit {
  bucket: string
  /** Key prefix; the key is `<prefix><sha256>`. Default `sha256/`. */
  prefix?: string
  /** An S3 client of the caller's; otherwise one is made from the fields below. */
  client?: S3Client
  /** S3-compatible endpoint (R2, Hetzner Object Storage, moto); default AWS. */
  endpoint?: string
  region?: string
  credentials?: S3ClientConfig['credentials']
  /** Path-style URLs (`endpoint/bucket/key`), which moto and most S3-compatible stores want. */
  forcePathStyle?: boolean
  /** SDK attempts per request (default the SDK's 3). */
  maxAttempts?: number
}

/** S3 error names that mean "not here" rather than "cannot ask". */
const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound'])

/** Weights as objects of an S3-compatible store, named by their sha256. */
export class S3WeightsSource implements WeightsSource {
  readonly name: string
  readonly bucket: string
  readonly prefix: string
  readonly #client: S3Client

  constructor(init: S3WeightsSourceInit) {
    this.bucket = init.bucket
    this.prefix = init.prefix ?? DEFAULT_S3_PREFIX
    this.name = `s3://${this.bucket}/${this.prefix}`
    this.#client =
      init.client ??
      new S3Client({
        region: init.region ?? 'us-east-1',
        ...(init.endpoint === undefined ? {} : { endpoint: init.endpoint }),
        ...(init.credentials === undefined ? {} : { credentials: init.credentials }),
        ...(init.forcePathStyle === undefined ? {} : { forcePathStyle: init.forcePathStyle }),
        ...(init.maxAttempts === undefined ? {} : { maxAttempts: init.maxAttempts }),
      })
  }

  keyOf(sha256: string): string {
    return `${this.prefix}${parseSha256(sha256)}`
  }

  async open(sha256: string, options: { signal?: AbortSignal } = {}): Promise<WeightsStream> {
    const key = this.keyOf(sha256)
    let output: GetObjectCommandOutput
    try {
      output = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: options.signal,
      })
    } catch (error) {
      throw this.#named(sha256, error)
    }
    const body = output.Body as unknown as AsyncIterable<Uint8Array> | undefined
    if (body === undefined || typeof body[Symbol.asyncIterator] !== 'function') {
      throw new WeightsSourceError(sha256, this.name, 'the answer has no body')
    }
    return { body, ...(output.ContentLength === undefined ? {} : { sizeBytes: output.ContentLength }) }
  }

  /**
   * Whether the store holds the object, without a byte of it (HeadObject): its announced length,
   * or WeightsNotFoundError / WeightsSourceError as `open` would throw them. What a node's
   * preflight asks before it accepts a job whose weights it does not cache.
   */
  async head(sha256: string, options: { signal?: AbortSignal } = {}): Promise<WeightsHead> {
    let output: HeadObjectCommandOutput
    try {
      output = await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }), {
        abortSignal: options.signal,
      })
    } catch (error) {
      throw this.#named(sha256, error)
    }
    return output.ContentLength === undefined ? {} : { sizeBytes: output.ContentLength }
  }

  /** An S3 error as the named error it means: not here (404, NoSuchKey, NoSuchBucket), or cannot ask. */
  #named(sha256: string, error: unknown): Error {
    const name = (error as Error).name
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
    if (NOT_FOUND.has(name) || status === 404) {
      return new WeightsNotFoundError(sha256, `${this.name}${parseSha256(sha256)}`, undefined, { cause: error })
    }
    return new WeightsSourceError(sha256, this.name, `${name}: ${(error as Error).message}`, undefined, {
      cause: error,
    })
  }

  /** Releases the client's sockets (only a client this source made itself). */
  destroy(): void {
    this.#client.destroy()
  }
}

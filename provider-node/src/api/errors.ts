/** One class per condition; callers check `err.name`. Server-side errors carry their HTTP status. */

/** No job with this id runs (or ran recently) on this node. */
export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError'
  readonly statusCode = 404
  constructor(
    readonly jobId: string,
    message = `no job ${JSON.stringify(jobId)} on this node`,
  ) {
    super(message)
  }
}

/** Path parameters or query string that do not match the route's schema. */
export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError'
  readonly statusCode = 400
  constructor(message = 'invalid request') {
    super(message)
  }
}

/** No route answers this method and path. */
export class RouteNotFoundError extends Error {
  override name = 'RouteNotFoundError'
  readonly statusCode = 404
  constructor(
    readonly method: string,
    readonly url: string,
    message = `no route ${method} ${url}`,
  ) {
    super(message)
  }
}

/** The signer (the operator key, maybe a remote signer) failed; no unsigned status is ever served. */
export class StatusSigningError extends Error {
  override name = 'StatusSigningError'
  readonly statusCode = 500
  constructor(options?: ErrorOptions, message = 'could not sign the node status') {
    super(message, options)
  }
}

/**
 * The status names another operator than the one expected: on a client, a node answering for
 * someone else; on the node, a view and a signing key that belong to different operators.
 */
export class StatusSignerMismatchError extends Error {
  override name = 'StatusSignerMismatchError'
  readonly statusCode = 500
  constructor(
    readonly expected: string,
    readonly actual: unknown,
    message = `status is from operator ${JSON.stringify(actual)}, expected ${expected}`,
  ) {
    super(message)
  }
}

/** The signature is not base64, or is not the operator's Ed25519 signature over this body. */
export class InvalidStatusSignatureError extends Error {
  override name = 'InvalidStatusSignatureError'
  readonly statusCode = 500
  constructor(
    readonly operator: string,
    message = `status signature does not verify under operator ${operator}`,
  ) {
    super(message)
  }
}

/** A status page file is missing from the package (a broken install, not a request error). */
export class StatusPageAssetMissingError extends Error {
  override name = 'StatusPageAssetMissingError'
  constructor(
    readonly path: string,
    options?: ErrorOptions,
    message = `status page asset missing: ${path}`,
  ) {
    super(message, options)
  }
}

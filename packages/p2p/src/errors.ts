/**
 * One class per condition, each with `name` set and a default message, so callers branch on
 * `err.name` (the libp2p convention) and never on message text.
 */

abstract class SynktiP2pError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

// --- identity -------------------------------------------------------------------------------

export class KeypairFileNotFoundError extends SynktiP2pError {
  override readonly name = 'KeypairFileNotFoundError' as const
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`keypair file not found: ${path} (create one with \`npm run synkti-provider -- keygen -o ${path}\`)`, options)
  }
}

export class KeypairFileUnreadableError extends SynktiP2pError {
  override readonly name = 'KeypairFileUnreadableError' as const
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`keypair file cannot be read: ${path}`, options)
  }
}

export class MalformedKeypairError extends SynktiP2pError {
  override readonly name = 'MalformedKeypairError' as const
  constructor(
    readonly path: string,
    readonly detail: string = 'expected a JSON array of 64 bytes',
  ) {
    super(`malformed Solana keypair file ${path}: ${detail}`)
  }
}

export class KeypairMismatchError extends SynktiP2pError {
  override readonly name = 'KeypairMismatchError' as const
  constructor(readonly path: string) {
    super(`keypair file ${path}: the public half does not match the secret seed`)
  }
}

export class UnsupportedKeyTypeError extends SynktiP2pError {
  override readonly name = 'UnsupportedKeyTypeError' as const
  constructor(readonly keyType: string = 'unknown') {
    super(`only Ed25519 keys map to Solana addresses, got ${keyType}`)
  }
}

export class InvalidSolanaAddressError extends SynktiP2pError {
  override readonly name = 'InvalidSolanaAddressError' as const
  constructor(readonly address: string) {
    super(`not a base58 32-byte Solana address: ${JSON.stringify(address)}`)
  }
}

// --- provider records -----------------------------------------------------------------------

export class MalformedRecordError extends SynktiP2pError {
  override readonly name = 'MalformedRecordError' as const
  constructor(
    readonly detail: string = 'record does not match the provider record schema',
    options?: ErrorOptions,
  ) {
    super(`malformed provider record: ${detail}`, options)
  }
}

export class OversizedRecordError extends SynktiP2pError {
  override readonly name = 'OversizedRecordError' as const
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`provider record is ${size} bytes, the limit is ${limit}`)
  }
}

export class ForgedRecordError extends SynktiP2pError {
  override readonly name = 'ForgedRecordError' as const
  constructor(readonly operator: string) {
    super(`provider record signature does not verify against operator ${operator}`)
  }
}

export class WrongKeyError extends SynktiP2pError {
  override readonly name = 'WrongKeyError' as const
  constructor(
    readonly key: string,
    readonly signer: string,
  ) {
    super(`record stored under ${key} is signed by ${signer}, not by that key's operator`)
  }
}

export class ExpiredRecordError extends SynktiP2pError {
  override readonly name = 'ExpiredRecordError' as const
  constructor(
    readonly expiresAt: number,
    readonly now: number,
  ) {
    super(`provider record expired at ${expiresAt} (now ${now})`)
  }
}

export class StaleRecordError extends SynktiP2pError {
  override readonly name = 'StaleRecordError' as const
  constructor(
    readonly seq: number,
    readonly newest: number,
  ) {
    super(`provider record sequence ${seq} is older than the newest seen (${newest}): replay rejected`)
  }
}

export class RecordNotFoundError extends SynktiP2pError {
  override readonly name = 'RecordNotFoundError' as const
  constructor(readonly key: string) {
    super(`no valid provider record found under ${key}`)
  }
}

export class InactiveOperatorError extends SynktiP2pError {
  override readonly name = 'InactiveOperatorError' as const
  constructor(
    readonly market: string,
    readonly operator: string,
  ) {
    super(`operator ${operator} is not a registered, active provider in market ${market}`)
  }
}

/** A peer named by its record did not answer a dial and a ping in time: down, or not reachable from here. */
export class PeerUnreachableError extends SynktiP2pError {
  override readonly name = 'PeerUnreachableError' as const
  constructor(
    readonly operator: string,
    options?: ErrorOptions,
  ) {
    super(`peer ${operator} did not answer a ping`, options)
  }
}

// --- direct protocols -----------------------------------------------------------------------

export class MessageTooLargeError extends SynktiP2pError {
  override readonly name = 'MessageTooLargeError' as const
  constructor(
    readonly protocol: string,
    readonly limit: number,
    options?: ErrorOptions,
  ) {
    super(`message on ${protocol} exceeds ${limit} bytes`, options)
  }
}

export class MalformedMessageError extends SynktiP2pError {
  override readonly name = 'MalformedMessageError' as const
  constructor(
    readonly protocol: string,
    readonly detail: string = 'does not match the message schema',
    options?: ErrorOptions,
  ) {
    super(`malformed message on ${protocol}: ${detail}`, options)
  }
}

export class UnknownMessageTypeError extends SynktiP2pError {
  override readonly name = 'UnknownMessageTypeError' as const
  constructor(
    readonly protocol: string,
    readonly type: string,
  ) {
    super(`unknown message type ${JSON.stringify(type)} on ${protocol}`)
  }
}

export class UnexpectedMessageError extends SynktiP2pError {
  override readonly name = 'UnexpectedMessageError' as const
  constructor(
    readonly protocol: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`expected ${expected} on ${protocol}, got ${got}`)
  }
}

export class ProtocolTimeoutError extends SynktiP2pError {
  override readonly name = 'ProtocolTimeoutError' as const
  constructor(
    readonly protocol: string,
    readonly timeoutMs: number,
    options?: ErrorOptions,
  ) {
    super(`peer did not answer on ${protocol} within ${timeoutMs} ms`, options)
  }
}

export class StreamEndedError extends SynktiP2pError {
  override readonly name = 'StreamEndedError' as const
  constructor(
    readonly protocol: string,
    options?: ErrorOptions,
  ) {
    super(`peer closed the ${protocol} stream before answering`, options)
  }
}

export class BadSignatureError extends SynktiP2pError {
  override readonly name = 'BadSignatureError' as const
  constructor(
    readonly what: string,
    readonly signer: string,
  ) {
    super(`${what} is not signed by ${signer}`)
  }
}

export class NonceMismatchError extends SynktiP2pError {
  override readonly name = 'NonceMismatchError' as const
  constructor(readonly protocol: string) {
    super(`answer on ${protocol} does not echo the nonce that was sent`)
  }
}

export class NoHandlerError extends SynktiP2pError {
  override readonly name = 'NoHandlerError' as const
  constructor(readonly protocol: string) {
    super(`this node serves no handler for ${protocol}`)
  }
}

/** The remote side failed and said why; `remoteName` is its error's `name`. */
export class RemoteError extends SynktiP2pError {
  override readonly name = 'RemoteError' as const
  constructor(
    readonly protocol: string,
    readonly remoteName: string,
    readonly remoteMessage: string,
  ) {
    super(`peer answered ${remoteName} on ${protocol}: ${remoteMessage}`)
  }
}

export class UnexpectedSignerError extends SynktiP2pError {
  override readonly name = 'UnexpectedSignerError' as const
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${what} names ${got}, but the authenticated peer is ${expected}`)
  }
}

export class CapabilityMismatchError extends SynktiP2pError {
  override readonly name = 'CapabilityMismatchError' as const
  constructor(
    readonly operator: string,
    readonly announced: string,
  ) {
    super(`operator ${operator} announced ${announced} but its signed record does not offer it`)
  }
}

// --- weights transfer ------------------------------------------------------------------------

/** The peer does not send the weights asked for, and says why (`reason`: `not-cached`, …). */
export class WeightsRefusedError extends SynktiP2pError {
  override readonly name = 'WeightsRefusedError' as const
  constructor(
    readonly peer: string,
    readonly sha256: string,
    readonly reason: string,
    readonly remoteMessage: string = '',
  ) {
    super(`peer ${peer} refused weights ${sha256}: ${reason}${remoteMessage === '' ? '' : ` (${remoteMessage})`}`)
  }
}

/** A transfer ended (stream closed or reset) before the announced number of bytes arrived. */
export class TransferTruncatedError extends SynktiP2pError {
  override readonly name = 'TransferTruncatedError' as const
  constructor(
    readonly protocol: string,
    readonly expectedBytes: number,
    readonly receivedBytes: number,
    options?: ErrorOptions,
  ) {
    super(`${protocol} transfer ended after ${receivedBytes} of ${expectedBytes} announced bytes`, options)
  }
}

/** A transfer carried more bytes than were announced (a frame past the end, or data instead of its end). */
export class TransferOverrunError extends SynktiP2pError {
  override readonly name = 'TransferOverrunError' as const
  constructor(
    readonly protocol: string,
    readonly expectedBytes: number,
    readonly receivedBytes: number,
    options?: ErrorOptions,
  ) {
    super(`${protocol} transfer sent ${receivedBytes} bytes or more, ${expectedBytes} were announced`, options)
  }
}

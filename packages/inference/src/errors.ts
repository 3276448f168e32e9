/** One class per condition; callers check `err.name`. */

/** Not a sha256: 64 lowercase hex characters. */
export class InvalidSha256Error extends Error {
  static readonly code = 'ERR_INVALID_SHA256'
  override readonly name = 'InvalidSha256Error'
  constructor(
    readonly value: string,
    message = `not a sha256 (64 hex characters): ${JSON.stringify(value)}`,
  ) {
    super(message)
  }
}

/** A source does not hold the weights (no such object, bucket or file). */
export class WeightsNotFoundError extends Error {
  static readonly code = 'ERR_WEIGHTS_NOT_FOUND'
  override readonly name = 'WeightsNotFoundError'
  constructor(
    readonly sha256: string,
    readonly source: string,
    message = `${source} does not hold weights ${sha256}`,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The bytes do not hash to the name they were asked for: tampered, corrupt or the wrong file. */
export class WeightsHashMismatchError extends Error {
  static readonly code = 'ERR_WEIGHTS_HASH_MISMATCH'
  override readonly name = 'WeightsHashMismatchError'
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly source: string,
    message = `weights from ${source} hash to ${actual}, not ${expected}`,
  ) {
    super(message)
  }
}

/** The transfer ended before the announced or expected number of bytes arrived. */
export class WeightsTruncatedError extends Error {
  static readonly code = 'ERR_WEIGHTS_TRUNCATED'
  override readonly name = 'WeightsTruncatedError'
  constructor(
    readonly sha256: string,
    readonly expectedBytes: number,
    readonly receivedBytes: number,
    readonly source: string,
    message = `weights ${sha256} from ${source} ended after ${receivedBytes} of ${expectedBytes} bytes`,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The source announces (or sends) more or fewer bytes than the weights are known to have. */
export class WeightsSizeMismatchError extends Error {
  static readonly code = 'ERR_WEIGHTS_SIZE_MISMATCH'
  override readonly name = 'WeightsSizeMismatchError'
  constructor(
    readonly sha256: string,
    readonly expectedBytes: number,
    readonly actualBytes: number,
    readonly source: string,
    message = `${source} has ${actualBytes} bytes for weights ${sha256}, expected ${expectedBytes}`,
  ) {
    super(message)
  }
}

/** The source could not be read (network, permissions, an error answer other than "not found"). */
export class WeightsSourceError extends Error {
  static readonly code = 'ERR_WEIGHTS_SOURCE'
  override readonly name = 'WeightsSourceError'
  constructor(
    readonly sha256: string,
    readonly source: string,
    readonly reason: string,
    message = `${source} failed for weights ${sha256}: ${reason}`,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

export interface WeightsAttempt {
  source: string
  error: Error
}

/** No source produced the weights; `attempts` says what each one did, in the order tried. */
export class WeightsUnavailableError extends Error {
  static readonly code = 'ERR_WEIGHTS_UNAVAILABLE'
  override readonly name = 'WeightsUnavailableError'
  constructor(
    readonly sha256: string,
    readonly attempts: readonly WeightsAttempt[],
    message = `weights ${sha256} are not available: ${
      attempts.length === 0
        ? 'no source is configured'
        : attempts.map((a) => `${a.source}: ${a.error.name}: ${a.error.message}`).join('; ')
    }`,
  ) {
    super(message)
  }
}

/** `--model` names no readable file. */
export class ModelFileNotFoundError extends Error {
  static readonly code = 'ERR_MODEL_FILE_NOT_FOUND'
  override readonly name = 'ModelFileNotFoundError'
  constructor(
    readonly path: string,
    message = `no model file at ${path}`,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** llama.cpp could not load the file (not GGUF, unsupported architecture, out of memory). */
export class ModelLoadError extends Error {
  static readonly code = 'ERR_MODEL_LOAD'
  override readonly name = 'ModelLoadError'
  constructor(
    readonly path: string,
    readonly reason: string,
    message = `could not load ${path}: ${reason}`,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The prompt and the requested completion do not fit the context (vLLM answers 400 too). */
export class ContextLengthExceededError extends Error {
  static readonly code = 'ERR_CONTEXT_LENGTH_EXCEEDED'
  override readonly name = 'ContextLengthExceededError'
  constructor(
    readonly contextSize: number,
    readonly promptTokens: number,
    readonly maxTokens: number,
    message = `This model's maximum context length is ${contextSize} tokens. However, you requested ${
      promptTokens + maxTokens
    } tokens (${promptTokens} in the messages, ${maxTokens} in the completion).`,
  ) {
    super(message)
  }
}

/** A request reached the engine after close(). */
export class EngineClosedError extends Error {
  static readonly code = 'ERR_ENGINE_CLOSED'
  override readonly name = 'EngineClosedError'
  constructor(message = 'the engine is closed') {
    super(message)
  }
}

export class InvalidEngineOptionError extends Error {
  static readonly code = 'ERR_INVALID_ENGINE_OPTION'
  override readonly name = 'InvalidEngineOptionError'
  constructor(
    readonly option: string,
    readonly value: string,
    message = `invalid engine option --${option}: ${JSON.stringify(value)}`,
  ) {
    super(message)
  }
}

/** Unknown flag, missing flag value, missing required flag or stray positional argument. */
export class InvalidEngineArgumentsError extends Error {
  static readonly code = 'ERR_INVALID_ENGINE_ARGUMENTS'
  override readonly name = 'InvalidEngineArgumentsError'
  constructor(message = 'invalid engine arguments') {
    super(message)
  }
}

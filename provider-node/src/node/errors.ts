/**
 * Why a node refuses a job, a hand-off or an operation. One class per condition; the P2P
 * reply carries `name: message` so the consumer's CLI can name it too.
 */

export class UnknownLeaseError extends Error {
  override name = 'UnknownLeaseError'
  constructor(
    readonly lease: string,
    message = `no lease ${lease} on chain (never opened, or already closed)`,
  ) {
    super(message)
  }
}

/** The lease pays another provider: this operator did not accept it. */
export class LeaseNotForThisProviderError extends Error {
  override name = 'LeaseNotForThisProviderError'
  constructor(
    readonly lease: string,
    readonly leaseProvider: string,
    readonly provider: string,
    message = `lease ${lease} belongs to provider ${leaseProvider}, not ${provider}`,
  ) {
    super(message)
  }
}

/** The submission is signed by someone other than the lease's consumer. */
export class ConsumerMismatchError extends Error {
  override name = 'ConsumerMismatchError'
  constructor(
    readonly lease: string,
    readonly signer: string,
    readonly consumer: string,
    message = `lease ${lease} was opened by ${consumer}; the submission is signed by ${signer}`,
  ) {
    super(message)
  }
}

/** The spec sent is not the one whose hash the lease stores. */
export class SpecHashMismatchError extends Error {
  override name = 'SpecHashMismatchError'
  constructor(
    readonly lease: string,
    message = `the job spec does not hash to lease ${lease}'s jobSpecHash`,
  ) {
    super(message)
  }
}

/** The job needs more than this machine offers (VRAM, GPUs, region, runtime...). */
export class JobDoesNotFitError extends Error {
  override name = 'JobDoesNotFitError'
  constructor(
    readonly reason: { kind: string } & Record<string, unknown>,
    message = `job does not fit this node: ${describeReason(reason)}`,
  ) {
    super(message)
  }
}

/** Draining, failing over or paused: the node takes no new work. */
export class NodeNotAdmittingError extends Error {
  override name = 'NodeNotAdmittingError'
  constructor(message = 'this node is not admitting new jobs (draining or failing over)') {
    super(message)
  }
}

/**
 * The lease's escrow does not cover one attestation gap at the price this node would be paid:
 * serving it would be work the chain may never pay for.
 */
export class LeaseUnfundedError extends Error {
  override name = 'LeaseUnfundedError'
  constructor(
    readonly lease: string,
    readonly available: bigint,
    readonly needed: bigint,
    message = `lease ${lease} holds ${available} in escrow, less than one attestation gap (${needed}): top it up first`,
  ) {
    super(message)
  }
}

/** The lease is in a state where it cannot be served (disputed, already ended). */
export class LeaseNotServableError extends Error {
  override name = 'LeaseNotServableError'
  constructor(
    readonly lease: string,
    readonly status: string,
    message = `lease ${lease} is ${status}; it cannot be served`,
  ) {
    super(message)
  }
}

/** Processes run on the provider's own machine: only commands the operator allowed. */
export class CommandNotAllowedError extends Error {
  override name = 'CommandNotAllowedError'
  readonly remedy: string
  constructor(
    readonly command: string,
    message = `command ${JSON.stringify(command)} is not in this node's allowCommands`,
  ) {
    super(message)
    this.remedy = `add ${JSON.stringify(command)} to allowCommands in the node's config, or send an image job`
  }
}

/**
 * A model job asks for an engine this node does not run (vLLM: the node serves model jobs with
 * llama.cpp; `auto` would run there).
 */
export class EngineNotAvailableError extends Error {
  override name = 'EngineNotAvailableError'
  readonly remedy = 'send the job with run.engine: auto (or llamacpp)'
  constructor(
    readonly engine: string,
    readonly reason: string,
    message = `this node does not run model jobs on ${engine}: ${reason}`,
  ) {
    super(message)
  }
}

/**
 * The engine refused the weights before it started anything (exit 3: they do not hash to the
 * job's sha256, or the file is gone): a fault of the weights, not of the moment; not retried.
 */
export class EngineRefusedWeightsError extends Error {
  override name = 'EngineRefusedWeightsError'
  constructor(
    readonly sha256: string,
    readonly lastLines: readonly string[],
    message = `synkti-engine refused weights ${sha256} (exit 3)${lastLines.length > 0 ? `: ${lastLines.join(' | ')}` : ''}`,
  ) {
    super(message)
  }
}

/** llama.cpp could not load the weights (exit 4: not GGUF, an unsupported architecture, out of memory); not retried. */
export class EngineLoadError extends Error {
  override name = 'EngineLoadError'
  constructor(
    readonly sha256: string,
    readonly lastLines: readonly string[],
    message = `synkti-engine could not load weights ${sha256} (exit 4)${lastLines.length > 0 ? `: ${lastLines.join(' | ')}` : ''}`,
  ) {
    super(message)
  }
}

/** The job never became healthy (its runtime's named error is in `reason`). */
export class JobNotReadyError extends Error {
  override name = 'JobNotReadyError'
  constructor(
    readonly jobId: string,
    readonly reason: string,
    message = `job ${jobId} is not ready: ${reason}`,
  ) {
    super(message)
  }
}

/** Storing the node's record or announcing its capability did not settle in time; it is retried. */
export class PublishTimeoutError extends Error {
  override name = 'PublishTimeoutError'
  constructor(
    readonly timeoutMs: number,
    /** the step that had not settled: storing the record, or announcing the capability key */
    readonly step: 'record' | 'announce' = 'record',
    message = `publishing the provider record did not settle within ${timeoutMs} ms (stuck in: ${step})`,
  ) {
    super(message)
  }
}

/**
 * libp2p could not listen on the configured P2P addresses: the port is taken (another node of
 * this machine, or any other process) or the host is not an address of this machine.
 */
export class P2pListenError extends Error {
  override name = 'P2pListenError'
  constructor(
    readonly addresses: readonly string[],
    readonly remedy = `give the node another port, kept in its config: synkti-provider register … --listen /ip4/127.0.0.1/tcp/<port> (or for one run: synkti-provider run --listen /ip4/127.0.0.1/tcp/<port>); see what holds it: ss -ltnp | grep <port>`,
    options?: ErrorOptions,
    message = `could not listen for P2P on ${addresses.join(', ')} (the port is in use, or the host is not an address of this machine)`,
  ) {
    super(message, options)
  }
}

/**
 * A provider record names a provider account other than the one the chain gives its operator:
 * a false statement about itself (or a stale one after a re-registration); not planned with.
 */
export class RecordNamesAnotherProviderError extends Error {
  override name = 'RecordNamesAnotherProviderError'
  constructor(
    readonly operator: string,
    readonly named: string,
    readonly onChain: string,
    message = `the record of operator ${operator} names provider ${named}; the chain gives it ${onChain}`,
  ) {
    super(message)
  }
}

/** A part of the node was used before the node started it (or after a failed start). */
export class NodeNotStartedError extends Error {
  override name = 'NodeNotStartedError'
  constructor(
    readonly part: string,
    message = `the node's ${part} has not started`,
  ) {
    super(message)
  }
}

/** The node's config file is missing a value it needs, or has a bad one. */
export class InvalidNodeConfigError extends Error {
  override name = 'InvalidNodeConfigError'
  constructor(
    readonly path: string,
    readonly issues: string[],
    readonly remedy = 'fix the listed fields (synkti-provider register writes a complete config)',
    message = `invalid node config ${path}: ${issues.join('; ')}`,
  ) {
    super(message)
  }
}

export class NodeConfigMissingError extends Error {
  override name = 'NodeConfigMissingError'
  constructor(
    readonly path: string,
    readonly remedy = `synkti-provider register --config ${path} --market <market> --stake <amount>`,
    message = `no node config at ${path}`,
  ) {
    super(message)
  }
}

function describeReason(reason: { kind: string } & Record<string, unknown>): string {
  const { kind, ...rest } = reason
  const details = Object.entries(rest)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
    .join(' ')
  return details === '' ? kind : `${kind} (${details})`
}

/** The wire form of a refusal: `Name: message`, parsed back by the CLI. */
export function refusal(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err))
  return `${e.name}: ${e.message}`.slice(0, 500)
}

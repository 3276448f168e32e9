import type { CloudKind, ResourceRef } from './types.js'

/** A credential the adapter needs is absent; nothing was created. `missing` names each variable or file. */
export class MissingCredentialError extends Error {
  static readonly code = 'ERR_MISSING_CREDENTIAL'
  override readonly name = 'MissingCredentialError'
  constructor(
    readonly cloud: CloudKind,
    readonly missing: string[],
    readonly remedy: string,
    options?: ErrorOptions,
  ) {
    super(`${cloud}: missing ${missing.join(', ')}. Fix: ${remedy}`, options)
  }
}

/** The cloud rejected the credentials (HTTP 401/403 or the SDK's auth failure). */
export class InvalidCredentialError extends Error {
  static readonly code = 'ERR_INVALID_CREDENTIAL'
  override readonly name = 'InvalidCredentialError'
  constructor(
    readonly cloud: CloudKind,
    readonly remedy: string,
    options?: ErrorOptions,
  ) {
    super(`${cloud}: credentials were rejected. Fix: ${remedy}`, options)
  }
}

/** The cloud's API answered with an error; `code` is the cloud's own error code. */
export class CloudApiError extends Error {
  static readonly code = 'ERR_CLOUD_API'
  override readonly name = 'CloudApiError'
  constructor(
    readonly cloud: CloudKind,
    readonly operation: string,
    readonly apiCode: string,
    readonly status: number | undefined,
    message = `${cloud} ${operation} failed: ${apiCode}`,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** describe() of an id the cluster does not own (or that does not exist). */
export class MachineNotFoundError extends Error {
  static readonly code = 'ERR_MACHINE_NOT_FOUND'
  override readonly name = 'MachineNotFoundError'
  constructor(
    readonly id: string,
    readonly cluster: string,
    message = `machine ${id} does not exist in cluster ${cluster}`,
  ) {
    super(message)
  }
}

/** release() of a firewall or key that exists but carries another cluster's tag (or none): left untouched. */
export class ResourceNotOwnedError extends Error {
  static readonly code = 'ERR_RESOURCE_NOT_OWNED'
  override readonly name = 'ResourceNotOwnedError'
  constructor(
    readonly ref: ResourceRef,
    readonly cluster: string,
    message = `${ref.cloud} ${ref.kind} ${ref.id} is not tagged for cluster ${cluster}; not deleted`,
  ) {
    super(message)
  }
}

export class InvalidClusterNameError extends Error {
  static readonly code = 'ERR_INVALID_CLUSTER_NAME'
  override readonly name = 'InvalidClusterNameError'
  constructor(
    readonly cluster: string,
    message = `cluster name ${JSON.stringify(cluster)} must be 1-32 lowercase letters, digits or '-', starting and ending with a letter or digit`,
  ) {
    super(message)
  }
}

/** A plan that cannot be carried out as written (e.g. no machines); caught before anything is created. */
export class InvalidPlanError extends Error {
  static readonly code = 'ERR_INVALID_PLAN'
  override readonly name = 'InvalidPlanError'
  constructor(message = 'invalid deployment plan') {
    super(message)
  }
}

/** Spot was asked of a cloud that has no spot market (Hetzner, OVH); caught before anything is created. */
export class SpotUnavailableError extends Error {
  static readonly code = 'ERR_SPOT_UNAVAILABLE'
  override readonly name = 'SpotUnavailableError'
  constructor(
    readonly cloud: CloudKind,
    message = `${cloud} has no spot market; launch on-demand (market: { kind: 'on-demand' })`,
  ) {
    super(message)
  }
}

/** A feature the plan asks for that this adapter does not manage (e.g. firewalls on OVH). */
export class UnsupportedFeatureError extends Error {
  static readonly code = 'ERR_UNSUPPORTED_FEATURE'
  override readonly name = 'UnsupportedFeatureError'
  constructor(
    readonly cloud: CloudKind,
    readonly feature: string,
    message = `${cloud} adapter does not manage ${feature}`,
  ) {
    super(message)
  }
}

/** A rollback or release could not delete everything; `leftovers` are still in the cloud, tagged. */
export class CleanupFailedError extends Error {
  static readonly code = 'ERR_CLEANUP_FAILED'
  override readonly name = 'CleanupFailedError'
  constructor(
    readonly leftovers: ResourceRef[],
    options?: ErrorOptions,
    message = `cleanup left ${leftovers.map((r) => `${r.kind} ${r.id}`).join(', ') || 'resources'} behind; they carry the cluster tag, run destroyCluster() to retry`,
  ) {
    super(message, options)
  }
}

/** A machine did not reach the expected state in time. */
export class WaitTimeoutError extends Error {
  static readonly code = 'ERR_WAIT_TIMEOUT'
  override readonly name = 'WaitTimeoutError'
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    message = `${what} did not finish within ${timeoutMs} ms`,
  ) {
    super(message)
  }
}

/** A metadata document did not have the shape the cloud documents. */
export class InvalidMetadataError extends Error {
  static readonly code = 'ERR_INVALID_METADATA'
  override readonly name = 'InvalidMetadataError'
  constructor(
    readonly source: string,
    readonly problem: string,
    message = `${source}: ${problem}`,
  ) {
    super(message)
  }
}

/**
 * The machine looks like a cloud machine (DMI strings or an explicit --context) but its metadata
 * service did not answer, so its identity cannot be observed.
 */
export class MetadataUnavailableError extends Error {
  static readonly code = 'ERR_METADATA_UNAVAILABLE'
  override readonly name = 'MetadataUnavailableError'
  constructor(
    readonly cloud: CloudKind,
    readonly reasons: string[],
    readonly remedy: string,
    message = `${cloud} metadata service did not answer (${reasons.join('; ')}). Fix: ${remedy}`,
  ) {
    super(message)
  }
}

export class InvalidContextOverrideError extends Error {
  static readonly code = 'ERR_INVALID_CONTEXT_OVERRIDE'
  override readonly name = 'InvalidContextOverrideError'
  constructor(
    readonly value: string,
    message = `--context ${JSON.stringify(value)} is not one of aws, hetzner, ovh, workstation`,
  ) {
    super(message)
  }
}

/** The spot watcher was started twice or used after stop(). */
export class WatcherStateError extends Error {
  static readonly code = 'ERR_WATCHER_STATE'
  override readonly name = 'WatcherStateError'
  constructor(message = 'the spot watcher is already running or was stopped') {
    super(message)
  }
}

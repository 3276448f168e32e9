/**
 * Why a fleet command refused to act. One class per condition, `name` set, `remedy` the one
 * thing to do about it; every one of them is thrown before any cloud resource is touched.
 */

/** A cloud machine (a worker) does not deploy more of itself unless told to. */
export class FleetUpOnWorkerError extends Error {
  override name = 'FleetUpOnWorkerError'
  readonly remedy =
    'run `synkti-provider fleet up` from your workstation (the deployer), or add --force if this machine really should create workers'
  constructor(
    readonly reason: string,
    message = `this node is a worker (${reason}): workers serve leases, they do not deploy fleets`,
  ) {
    super(message)
  }
}

/** The instance type is not one whose GPUs are known, and none were named. */
export class UnknownGpuInstanceTypeError extends Error {
  override name = 'UnknownGpuInstanceTypeError'
  readonly remedy = 'name the GPUs the instance type has: --gpu <model> --vram <gb per GPU> [--gpus <count>]'
  constructor(
    readonly cloud: string,
    readonly instanceType: string,
    message = `the GPUs of ${cloud} ${instanceType} are not known`,
  ) {
    super(message)
  }
}

const REGION_REMEDY: Record<string, string> = {
  aws: 'pass --region <region> (e.g. eu-central-1), or export AWS_REGION',
  hetzner: 'pass --region <location> (e.g. fsn1)',
  ovh: 'pass --region <region> (e.g. GRA11)',
}

/** The adapter (AWS, OVH) or the launch (all) needs a region and nothing says which. */
export class MissingRegionError extends Error {
  override name = 'MissingRegionError'
  constructor(
    readonly cloud: string,
    readonly remedy = REGION_REMEDY[cloud] ?? 'pass --region <region>',
    message = `${cloud}: no region given`,
  ) {
    super(message)
  }
}

/** A desired fleet that cannot exist: a negative or fractional count, an empty instance type or image. */
export class InvalidFleetTargetError extends Error {
  override name = 'InvalidFleetTargetError'
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
    message = `fleet ${field} ${JSON.stringify(value)}: expected ${expected}`,
  ) {
    super(message)
  }
}

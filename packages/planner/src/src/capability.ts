import { InvalidCapabilityError, InvalidRequirementError } from './errors.js'

/**
 * The shared vocabulary of what a machine offers and what a job needs. `fits` is the single
 * feasibility rule: the planner, the provider node and the CLI all call it, so a job the CLI
 * accepts is a job the planner can place and the node will run.
 */

export type Cloud = 'aws' | 'hetzner' | 'ovh' | 'local'
export type Runtime = 'process' | 'container' | 'vllm'

export const CLOUDS: readonly Cloud[] = ['aws', 'hetzner', 'ovh', 'local']
export const RUNTIMES: readonly Runtime[] = ['process', 'container', 'vllm']

export interface GpuSpec {
  /** e.g. 'H100', 'A100-80GB', 'L4', 'RTX4090' */
  model: string
  count: number
  /** per GPU */
  vramGb: number
}

/** What one provider machine offers. */
export interface Capability {
  gpu: GpuSpec
  cloud: Cloud
  /** e.g. 'eu-central' */
  region: string
  /** e.g. 'eu-central-1a' */
  zone: string
  spot: boolean
  runtimes: Runtime[]
  /** model names whose weights are on local disk */
  cachedModels: string[]
  diskGb: number
}

/** What one job needs. */
export interface Requirement {
  /** total across gpus */
  vramGb: number
  gpus: number
  /** allowed GPU models, any if absent */
  gpuModels?: string[]
  /** pinned regions, any if absent */
  regions?: string[]
  spotAllowed: boolean
  runtime: Runtime
  model: { name: string; sizeGb: number }
}

/** The first rule a capability fails, with what was needed and what was there. */
export type InfeasibleReason =
  | { kind: 'gpu-count'; need: number; have: number }
  | { kind: 'vram'; needGb: number; haveGb: number }
  | { kind: 'gpu-model'; allowed: string[]; have: string }
  | { kind: 'region'; allowed: string[]; have: string }
  | { kind: 'spot'; spot: true }
  | { kind: 'runtime'; need: Runtime; have: Runtime[] }
  | { kind: 'disk'; needGb: number; haveGb: number }

export type InfeasibleKind = InfeasibleReason['kind']
export const INFEASIBLE_KINDS: readonly InfeasibleKind[] = [
  'gpu-count',
  'vram',
  'gpu-model',
  'region',
  'spot',
  'runtime',
  'disk',
]

export type Fit = { ok: true } | { ok: false; reason: InfeasibleReason }

const FITS: Fit = Object.freeze({ ok: true })

/**
 * Whether a job with `req` can run on a machine with `cap`; when not, the first failing rule.
 * The job's GPUs are `req.gpus` cards of the machine, so the VRAM it gets is
 * `req.gpus × cap.gpu.vramGb`, not the whole machine's.
 */
export function fits(req: Requirement, cap: Capability): Fit {
  if (cap.gpu.count < req.gpus) return { ok: false, reason: { kind: 'gpu-count', need: req.gpus, have: cap.gpu.count } }
  const haveGb = req.gpus * cap.gpu.vramGb
  if (haveGb < req.vramGb) return { ok: false, reason: { kind: 'vram', needGb: req.vramGb, haveGb } }
  if (req.gpuModels !== undefined && !req.gpuModels.includes(cap.gpu.model)) {
    return { ok: false, reason: { kind: 'gpu-model', allowed: req.gpuModels, have: cap.gpu.model } }
  }
  if (req.regions !== undefined && !req.regions.includes(cap.region)) {
    return { ok: false, reason: { kind: 'region', allowed: req.regions, have: cap.region } }
  }
  if (cap.spot && !req.spotAllowed) return { ok: false, reason: { kind: 'spot', spot: true } }
  if (!cap.runtimes.includes(req.runtime)) {
    return { ok: false, reason: { kind: 'runtime', need: req.runtime, have: cap.runtimes } }
  }
  // Cached weights need no room; otherwise the download must fit on disk.
  if (!cap.cachedModels.includes(req.model.name) && cap.diskGb < req.model.sizeGb) {
    return { ok: false, reason: { kind: 'disk', needGb: req.model.sizeGb, haveGb: cap.diskGb } }
  }
  return FITS
}

/** The machine's VRAM over all its GPUs: what the jobs running on it share. */
export function totalVramGb(cap: Capability): number {
  return cap.gpu.vramGb * cap.gpu.count
}

const positiveInt = (n: number) => Number.isInteger(n) && n > 0
const nonNegative = (n: number) => Number.isFinite(n) && n >= 0

/** Rejects a requirement no machine could ever meet for a malformed reason (not for being large). */
export function validateRequirement(req: Requirement): Requirement {
  if (!positiveInt(req.gpus)) throw new InvalidRequirementError('gpus')
  if (!nonNegative(req.vramGb)) throw new InvalidRequirementError('vramGb')
  if (!RUNTIMES.includes(req.runtime)) throw new InvalidRequirementError('runtime')
  if (req.model.name === '') throw new InvalidRequirementError('model.name')
  if (!nonNegative(req.model.sizeGb)) throw new InvalidRequirementError('model.sizeGb')
  if (req.gpuModels?.length === 0) throw new InvalidRequirementError('gpuModels')
  if (req.regions?.length === 0) throw new InvalidRequirementError('regions')
  return req
}

export function validateCapability(cap: Capability): Capability {
  if (!positiveInt(cap.gpu.count)) throw new InvalidCapabilityError('gpu.count')
  if (!nonNegative(cap.gpu.vramGb)) throw new InvalidCapabilityError('gpu.vramGb')
  if (!CLOUDS.includes(cap.cloud)) throw new InvalidCapabilityError('cloud')
  if (cap.region === '') throw new InvalidCapabilityError('region')
  if (cap.zone === '') throw new InvalidCapabilityError('zone')
  if (cap.runtimes.some((r) => !RUNTIMES.includes(r))) throw new InvalidCapabilityError('runtimes')
  if (!nonNegative(cap.diskGb)) throw new InvalidCapabilityError('diskGb')
  return cap
}

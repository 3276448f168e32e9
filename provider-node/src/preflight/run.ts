/**
 * Runs the checks an operation requires: the probes it needs (concurrently, each bounded by a
 * timeout), then the pure verdicts. Items that depend on a failed one are `skipped`, not probed.
 */

import { PublicKey } from '@solana/web3.js'
import { ENGINE_BIN, ModelCache } from '@synkti/inference/spawn'
import type { MarketClient } from '@synkti/market'
import type { Capability, Requirement, Runtime } from '@synkti/planner'
import { MIN_FREE_DISK_GB, OPERATION_CHECKS, PREFLIGHT_PROBE_TIMEOUT_MS } from './constants.js'
import { InvalidPreflightOperationError, MissingPreflightNeedsError, PreflightFailedError } from './errors.js'
import {
  type EngineRequest,
  evaluateActive,
  evaluateDisk,
  evaluateEngine,
  evaluateGpu,
  evaluateKeypair,
  evaluatePeers,
  evaluateRegistered,
  evaluateRpc,
  evaluateRuntime,
  evaluateSol,
  evaluateStake,
  evaluateWeights,
  skipped,
} from './evaluate.js'
import { observeBalance, observeRegistration, observeRpc } from './probes/chain.js'
import { observeDisk } from './probes/disk.js'
import { observeEngines } from './probes/engine.js'
import type { ToolEnv } from './probes/exec.js'
import { observeGpu } from './probes/gpu.js'
import { observeKeypair } from './probes/keypair.js'
import { observeModelWeights, type WeightsCacheView, type WeightsSourceView } from './probes/model-weights.js'
import { observeCommand, observeContainerEngine } from './probes/runtime.js'
import { observeWeights } from './probes/weights.js'
import type {
  CheckId,
  CheckResult,
  ContainerEngine,
  Operation,
  PeersObservation,
  PreflightReport,
  RuntimeObservation,
  WeightsObservation,
} from './types.js'

/** What the checks need from the node: its configuration and handles, nothing more. */
export interface PreflightEnv {
  keypairPath: string
  market: PublicKey
  client: MarketClient
  /** The provider account, when known (saves searching the market for this operator). */
  provider?: PublicKey
  /** The running libp2p node's connection count and bootstrap list size; absent when no node runs. */
  peers?: { connected: () => number; bootstrap: number }
  /** Command of the `process` runtime when no job names one (e.g. `vllm`, or `node` for the stand-in). */
  runtimeCommand: string
  /** What the node declares (planner's Capability). */
  declared: Capability
  modelDir: string
  /** Hugging Face-compatible hub asked when weights are not on disk (e.g. https://huggingface.co); none: they must be on disk. */
  weightsSource?: string
  /** Token for gated models (HF_TOKEN). */
  weightsToken?: string
  /**
   * Where a model job's weights (named by sha256) are looked for: the node's cache and its
   * configured sources (`weightsSources`). Default: the cache in `modelDir`, no source.
   */
  weights?: { cache: WeightsCacheView; sources: readonly WeightsSourceView[] }
  /** `synkti-engine`'s entry point (default: the one @synkti/inference ships). */
  engineBin?: string
  /** Container engines to try, in order; default docker then podman. */
  containerEngines?: ContainerEngine[]
  nvidiaSmi?: string
  /** PATH to search for tools instead of the process's. */
  path?: string
  timeoutMs?: number
  now?: () => number
}

/**
 * What a lease operation needs: the job's requirement and, for `process` jobs, its command; for
 * a model job, its weights (hash and length) and the engine it asks for.
 */
export interface PreflightNeeds {
  requirement: Requirement
  command?: string
  weights?: { sha256: string; sizeBytes: number }
  engine?: EngineRequest
  /**
   * The job's name; `null` when no job is named (`doctor --operation accept-lease` without
   * `--spec`): the node's own items are checked, and the weights of no job (the report says so).
   */
  job?: string | null
}

const OPERATIONS = Object.keys(OPERATION_CHECKS) as Operation[]

export function parseOperation(value: string): Operation {
  if (!(OPERATIONS as string[]).includes(value)) throw new InvalidPreflightOperationError(value)
  return value as Operation
}

export function isBlocking(check: CheckResult): boolean {
  return check.status.kind === 'failed' || check.status.kind === 'skipped'
}

/** `start` checks the node's declaration; every lease operation needs the job's requirement. */
export type LeaseOperation = Exclude<Operation, 'start'>

export function runPreflight(operation: 'start', env: PreflightEnv, needs?: PreflightNeeds): Promise<PreflightReport>
export function runPreflight(
  operation: LeaseOperation,
  env: PreflightEnv,
  needs: PreflightNeeds,
): Promise<PreflightReport>
export function runPreflight(operation: Operation, env: PreflightEnv, needs?: PreflightNeeds): Promise<PreflightReport>
export async function runPreflight(
  operation: Operation,
  env: PreflightEnv,
  needs?: PreflightNeeds,
): Promise<PreflightReport> {
  if (operation !== 'start' && needs === undefined) throw new MissingPreflightNeedsError(operation)
  const wanted = new Set<CheckId>(OPERATION_CHECKS[operation])
  const timeoutMs = env.timeoutMs ?? PREFLIGHT_PROBE_TIMEOUT_MS
  const tools: ToolEnv = { timeoutMs, ...(env.path === undefined ? {} : { path: env.path }) }
  const requirement = needs?.requirement

  // the engine is the node's own at `start`; a lease operation checks it for a model job only
  const engine = wanted.has('engine') && (operation === 'start' || needs?.engine !== undefined)
  const [chainChecks, runtimeChecks, engineCheck, gpuCheck, storageChecks] = await Promise.all([
    chain(env, wanted, timeoutMs),
    wanted.has('runtime') ? runtimes(env, tools, needs) : [],
    engine
      ? observeEngines(env.engineBin ?? ENGINE_BIN, tools).then((o) => evaluateEngine(o, needs?.engine))
      : undefined,
    wanted.has('gpu')
      ? observeGpu(env.nvidiaSmi ?? 'nvidia-smi', tools).then((o) =>
          evaluateGpu(o, env.declared, env.market.toBase58(), requirement),
        )
      : undefined,
    storage(env, wanted, timeoutMs, needs),
  ])
  const peers = wanted.has('peers') ? evaluatePeers(observePeers(env), operation) : undefined
  const byId = [
    ...chainChecks,
    ...runtimeChecks,
    ...(engineCheck ? [engineCheck] : []),
    ...(gpuCheck ? [gpuCheck] : []),
    ...storageChecks,
  ]
  if (peers !== undefined) byId.push(peers)
  // Report in the operation's order, so `doctor` reads the same every time.
  const checks = OPERATION_CHECKS[operation].flatMap((id) => byId.filter((c) => c.id === id))
  return {
    operation,
    ok: !checks.some(isBlocking),
    checks,
    at: (env.now ?? Date.now)(),
    ...(needs?.job === undefined ? {} : { job: needs.job }),
  }
}

/** Runs the preflight and throws `PreflightFailedError` (with the report) when anything blocks. */
export function assertPreflight(operation: 'start', env: PreflightEnv, needs?: PreflightNeeds): Promise<PreflightReport>
export function assertPreflight(
  operation: LeaseOperation,
  env: PreflightEnv,
  needs: PreflightNeeds,
): Promise<PreflightReport>
export function assertPreflight(
  operation: Operation,
  env: PreflightEnv,
  needs?: PreflightNeeds,
): Promise<PreflightReport>
export async function assertPreflight(
  operation: Operation,
  env: PreflightEnv,
  needs?: PreflightNeeds,
): Promise<PreflightReport> {
  const report = await runPreflight(operation, env, needs)
  if (!report.ok) throw new PreflightFailedError(report)
  return report
}

function observePeers(env: PreflightEnv): PeersObservation {
  if (env.peers === undefined) return { kind: 'not-running' }
  return { kind: 'counted', connected: env.peers.connected(), bootstrap: env.peers.bootstrap }
}

const CHAIN_ITEMS: readonly CheckId[] = ['registered', 'active', 'stake', 'sol']

async function chain(env: PreflightEnv, wanted: Set<CheckId>, timeoutMs: number): Promise<CheckResult[]> {
  const needsChain = CHAIN_ITEMS.some((id) => wanted.has(id)) || wanted.has('rpc')
  if (!wanted.has('keypair') && !needsChain) return []
  const [keypairObs, rpcObs] = await Promise.all([
    observeKeypair(env.keypairPath),
    wanted.has('rpc') ? observeRpc(env.client, timeoutMs) : undefined,
  ])
  const keypair = evaluateKeypair(keypairObs)
  const rpc = rpcObs === undefined ? undefined : evaluateRpc(rpcObs)
  const out = [keypair, ...(rpc ? [rpc] : [])]
  const items = CHAIN_ITEMS.filter((id) => wanted.has(id))
  // The chain items need the operator's address and an RPC that answers.
  if (keypairObs.kind !== 'loaded') return [...out, ...items.map((id) => skipped(id, 'keypair'))]
  if (rpc !== undefined && isBlocking(rpc)) return [...out, ...items.map((id) => skipped(id, 'rpc'))]
  const operator = new PublicKey(keypairObs.address)
  const market = env.market.toBase58()
  const [registration, balance] = await Promise.all([
    observeRegistration({
      client: env.client,
      market: env.market,
      operator,
      timeoutMs,
      ...(env.provider === undefined ? {} : { provider: env.provider }),
    }),
    wanted.has('sol') ? observeBalance(env.client, operator, timeoutMs) : undefined,
  ])
  const verdicts: Partial<Record<CheckId, CheckResult>> = {
    registered: evaluateRegistered(registration, market, env.keypairPath),
    active: evaluateActive(registration, market),
    stake: evaluateStake(registration),
    ...(balance === undefined ? {} : { sol: evaluateSol(balance) }),
  }
  return [...out, ...items.flatMap((id) => verdicts[id] ?? [])]
}

/** `start` checks every runtime the node declares; a lease operation the one its job uses. */
async function runtimes(env: PreflightEnv, tools: ToolEnv, needs?: PreflightNeeds): Promise<CheckResult[]> {
  const kinds: Runtime[] = needs === undefined ? env.declared.runtimes : [needs.requirement.runtime]
  const engines = env.containerEngines ?? ['docker', 'podman']
  const observe = (runtime: Runtime): Promise<RuntimeObservation> => {
    switch (runtime) {
      case 'container':
        return observeContainerEngine(engines, tools)
      case 'vllm':
        return observeCommand('vllm', 'vllm', tools)
      case 'process':
        return observeCommand('process', needs?.command ?? env.runtimeCommand, tools)
    }
  }
  return Promise.all(kinds.map((k) => observe(k).then(evaluateRuntime)))
}

/** Weights first: whether they are on disk decides how much free space the job needs. */
async function storage(
  env: PreflightEnv,
  wanted: Set<CheckId>,
  timeoutMs: number,
  needs?: PreflightNeeds,
): Promise<CheckResult[]> {
  const requirement = needs?.requirement
  let weights: WeightsObservation | undefined
  if (wanted.has('weights') && needs?.job === null) {
    weights = { kind: 'no-job' }
  } else if (wanted.has('weights') && needs?.weights !== undefined) {
    // a model job's weights are named by their hash: the cache, then the sources (HeadObject)
    weights = await observeModelWeights({
      weights: needs.weights,
      cache: env.weights?.cache ?? new ModelCache({ dir: env.modelDir }),
      sources: env.weights?.sources ?? [],
      timeoutMs,
    })
  } else if (wanted.has('weights') && requirement !== undefined) {
    weights = await observeWeights({
      model: requirement.model,
      modelDir: env.modelDir,
      // No hub unless the operator names one: the node never calls out on its own.
      ...(env.weightsSource === undefined ? {} : { source: env.weightsSource }),
      timeoutMs,
      ...(env.weightsToken === undefined ? {} : { token: env.weightsToken }),
    })
  }
  const out: CheckResult[] = []
  if (wanted.has('disk')) {
    const disk = await observeDisk(env.modelDir)
    const [need, why] = diskNeed(weights, requirement)
    out.push(evaluateDisk(disk, need, why, env.modelDir))
  }
  if (weights !== undefined) out.push(evaluateWeights(weights))
  return out
}

function diskNeed(weights: WeightsObservation | undefined, requirement?: Requirement): [number, string] {
  if (requirement === undefined || weights === undefined || weights.kind === 'no-job')
    return [MIN_FREE_DISK_GB, 'minimum for the node']
  if (weights.kind === 'present' || weights.kind === 'not-needed' || weights.kind === 'cached')
    return [0, `${requirement.model.name} already on disk`]
  return [requirement.model.sizeGb, `weights of ${requirement.model.name}`]
}

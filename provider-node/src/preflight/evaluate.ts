/**
 * Pure verdicts: one observation in, one `CheckResult` out. Nothing here touches the machine,
 * the chain or the clock, so each rule is tested with literal observations.
 */
import { basename, dirname } from 'node:path'
import { type Capability, fits, type InfeasibleKind, type Requirement, type Runtime } from '@synkti/planner'
import { CHECK_TITLES, MIN_OPERATOR_LAMPORTS, VRAM_TOLERANCE } from './constants.js'
import { gb, gibFromMiB, shortAddress, sol } from './format.js'
import { remedies } from './remedies.js'
import type {
  BalanceObservation,
  CheckId,
  CheckResult,
  CheckStatus,
  DiskObservation,
  EngineObservation,
  GpuObservation,
  KeypairObservation,
  ObservedGpu,
  Operation,
  PeersObservation,
  RegistrationObservation,
  RpcObservation,
  RuntimeObservation,
  WeightsObservation,
} from './types.js'

const OK: CheckStatus = { kind: 'ok' }
const failed = (remedy: string): CheckStatus => ({ kind: 'failed', remedy })
const unverified = (note: string): CheckStatus => ({ kind: 'unverified', note })

function result(id: CheckId, observed: string, status: CheckStatus, title: string = CHECK_TITLES[id]): CheckResult {
  return { id, title, observed, status }
}

/** An item that could not be judged because `because` failed first. */
export function skipped(id: CheckId, because: CheckId, title?: string): CheckResult {
  return result(id, `not checked: ${CHECK_TITLES[because]} failed`, { kind: 'skipped', because }, title)
}

export function evaluateKeypair(o: KeypairObservation): CheckResult {
  switch (o.kind) {
    case 'loaded':
      return result('keypair', `read ${o.path}: operator ${o.address}`, OK)
    case 'missing':
      return result('keypair', `read ${o.path}: no such file`, failed(remedies.keygen(o.path)))
    case 'unreadable':
      return result('keypair', `read ${o.path}: ${o.reason}`, failed(remedies.keypairPermissions(o.path)))
    case 'malformed':
      return result('keypair', `read ${o.path}: ${o.reason}`, failed(remedies.keypairMalformed(o.path)))
  }
}

export function evaluateRpc(o: RpcObservation): CheckResult {
  if (o.kind === 'reachable')
    return result('rpc', `getVersion via ${o.url} = solana-core ${o.version}, slot ${o.slot}`, OK)
  return result('rpc', `getVersion via ${o.url}: ${o.reason}`, failed(remedies.startRpc(o.url)))
}

/** `market` is the address the node was given (shown in remedies even when the account is missing). */
export function evaluateRegistered(o: RegistrationObservation, market: string, keypairPath: string): CheckResult {
  switch (o.kind) {
    case 'registered':
      return result(
        'registered',
        `provider ${o.provider.address.toBase58()} of market ${shortAddress(market)} has operator ${shortAddress(o.provider.operator.toBase58())} (via ${o.url})`,
        OK,
      )
    case 'unregistered':
      return result(
        'registered',
        `no provider of market ${shortAddress(market)} has operator ${o.operator} (via ${o.url})`,
        failed(remedies.register(market, o.market.minStake)),
      )
    case 'other-operator':
      return result(
        'registered',
        `provider ${o.provider.address.toBase58()} has operator ${o.provider.operator.toBase58()}, this keypair is ${o.operator} (via ${o.url})`,
        failed(remedies.otherOperator(keypairPath, o.provider.operator.toBase58())),
      )
    case 'market-missing':
      return result(
        'registered',
        `market ${o.market} does not exist (via ${o.url})`,
        failed(remedies.marketMissing(o.market, o.url)),
      )
    case 'unreadable':
      return result('registered', `reading the provider via ${o.url}: ${o.reason}`, failed(remedies.readChain(o.url)))
  }
}

export function evaluateActive(o: RegistrationObservation, market: string): CheckResult {
  if (o.kind !== 'registered') return skipped('active', 'registered')
  const s = o.provider.status
  const seen = `provider ${shortAddress(o.provider.address.toBase58())} status ${s.kind}`
  switch (s.kind) {
    case 'active':
      return result('active', seen, OK)
    case 'paused':
      return result('active', seen, failed(remedies.resume()))
    case 'exiting':
      return result(
        'active',
        `${seen} (unlocks at ${s.unlockAt})`,
        failed(remedies.exiting(market, o.market.minStake, s.unlockAt)),
      )
  }
}

export function evaluateStake(o: RegistrationObservation): CheckResult {
  if (o.kind !== 'registered') return skipped('stake', 'registered')
  const { staked } = o.provider
  const min = o.market.minStake
  const seen = `staked ${staked}, market minimum ${min} (stake-mint base units)`
  return result('stake', seen, staked >= min ? OK : failed(remedies.stake(min - staked)))
}

export function evaluateSol(o: BalanceObservation): CheckResult {
  if (o.kind === 'unreadable') {
    return result(
      'sol',
      `getBalance(${shortAddress(o.address)}) via ${o.url}: ${o.reason}`,
      failed(remedies.readChain(o.url)),
    )
  }
  const seen = `getBalance(${shortAddress(o.address)}) = ${sol(o.lamports)} via ${o.url}, need ${sol(MIN_OPERATOR_LAMPORTS)}`
  return result('sol', seen, o.lamports >= MIN_OPERATOR_LAMPORTS ? OK : failed(remedies.fundFees(o.address, o.url)))
}

/** A hand-off (`migrate`) cannot happen alone; a first node may start with no one to talk to. */
export function evaluatePeers(o: PeersObservation, operation: Operation): CheckResult {
  if (o.kind === 'not-running') {
    return result('peers', 'no libp2p node in this process', unverified('peers are counted once the node runs'))
  }
  const seen = `libp2p connections: ${o.connected} (bootstrap list: ${o.bootstrap})`
  if (o.connected > 0) return result('peers', seen, OK)
  if (operation === 'migrate') return result('peers', seen, failed(remedies.firstPeer()))
  if (o.bootstrap === 0)
    return result('peers', seen, unverified('no bootstrap peers configured: the first node of its network'))
  return result('peers', seen, failed(remedies.peers()))
}

export function evaluateRuntime(o: RuntimeObservation): CheckResult {
  switch (o.kind) {
    case 'command-found':
      return result('runtime', `${o.command} found at ${o.path}`, OK, runtimeTitle(o.runtime))
    case 'command-missing':
      return result(
        'runtime',
        `${o.command} not found on PATH`,
        failed(basename(o.command) === 'vllm' ? remedies.installVllm() : remedies.installCommand(o.command)),
        runtimeTitle(o.runtime),
      )
    case 'engine-ready':
      return result('runtime', `${o.engine} info: server ${o.version}`, OK, runtimeTitle('container'))
    case 'engine-daemon-down':
      return result(
        'runtime',
        `${o.engine} CLI found but daemon unreachable: ${o.detail}`,
        failed(remedies.startEngine(o.engine)),
        runtimeTitle('container'),
      )
    case 'no-engine':
      return result(
        'runtime',
        `no container engine on PATH (tried ${o.tried.join(', ')})`,
        failed(remedies.installEngine()),
        runtimeTitle('container'),
      )
  }
}

function runtimeTitle(runtime: Runtime): string {
  return `${CHECK_TITLES.runtime} (${runtime})`
}

/** What the GPU check wants: per-GPU VRAM, a count, and the models allowed (any when absent). */
export interface GpuWant {
  count: number
  vramGbPerGpu: number
  models?: string[]
  /** Whose want it is, for messages: the node's own declaration or a job. */
  source: 'declared' | 'job'
}

export function gpuWantOf(declared: Capability, requirement?: Requirement): GpuWant {
  if (requirement === undefined) {
    return {
      count: declared.gpu.count,
      vramGbPerGpu: declared.gpu.vramGb,
      models: [declared.gpu.model],
      source: 'declared',
    }
  }
  return {
    count: requirement.gpus,
    vramGbPerGpu: requirement.gpus === 0 ? 0 : requirement.vramGb / requirement.gpus,
    ...(requirement.gpuModels === undefined ? {} : { models: requirement.gpuModels }),
    source: 'job',
  }
}

const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * nvidia-smi names GPUs `NVIDIA H100 80GB HBM3`, `NVIDIA A100-SXM4-80GB`; declarations say `H100`,
 * `A100-80GB`. A name matches when it contains the declared model or the declared model's family
 * (the part before the first dash).
 */
export function gpuNameMatches(observed: string, model: string): boolean {
  const name = normalise(observed)
  const family = normalise(model.split('-')[0] ?? model)
  return name.includes(normalise(model)) || (family !== '' && name.includes(family))
}

function describeWant(w: GpuWant): string {
  const models = w.models === undefined ? '' : ` ${w.models.join('|')}`
  return `${w.count}×${models} ${w.vramGbPerGpu} GB`
}

function describeGpus(gpus: ObservedGpu[]): string {
  return gpus.map((g) => `${g.name} ${g.memoryMiB} MiB`).join(', ')
}

/** GPUs that satisfy the per-GPU VRAM and model of `want`. */
function matching(gpus: ObservedGpu[], want: GpuWant): ObservedGpu[] {
  return gpus.filter(
    (g) =>
      gibFromMiB(g.memoryMiB) >= want.vramGbPerGpu * (1 - VRAM_TOLERANCE) &&
      (want.models === undefined || want.models.some((m) => gpuNameMatches(g.name, m))),
  )
}

const GPU_RULES: readonly InfeasibleKind[] = ['gpu-count', 'vram', 'gpu-model']

/** The planner's own rule decides whether the declaration could host the job (its GPU rules come first). */
function declarationFits(declared: Capability, requirement: Requirement): boolean {
  const fit = fits(requirement, declared)
  return fit.ok || !GPU_RULES.includes(fit.reason.kind)
}

/** Observed GPUs against the job's requirement, or against the declaration when there is no job. */
export function evaluateGpu(
  o: GpuObservation,
  declared: Capability,
  market: string,
  requirement?: Requirement,
): CheckResult {
  const want = gpuWantOf(declared, requirement)
  if (want.count === 0) return result('gpu', `${want.source === 'job' ? 'the job needs' : 'declared'} no GPU`, OK)
  const needs = `${want.source === 'job' ? 'the job needs' : 'declared'} ${describeWant(want)}`
  switch (o.kind) {
    case 'observed': {
      const seen = `${o.command}: ${o.gpus.length === 0 ? 'no GPU listed' : describeGpus(o.gpus)}; ${needs}`
      const good = matching(o.gpus, want)
      if (good.length >= want.count) return result('gpu', seen, OK)
      if (want.source === 'job') return result('gpu', seen, failed(remedies.decline(`${needs}, ${good.length} here`)))
      const first = o.gpus[0]
      const remedy = remedies.declareGpu(
        market,
        first === undefined ? 'none' : first.name,
        first === undefined ? 0 : Math.floor(gibFromMiB(first.memoryMiB)),
        o.gpus.length,
      )
      return result('gpu', seen, failed(remedy))
    }
    case 'tool-absent': {
      const seen = `${o.command} not found; declared ${declared.gpu.count}× ${declared.gpu.model} ${declared.gpu.vramGb} GB`
      if (requirement !== undefined && !declarationFits(declared, requirement)) {
        return result('gpu', seen, failed(remedies.decline(needs)))
      }
      return result('gpu', seen, unverified(`taking the declared capability: ${o.command} is absent`))
    }
    case 'tool-failed':
      return result('gpu', `${o.command}: ${o.detail}`, failed(remedies.gpuDriver(o.command)))
  }
}

export function evaluateDisk(o: DiskObservation, needGb: number, why: string, modelDir: string): CheckResult {
  if (o.kind === 'unreadable') return result('disk', `statfs(${o.path}): ${o.reason}`, failed(`mkdir -p ${modelDir}`))
  const seen = `statfs(${o.path}): ${gb(o.freeBytes)} free of ${gb(o.totalBytes)}; need ${needGb} GB (${why})`
  const short = needGb - o.freeBytes / 1e9
  return result('disk', seen, short <= 0 ? OK : failed(remedies.freeDisk(o.path, Math.ceil(short), modelDir)))
}

/** What a model job asks for: `auto` (the node chooses), `llamacpp` or `vllm` by name. */
export type EngineRequest = 'auto' | 'llamacpp' | 'vllm'

/** The engine a model job runs on here, and why; or why none can run it. */
export type EngineChoice = { ok: true; engine: 'llamacpp'; why: string } | { ok: false; why: string; remedy: string }

/**
 * Which engine runs a model job here. llama.cpp (`synkti-engine`, shipped with the node) serves
 * GGUF weights on the CPU, CUDA or Vulkan; the node does not run vLLM yet, so `auto` is llama.cpp
 * even where `vllm` is on PATH, and a job that asks for vLLM by name is refused (by name).
 */
export function chooseEngine(o: EngineObservation, requested: EngineRequest = 'auto'): EngineChoice {
  const vllm =
    o.vllm === null ? 'vllm not on PATH' : `vllm found at ${o.vllm}, not used: this node does not run vLLM jobs yet`
  if (requested === 'vllm') {
    return {
      ok: false,
      why: `the job asks for vllm; ${vllm}`,
      remedy: remedies.decline('this node serves model jobs with llama.cpp only: the job could ask for engine auto'),
    }
  }
  if (!o.llamacpp.present) {
    return { ok: false, why: `synkti-engine missing at ${o.llamacpp.bin}; ${vllm}`, remedy: remedies.reinstallEngine() }
  }
  const how = requested === 'auto' ? 'auto → llamacpp' : 'llamacpp (asked for by name)'
  return {
    ok: true,
    engine: 'llamacpp',
    why: `${how}: synkti-engine at ${o.llamacpp.bin} (llama.cpp through node-llama-cpp: CUDA, then Vulkan, then the CPU, whichever loads); ${vllm}`,
  }
}

/** `start` reports the engine `auto` would choose; a model job's operation the one it would run on. */
export function evaluateEngine(o: EngineObservation, requested?: EngineRequest): CheckResult {
  const choice = chooseEngine(o, requested)
  return choice.ok ? result('engine', choice.why, OK) : result('engine', choice.why, failed(choice.remedy))
}

export function evaluateWeights(o: WeightsObservation): CheckResult {
  switch (o.kind) {
    case 'cached':
      return result('weights', `sha256 ${o.sha256} in the model cache (${o.path})`, OK)
    case 'in-source':
      return result(
        'weights',
        `sha256 ${o.sha256} not cached; ${o.source} holds it${o.sizeBytes === null ? '' : ` (${o.sizeBytes} bytes)`}, fetched and hash-checked when the job starts`,
        OK,
      )
    case 'unavailable': {
      const answers =
        o.answers.length === 0
          ? 'no weights source configured'
          : o.answers.map((a) => `${a.source}: ${a.error}`).join('; ')
      const seen = `sha256 ${o.sha256} not in the model cache (${o.path}); ${answers}`
      const unreachable = o.answers.filter((a) => a.error === 'WeightsSourceError').map((a) => a.source)
      const notThere = o.answers.filter((a) => a.error !== 'WeightsSourceError').map((a) => a.source)
      const remedy =
        unreachable.length > 0 && notThere.length === 0
          ? remedies.reachSource(unreachable[0] as string)
          : // the cache's layout is <modelDir>/sha256/<hex>
            remedies.placeWeights(o.sha256, o.path, dirname(dirname(o.path)), notThere)
      return result('weights', seen, failed(remedy))
    }
    case 'no-job':
      return result(
        'weights',
        'no job named: no weights checked',
        unverified('synkti-provider doctor --operation <op> --spec <job spec file> checks the weights of that job'),
      )
    case 'not-needed':
      return result('weights', `the job declares no weights for ${o.model} (0 GB)`, OK)
    case 'invalid-name':
      return result(
        'weights',
        `model name ${JSON.stringify(o.model)} resolves outside ${o.modelDir}`,
        failed(remedies.decline(`the job's model name is not a relative path`)),
      )
    case 'present':
      return result('weights', `${o.path}: ${o.files} file(s), ${gb(o.bytes)}`, OK)
    case 'fetchable':
      return result('weights', `not on disk; ${o.url} answered 200 (fetched when the job starts)`, OK)
    case 'absent':
      return result(
        'weights',
        `${o.path} absent; no weights source configured`,
        failed(remedies.placeNamedWeights(o.model, o.path)),
      )
    case 'gated':
      return result('weights', `not on disk; ${o.url} answered ${o.status}`, failed(remedies.gatedModel()))
    case 'not-found':
      return result(
        'weights',
        `${o.path} absent; ${o.url} answered 404`,
        failed(remedies.unknownModel(o.model, o.path)),
      )
    case 'source-unreachable':
      return result(
        'weights',
        `${o.path} absent; ${o.url}: ${o.reason}`,
        failed(remedies.downloadWeights(o.model, o.path)),
      )
  }
}

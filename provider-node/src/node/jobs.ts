import {
  ENGINE_BIN,
  engineArgs,
  ModelCache,
  type ResolvedWeights,
  resolveWeights,
  type WeightsRef,
} from '@synkti/inference/spawn'
import {
  fillPlaceholders,
  isModelJob,
  type JobSpec,
  type JobView,
  type JobViewState,
  type ModelJobSpec,
} from '@synkti/jobs'
import { JobNotFoundError } from '../api/errors.js'
import { ADOPTED_POLL_MS, CLONE_ROOT } from '../constants.js'
import { JobExitedEarlyError } from '../errors.js'
import { freePort } from '../runtime/free-port.js'
import { type Job, type LogLine, type JobSpec as ProcessSpec, signalJob, startJob } from '../runtime/job.js'
import { EngineLoadError, EngineRefusedWeightsError, JobNotReadyError } from './errors.js'
import type { NodeLog } from './events.js'
import { isAlive, type JobRecord, type JobRecords } from './job-records.js'

/**
 * The jobs this node runs, keyed by lease: one lease pays for one job, so a second submission,
 * a repeated hand-off confirmation or a resumed failover for the same lease never spawns twice.
 */

interface Entry {
  lease: string
  consumer: string
  spec: JobSpec
  /** chain unix seconds this node began serving the lease: where its billing starts */
  since: number
  startedAt: number
  healthyAt: number | null
  endpoint: string | null
  /** set while the process runs (or ran) */
  job: Job | null
  /** a process started by this node before it restarted: known by pid only */
  adoptedPid: number | null
  /** states the node decided, overriding the process's own */
  override: { state: 'handed-off'; to: string } | { state: 'failed' | 'stopped'; reason: string } | null
  started: Promise<void>
  /** a model job's engine: where its weights came from, then its own load (from its `loaded` event) */
  engine: NonNullable<JobView['engine']> | null
}

/** Where a model job's weights come from (the node's `NodeWeights`). */
export interface WeightsResolver {
  resolve(ref: WeightsRef, signal?: AbortSignal): Promise<ResolvedWeights>
  /** the engine refused the file it was given (exit 3): a cached file that no longer matches is dropped */
  refused?(sha256: string): Promise<void>
}

export interface JobManagerInit {
  /** working directory of process jobs (default: the clone's root, `CLONE_ROOT`) */
  cwd?: string
  /** `docker` or `podman` when an engine answers; image jobs need one */
  containerEngine?: string
  /** unix seconds */
  now?: () => number
  onChange?: (lease: string) => void
  /** where each started job is recorded, so a restarted node adopts it instead of starting it twice */
  records?: JobRecords
  /** a model job's weights: the node's cache and sources (default: the default cache, no source) */
  weights?: WeightsResolver
  /** events of model jobs' engines (`engine-loaded`) */
  log?: NodeLog
}

export class JobManager implements AsyncDisposable {
  private readonly entries = new Map<string, Entry>()
  private readonly now: () => number
  #goneListener: ((lease: string, lastHealthyAt: number | null) => Promise<void>) | undefined
  #adoptedWatch: NodeJS.Timeout | undefined

  constructor(private readonly init: JobManagerInit = {}) {
    this.now = init.now ?? (() => Math.floor(Date.now() / 1000))
  }

  has(lease: string): boolean {
    return this.entries.has(lease)
  }

  /** Jobs that are starting or serving (not ended, not handed off). */
  live(): string[] {
    return [...this.entries.values()].filter((e) => isLive(viewState(e))).map((e) => e.lease)
  }

  spec(lease: string): JobSpec {
    return this.entry(lease).spec
  }

  /**
   * Starts the job of `lease` unless it already runs; resolves at once (the job starts in the
   * background; `ready(lease)` waits for it).
   */
  start(lease: string, consumer: string, spec: JobSpec, since: number): void {
    const existing = this.entries.get(lease)
    if (existing !== undefined && isLive(viewState(existing))) return
    const entry: Entry = {
      lease,
      consumer,
      spec,
      since,
      startedAt: this.now(),
      healthyAt: null,
      endpoint: null,
      job: null,
      adoptedPid: null,
      override: null,
      started: Promise.resolve(),
      engine: null,
    }
    entry.started = this.launch(entry)
    this.entries.set(lease, entry)
    this.changed(lease)
  }

  /** Resolves when the job is healthy; rejects with the runtime's named error if it never is. */
  async ready(lease: string): Promise<string> {
    const entry = this.entry(lease)
    await entry.started
    if (entry.endpoint === null)
      throw new JobNotReadyError(lease, entry.override?.state === 'failed' ? entry.override.reason : viewState(entry))
    return entry.endpoint
  }

  private async launch(entry: Entry): Promise<void> {
    const { spec } = entry
    try {
      const port = await freePort()
      const run = isModelJob(spec)
        ? await this.engineSpec(entry, spec, port)
        : this.processSpec(spec, port, entry.lease)
      const output = this.init.records?.outputOf(entry.lease)
      const job = await startJob(output === undefined ? run : { ...run, output }).catch(async (err: unknown) => {
        if (!isModelJob(spec)) throw err
        const named = engineFailure(spec, err)
        if (named instanceof EngineRefusedWeightsError) await this.init.weights?.refused?.(spec.model.sha256)
        throw named
      })
      entry.job = job
      entry.healthyAt = this.now()
      entry.endpoint = `http://127.0.0.1:${port}`
      await this.init.records?.save({
        lease: entry.lease,
        consumer: entry.consumer,
        spec,
        pid: job.pid,
        endpoint: entry.endpoint,
        since: entry.since,
        startedAt: entry.startedAt,
        healthyAt: entry.healthyAt,
      })
      void job.exited.then(() => {
        this.changed(entry.lease)
        // it ended on its own (not drained, stopped or handed off): the lease is served no more
        if (entry.override === null && job.state.phase === 'failed') this.#gone(entry)
      })
    } catch (err) {
      // recorded, not thrown: the submission was already answered; status and ready() report it
      entry.override = { state: 'failed', reason: `${(err as Error).name}: ${(err as Error).message}`.slice(0, 500) }
    } finally {
      this.changed(entry.lease)
    }
  }

  /**
   * A model job: its weights resolved (cache, else the configured sources, hash-checked), then
   * `synkti-engine` (llama.cpp) on them, spawned by this node's own Node.js. Nothing is spawned
   * when the weights cannot be had (WeightsUnavailableError names every source's answer).
   */
  private async engineSpec(entry: Entry, spec: ModelJobSpec, port: number): Promise<ProcessSpec> {
    const ref = { sha256: spec.model.sha256, sizeBytes: spec.model.sizeBytes }
    const weights = await (this.init.weights?.resolve(ref) ??
      resolveWeights(ref, { cache: new ModelCache(), trustCache: true }))
    entry.engine = { name: 'llamacpp', weightsFrom: weights.source, weightsMs: weights.ms, backend: null, loadMs: null }
    this.changed(entry.lease)
    return {
      command: process.execPath,
      args: [
        ENGINE_BIN,
        ...engineArgs({
          model: weights.path,
          sha256: weights.sha256,
          port,
          host: '127.0.0.1',
          servedModelName: spec.model.name,
          ...(spec.run.contextSize === undefined ? {} : { contextSize: spec.run.contextSize }),
          ...(spec.run.parallel === undefined ? {} : { parallel: spec.run.parallel }),
        }),
      ],
      ...(this.init.cwd !== undefined ? { cwd: this.init.cwd } : {}),
      healthUrl: `http://127.0.0.1:${port}${spec.health.path}`,
      readyTimeoutMs: spec.health.readyTimeoutSec * 1_000,
      onLine: (line) => this.engineLine(entry, line),
    }
  }

  /** The engine's `loaded` event (stdout, one JSON line): its backend and its own load time. */
  private engineLine(entry: Entry, line: LogLine): void {
    if (line.stream !== 'stdout' || !line.text.startsWith('{') || entry.engine === null) return
    let event: { event?: unknown; backend?: unknown; loadMs?: unknown }
    try {
      event = JSON.parse(line.text)
    } catch {
      return
    }
    if (event.event !== 'loaded') return
    entry.engine = {
      ...entry.engine,
      backend: typeof event.backend === 'string' ? event.backend.slice(0, 32) : null,
      loadMs: typeof event.loadMs === 'number' && event.loadMs >= 0 ? event.loadMs : null,
    }
    const { name, backend, loadMs, weightsFrom, weightsMs } = entry.engine
    this.init.log?.({
      event: 'engine-loaded',
      lease: entry.lease,
      engine: name,
      backend,
      loadMs,
      weightsFrom,
      weightsMs,
    })
  }

  private processSpec(spec: JobSpec, port: number, lease: string): ProcessSpec {
    const healthUrl = `http://127.0.0.1:${port}${spec.health.path}`
    const readyTimeoutMs = spec.health.readyTimeoutSec * 1_000
    if (spec.run.kind === 'model') throw new Error('a model job is spawned by engineSpec')
    const args = fillPlaceholders(spec.run.args, { port, model: spec.model.name })
    if (spec.run.kind === 'command') {
      return {
        command: spec.run.command,
        args,
        env: spec.run.env,
        cwd: this.init.cwd ?? CLONE_ROOT,
        healthUrl,
        readyTimeoutMs,
      }
    }
    return {
      command: this.init.containerEngine ?? 'docker',
      args: containerArgs({ lease, image: spec.run.image, args, env: spec.run.env, port }),
      healthUrl,
      readyTimeoutMs,
    }
  }

  /**
   * Takes back a job this node started before it restarted: still running → served again
   * (known by pid, with its own start and health times; its process is watched, and its exit is
   * reported as `gone`); gone → not adopted (`gone(record, …)` says so).
   */
  adopt(record: JobRecord): boolean {
    if (this.entries.has(record.lease)) return true
    if (!isAlive(record.pid)) return false
    this.entries.set(record.lease, {
      ...this.#recorded(record),
      endpoint: record.endpoint,
      adoptedPid: record.pid,
      override: null,
    })
    this.#watchAdopted()
    this.changed(record.lease)
    return true
  }

  /** A recorded job whose process is gone: known again, as failed for `reason`, so the status says why. */
  gone(record: JobRecord, reason: string): void {
    if (this.entries.has(record.lease)) return
    this.entries.set(record.lease, {
      ...this.#recorded(record),
      endpoint: null,
      adoptedPid: null,
      override: { state: 'failed', reason },
    })
    this.changed(record.lease)
  }

  #recorded(record: JobRecord): Omit<Entry, 'endpoint' | 'adoptedPid' | 'override'> {
    return {
      lease: record.lease,
      consumer: record.consumer,
      spec: record.spec,
      since: record.since,
      startedAt: record.startedAt,
      healthyAt: record.healthyAt ?? record.startedAt,
      job: null,
      started: Promise.resolve(),
      engine: null,
    }
  }

  /**
   * Calls `listener` when a job ends on its own while this node serves it (its process exited,
   * not stopped, drained or handed off by the node), with when it was last seen healthy; the
   * job's record is removed once the listener is done with it.
   */
  onGone(listener: (lease: string, lastHealthyAt: number | null) => Promise<void>): void {
    this.#goneListener = listener
  }

  #gone(entry: Entry, lastHealthyAt: number | null = entry.healthyAt): void {
    const listener = this.#goneListener ?? (async () => undefined)
    void listener(entry.lease, lastHealthyAt)
      .catch(() => undefined)
      .then(() => this.init.records?.remove(entry.lease))
  }

  /** Adopted processes are not this node's children: their exit is seen by polling their pid. */
  #watchAdopted(): void {
    if (this.#adoptedWatch !== undefined) return
    this.#adoptedWatch = setInterval(() => {
      for (const entry of this.entries.values()) {
        if (entry.adoptedPid === null || entry.override !== null || isAlive(entry.adoptedPid)) continue
        entry.override = { state: 'failed', reason: `exited (pid ${entry.adoptedPid}, adopted after a restart)` }
        this.changed(entry.lease)
        this.#gone(entry, this.now())
      }
    }, ADOPTED_POLL_MS)
    this.#adoptedWatch.unref()
  }

  /**
   * The node stops to restart: every job that runs is left running (its output no longer read,
   * its record kept for the next start to adopt). Returns the leases and pids left.
   */
  async leave(): Promise<{ lease: string; pid: number }[]> {
    clearInterval(this.#adoptedWatch)
    this.#adoptedWatch = undefined
    const left: { lease: string; pid: number }[] = []
    for (const entry of this.entries.values()) {
      await entry.started.catch(() => undefined)
      if (!isLive(viewState(entry)) || entry.override !== null) continue
      if (entry.job !== null) {
        await entry.job.release()
        left.push({ lease: entry.lease, pid: entry.job.pid })
      } else if (entry.adoptedPid !== null) {
        left.push({ lease: entry.lease, pid: entry.adoptedPid })
      }
    }
    return left
  }

  /** The job now runs elsewhere; its process is drained (in-flight requests finish). */
  async handOff(lease: string, to: string, deadlineMs: number): Promise<void> {
    const entry = this.entries.get(lease)
    if (entry === undefined) return // restarted without it: nothing left to drain
    entry.override = { state: 'handed-off', to }
    this.changed(lease)
    await this.drainEntry(entry, deadlineMs)
  }

  /**
   * Stops a job for good (lease closed or disputed, escrow run out). Several checks may stop the
   * same job: a job already stopped, handed off or failed stays so, with its first reason, and a
   * second call resolves with the same drain. JobNotFoundError for a lease this node never ran.
   */
  async stop(lease: string, reason: string, deadlineMs: number): Promise<void> {
    const entry = this.entry(lease)
    // a job that already ended (stopped, handed off, failed) keeps its state and first reason
    if (entry.override === null && isLive(viewState(entry))) {
      entry.override = { state: 'stopped', reason }
      this.changed(lease)
    }
    await this.drainEntry(entry, deadlineMs)
  }

  private async drainEntry(entry: Entry, deadlineMs: number): Promise<void> {
    await entry.started
    if (entry.job !== null) await entry.job.drain({ deadlineMs })
    else if (entry.adoptedPid !== null) await drainPid(entry.adoptedPid, deadlineMs)
    await this.init.records?.remove(entry.lease)
  }

  /** Leases this node serves now, with where their billing starts (the settlement loop's input). */
  served(): { lease: string; since: number }[] {
    return [...this.entries.values()]
      .filter((e) => viewState(e) === 'healthy' || viewState(e) === 'starting')
      .map((e) => ({ lease: e.lease, since: e.since }))
  }

  /** VRAM the live jobs hold, as their specs declare it. */
  usedVramGb(): number {
    return [...this.entries.values()]
      .filter((e) => isLive(viewState(e)))
      .reduce((sum, e) => sum + e.spec.model.vramGb, 0)
  }

  endpoints(): string[] {
    return [...this.entries.values()].flatMap((e) => (viewState(e) === 'healthy' && e.endpoint ? [e.endpoint] : []))
  }

  /** Log lines of a job, as text, while it runs. */
  async *logs(lease: string): AsyncGenerator<string> {
    const entry = this.entry(lease)
    await entry.started.catch(() => undefined)
    if (entry.job === null) return
    for await (const line of entry.job.logs()) yield `${line.stream === 'stderr' ? 'E ' : ''}${line.text}`
  }

  view(lease: string): JobView {
    const entry = this.entry(lease)
    return {
      jobId: entry.lease,
      lease: entry.lease,
      consumer: entry.consumer,
      model: entry.spec.model.name,
      state: viewState(entry),
      endpoint: viewState(entry) === 'healthy' || viewState(entry) === 'draining' ? entry.endpoint : null,
      startedAt: entry.startedAt,
      healthyAt: entry.healthyAt,
      handedOffTo: entry.override?.state === 'handed-off' ? entry.override.to : null,
      reason:
        entry.override !== null && entry.override.state !== 'handed-off' ? entry.override.reason : jobReason(entry),
      ...(entry.engine === null ? {} : { engine: entry.engine }),
    }
  }

  views(): JobView[] {
    return [...this.entries.keys()].map((lease) => this.view(lease))
  }

  private entry(lease: string): Entry {
    const entry = this.entries.get(lease)
    if (entry === undefined) throw new JobNotFoundError(lease)
    return entry
  }

  private changed(lease: string): void {
    this.init.onChange?.(lease)
  }

  /** Drains every job (a node stopped to drain, or a test's end) and forgets their records. */
  async [Symbol.asyncDispose](): Promise<void> {
    clearInterval(this.#adoptedWatch)
    this.#adoptedWatch = undefined
    await Promise.allSettled(
      [...this.entries.values()].map(async (e) => {
        await e.started.catch(() => undefined)
        if (e.job !== null || e.adoptedPid !== null) await this.drainEntry(e, 5_000)
      }),
    )
  }
}

function viewState(entry: Entry): JobViewState {
  if (entry.override !== null) return entry.override.state
  if (entry.adoptedPid !== null) return isAlive(entry.adoptedPid) ? 'healthy' : 'stopped'
  const state = entry.job?.state
  if (state === undefined) return 'starting'
  return state.phase
}

function jobReason(entry: Entry): string | null {
  const state = entry.job?.state
  if (state?.phase === 'failed') return state.reason
  if (state?.phase === 'stopped') return `exited (code ${state.exitCode}, signal ${state.signal})`
  return null
}

/**
 * The engine's exit codes are its verdicts: 3, the weights were refused before anything started
 * (hash, missing file); 4, llama.cpp could not load them. Both are faults of the weights, named
 * and final (a job is never retried); anything else stays the runtime's own error.
 */
function engineFailure(spec: ModelJobSpec, err: unknown): unknown {
  if (!(err instanceof JobExitedEarlyError)) return err
  const said = err.lastLines.filter((l) => !l.startsWith('{')).slice(-3)
  if (err.exitCode === 3) return new EngineRefusedWeightsError(spec.model.sha256, said)
  if (err.exitCode === 4) return new EngineLoadError(spec.model.sha256, said)
  return err
}

/**
 * `docker|podman run` for an image job: named after its lease (one container per lease), its
 * port published on loopback only, removed by the engine when it exits; SIGTERM to the engine
 * CLI stops the container, so the runtime drains it like a process.
 */
export function containerArgs(c: {
  lease: string
  image: string
  args: readonly string[]
  env: Readonly<Record<string, string>>
  port: number
}): string[] {
  const env = Object.entries(c.env).flatMap(([k, v]) => ['-e', `${k}=${v}`])
  return [
    'run',
    '--rm',
    '--init',
    '--name',
    `synkti-${c.lease.slice(0, 16)}`,
    '-p',
    `127.0.0.1:${c.port}:${c.port}`,
    ...env,
    c.image,
    ...c.args,
  ]
}

/** SIGTERM, wait for the exit up to the deadline, then SIGKILL: drain for a process known by pid (and its group). */
async function drainPid(pid: number, deadlineMs: number): Promise<void> {
  signalJob(pid, 'SIGTERM')
  const until = Date.now() + deadlineMs
  while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
  if (isAlive(pid)) signalJob(pid, 'SIGKILL')
}

function isLive(state: JobViewState): boolean {
  return state === 'starting' || state === 'healthy' || state === 'draining'
}

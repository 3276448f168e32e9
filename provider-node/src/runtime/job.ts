import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { type FileHandle, mkdir, open } from 'node:fs/promises'
import { dirname } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_DRAIN_DEADLINE_MS, LOG_BUFFER_CAPACITY, LOG_TAIL_LINES, OUTPUT_GRACE_MS } from '../constants.js'
import { InvalidJobSpecError, JobExitedEarlyError, JobHealthTimeoutError, JobSpawnError } from '../errors.js'
import { FileTail } from './file-tail.js'
import { waitHealthy } from './health.js'
import { LogBuffer } from './log-buffer.js'

export interface JobSpec {
  /** Executable, run without a shell (arguments are never re-parsed). */
  command: string
  args?: readonly string[]
  /** Added on top of the supervisor's own environment. */
  env?: Readonly<Record<string, string>>
  cwd?: string
  /** Polled until it answers 200 (vLLM: `/health`). */
  healthUrl: string
  readyTimeoutMs: number
  /** Log lines buffered for a slow reader before the oldest are dropped. */
  logCapacity?: number
  /**
   * Sees every line as it is read, before it is buffered (e.g. an engine's JSON events); it must
   * not throw and must return at once. The buffer still holds the line for `logs()`.
   */
  onLine?: (line: LogLine) => void
  /**
   * Files the child writes its stdout and stderr to (truncated first), read back line by line; without
   * them, pipes. With files the job outlives the supervisor's process: nothing breaks when the
   * node exits, and a node started later can adopt it.
   */
  output?: { stdout: string; stderr: string }
}

export type JobState =
  | { phase: 'starting' }
  | { phase: 'healthy' }
  | { phase: 'draining' }
  | { phase: 'stopped'; exitCode: number | null; signal: NodeJS.Signals | null }
  | { phase: 'failed'; reason: string }

export interface LogLine {
  stream: 'stdout' | 'stderr'
  text: string
}

export interface DrainOptions {
  /** Time between SIGTERM and SIGKILL. */
  deadlineMs: number
}

export interface DrainOutcome {
  /** True when the child outlived the deadline and was killed. */
  forced: boolean
  state: JobState
}

export interface Exit {
  exitCode: number | null
  signal: NodeJS.Signals | null
}

function validate(spec: JobSpec): void {
  if (typeof spec.command !== 'string' || spec.command.trim() === '') throw new InvalidJobSpecError('command')
  if (!Number.isFinite(spec.readyTimeoutMs) || spec.readyTimeoutMs <= 0) throw new InvalidJobSpecError('readyTimeoutMs')
  if (!URL.canParse(spec.healthUrl) || !/^https?:$/.test(new URL(spec.healthUrl).protocol)) {
    throw new InvalidJobSpecError('healthUrl')
  }
  if (spec.logCapacity !== undefined && (!Number.isInteger(spec.logCapacity) || spec.logCapacity < 1)) {
    throw new InvalidJobSpecError('logCapacity')
  }
}

/** A supervised child process; obtain one with `startJob`. */
export class Job implements AsyncDisposable {
  #state: JobState = { phase: 'starting' }
  #draining: Promise<DrainOutcome> | undefined

  private constructor(
    readonly spec: JobSpec,
    readonly pid: number,
    private readonly child: ChildProcess,
    private readonly buffer: LogBuffer<LogLine>,
    /** Resolves when the process has exited. */
    readonly exited: Promise<Exit>,
    /** Resolves when both output streams have ended (every line is in the buffer). */
    private readonly outputEnded: Promise<void>,
    /** Stops reading the output (of a job left running). */
    private readonly stopReading: () => Promise<void>,
    /** The last lines of its output, as read. */
    private readonly recent: readonly string[],
  ) {}

  /**
   * Spawns the child in a process group of its own (a Ctrl-C at the node's terminal, or a signal
   * to the node's group, does not reach it) and resolves once it is healthy; see `startJob`.
   */
  static async start(spec: JobSpec): Promise<Job> {
    validate(spec)
    const files = spec.output === undefined ? undefined : await openOutput(spec.output)
    const child = spawn(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', files?.stdout.fd ?? 'pipe', files?.stderr.fd ?? 'pipe'],
      detached: true,
    })
    try {
      await once(child, 'spawn')
    } catch (error) {
      throw new JobSpawnError(spec.command, (error as NodeJS.ErrnoException).code)
    } finally {
      // the child holds its own copies of the files
      await Promise.all([files?.stdout.close(), files?.stderr.close()])
    }
    // After 'spawn', 'error' only reports failed kill()s, which exit handling already covers.
    child.on('error', () => undefined)
    const exited = new Promise<Exit>((resolve) =>
      child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
    )
    const logs = new LogBuffer<LogLine>(spec.logCapacity ?? LOG_BUFFER_CAPACITY)
    // the last lines, for an early exit's report (kept here: a line may come before the Job exists)
    const recent: string[] = []
    const deliver = (stream: LogLine['stream'], text: string) => {
      recent.push(text)
      if (recent.length > LOG_TAIL_LINES) recent.shift()
      const line = { stream, text }
      try {
        spec.onLine?.(line)
      } catch {
        // an observer's fault never stops the job's output
      }
      logs.push(line)
    }
    const output =
      spec.output === undefined ? Job.#pipe(child, deliver) : await Job.#tailFiles(spec.output, exited, deliver)
    const job: Job = new Job(
      spec,
      child.pid!,
      child,
      logs,
      exited,
      output.ended.then(() => logs.close()),
      output.release,
      recent,
    )
    await job.#awaitHealthy()
    return job
  }

  static #pipe(
    child: ChildProcess,
    deliver: (stream: LogLine['stream'], text: string) => void,
  ): { ended: Promise<void>; release: () => Promise<void> } {
    const ended = (['stdout', 'stderr'] as const).map((stream) => {
      const lines = createInterface({ input: child[stream]!, crlfDelay: Number.POSITIVE_INFINITY })
      lines.on('line', (text) => deliver(stream, text))
      return once(lines, 'close').then(() => undefined)
    })
    return { ended: Promise.all(ended).then(() => undefined), release: async () => undefined }
  }

  /** Output files read as they grow; they end (read to the last byte) once the child has exited. */
  static async #tailFiles(
    files: { stdout: string; stderr: string },
    exited: Promise<Exit>,
    deliver: (stream: LogLine['stream'], text: string) => void,
  ): Promise<{ ended: Promise<void>; release: () => Promise<void> }> {
    const tails = await Promise.all(
      (['stdout', 'stderr'] as const).map((stream) => FileTail.open(files[stream], (text) => deliver(stream, text))),
    )
    const close = () => Promise.all(tails.map((t) => t.close())).then(() => undefined)
    return { ended: exited.then(close), release: close }
  }

  async #awaitHealthy(): Promise<void> {
    const stopPolling = new AbortController()
    const outcome = await Promise.race([
      waitHealthy(this.spec.healthUrl, this.spec.readyTimeoutMs, stopPolling.signal).then((ok) =>
        ok ? ('healthy' as const) : ('timeout' as const),
      ),
      this.exited.then(() => 'exited' as const),
    ])
    stopPolling.abort()
    if (outcome === 'healthy') {
      this.#state = { phase: 'healthy' }
      this.exited.then((exit) => this.#onExit(exit))
      return
    }
    if (outcome === 'timeout') {
      this.#signal('SIGKILL')
      await this.exited
      this.#state = { phase: 'failed', reason: 'health timeout' }
      throw new JobHealthTimeoutError(this.spec.healthUrl, this.spec.readyTimeoutMs, this.pid)
    }
    const exit = await this.exited
    // The last lines may still be in the pipe when 'exit' fires; wait briefly for them.
    const grace = new AbortController()
    await Promise.race([
      this.outputEnded,
      sleep(OUTPUT_GRACE_MS, undefined, { signal: grace.signal }).catch(() => undefined),
    ])
    grace.abort()
    this.#state = { phase: 'failed', reason: `exited before healthy (code ${exit.exitCode}, signal ${exit.signal})` }
    throw new JobExitedEarlyError(exit.exitCode, exit.signal, [...this.recent])
  }

  #onExit(exit: Exit): void {
    this.#state =
      this.#state.phase === 'draining'
        ? { phase: 'stopped', ...exit }
        : { phase: 'failed', reason: `exited unexpectedly (code ${exit.exitCode}, signal ${exit.signal})` }
  }

  get state(): JobState {
    return this.#state
  }

  /** Log lines entries dropped because no one read them in time. */
  get droppedLogLines(): number {
    return this.buffer.dropped
  }

  /** The child's output, line by line, until it exits. */
  logs(): AsyncIterable<LogLine> {
    return this.buffer
  }

  /**
   * SIGTERM (the child stops admitting and finishes in-flight work), then SIGKILL if it is
   * still alive after the deadline. Repeated calls share one drain.
   */
  drain(options: DrainOptions = { deadlineMs: DEFAULT_DRAIN_DEADLINE_MS }): Promise<DrainOutcome> {
    if (this.#state.phase === 'stopped' || this.#state.phase === 'failed') {
      return Promise.resolve({ forced: false, state: this.#state })
    }
    this.#draining ??= this.#drain(options.deadlineMs)
    return this.#draining
  }

  async #drain(deadlineMs: number): Promise<DrainOutcome> {
    this.#state = { phase: 'draining' }
    this.#signal('SIGTERM')
    const deadline = new AbortController()
    const inTime = await Promise.race([
      this.exited.then(() => true),
      sleep(deadlineMs, false, { signal: deadline.signal }).catch(() => false),
    ])
    deadline.abort()
    if (!inTime) this.#signal('SIGKILL')
    await this.exited
    await this.outputEnded
    return { forced: !inTime, state: this.#state }
  }

  /** To the job's process group (its own, so whatever it started goes too), else to the job. */
  #signal(signal: NodeJS.Signals): void {
    signalJob(this.pid, signal)
  }

  /**
   * Leaves the job running on its own: its output is no longer read and the node's process may
   * exit while it runs (a node that stops to restart; the next one adopts the job by its record).
   */
  async release(): Promise<void> {
    this.child.unref()
    await this.stopReading()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.drain()
  }
}

/** `signal` to the process group `pid` leads (a job's own), else to `pid` alone; a process gone is no error. */
export function signalJob(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

async function openOutput(files: {
  stdout: string
  stderr: string
}): Promise<{ stdout: FileHandle; stderr: FileHandle }> {
  await Promise.all([
    mkdir(dirname(files.stdout), { recursive: true }),
    mkdir(dirname(files.stderr), { recursive: true }),
  ])
  const [stdout, stderr] = await Promise.all([open(files.stdout, 'w', 0o600), open(files.stderr, 'w', 0o600)])
  return { stdout, stderr }
}

/**
 * Starts a job and resolves once its health endpoint answers 200. Rejects with
 * `JobSpawnError`, `JobExitedEarlyError` or `JobHealthTimeoutError`; in every case no
 * process is left running. `await using job = await startJob(spec)` drains it on scope exit.
 */
export function startJob(spec: JobSpec): Promise<Job> {
  return Job.start(spec)
}

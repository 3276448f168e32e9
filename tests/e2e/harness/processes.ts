import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { isNodeEvent, type NodeEventName, type NodeEventOf } from '@synkti/provider-node'

/**
 * Real processes for the demo and the end-to-end tests: each child's stdout is read as JSON
 * lines (the node and the CLI print those with --json), kept, and can be waited on. The group
 * stops every child it started — on success, on error and on Ctrl-C. With SYNKTI_E2E_LOGS=dir,
 * every child's output is also kept in `dir/<name>.log` (what a node said when a run failed in CI).
 */

const TRANSCRIPTS = process.env.SYNKTI_E2E_LOGS

function transcriptOf(name: string): ((line: string) => void) | undefined {
  if (TRANSCRIPTS === undefined || TRANSCRIPTS === '') return undefined
  mkdirSync(TRANSCRIPTS, { recursive: true })
  const file = join(TRANSCRIPTS, `${name.replace(/[^\w.-]+/g, '_')}.log`)
  appendFileSync(file, `--- started ${new Date().toISOString()}\n`)
  return (line) => appendFileSync(file, `${new Date().toISOString().slice(11, 23)} ${line}\n`)
}

export type JsonLine = Record<string, unknown>

/** A line `synkti-provider run --json` printed: one of the node's typed events, with its time. */
export type NodeLine<K extends NodeEventName = NodeEventName> = JsonLine & NodeEventOf<K> & { at: string }

/**
 * The predicate for a node's event named `name` (and `where`, on its typed fields): what tests
 * wait on and filter by. A renamed event or field is a type error here, not a wait that times out.
 */
export function nodeEvent<K extends NodeEventName>(
  name: K,
  where?: (event: NodeEventOf<K>) => boolean,
): (line: JsonLine) => line is NodeLine<K> {
  const is = isNodeEvent(name, where)
  return (line): line is NodeLine<K> => is(line)
}

export class ProcessExitedError extends Error {
  override name = 'ProcessExitedError'
  constructor(
    readonly process: string,
    readonly code: number | null,
    readonly tail: string[],
    message = `${process} exited (code ${code}) before what we waited for; last output:\n${tail.join('\n')}`,
  ) {
    super(message)
  }
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
  constructor(
    readonly process: string,
    readonly what: string,
    readonly timeoutMs: number,
    message = `${process}: no ${what} within ${timeoutMs} ms`,
  ) {
    super(message)
  }
}

export class Proc {
  readonly lines: JsonLine[] = []
  readonly text: string[] = []
  private readonly waiters = new Set<() => void>()
  readonly exited: Promise<number | null>

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const transcript = transcriptOf(name)
    const take = (stream: NodeJS.ReadableStream, isStdout: boolean) =>
      createInterface({ input: stream }).on('line', (line) => {
        transcript?.(line)
        this.text.push(line)
        if (this.text.length > 400) this.text.shift()
        if (isStdout && line.startsWith('{')) {
          try {
            this.lines.push(JSON.parse(line) as JsonLine)
          } catch {
            // a line that only looks like JSON is kept as text
          }
        }
        for (const wake of this.waiters) wake()
      })
    if (child.stdout) take(child.stdout, true)
    if (child.stderr) take(child.stderr, false)
    this.exited = once(child, 'exit').then(([code]) => {
      for (const wake of this.waiters) wake()
      return code as number | null
    })
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Resolves with the first JSON line (from `from` on) matching `match` (typed when `match` is a guard such as `nodeEvent`). */
  async waitFor<T extends JsonLine>(
    what: string,
    match: (line: JsonLine) => line is T,
    timeoutMs: number,
    from?: number,
  ): Promise<T>
  async waitFor(what: string, match: (line: JsonLine) => boolean, timeoutMs: number, from?: number): Promise<JsonLine>
  async waitFor(what: string, match: (line: JsonLine) => boolean, timeoutMs: number, from = 0): Promise<JsonLine> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.lines.slice(from).find(match)
      if (found !== undefined) return found
      if (!this.running) throw new ProcessExitedError(this.name, this.child.exitCode, this.text.slice(-20))
      const left = deadline - Date.now()
      if (left <= 0) throw new WaitTimeoutError(this.name, what, timeoutMs)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 1_000))
        function done() {
          clearTimeout(timer)
          resolve()
        }
        this.waiters.add(done)
      }).finally(() => this.waiters.clear())
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }

  /** Dies at once, as a machine losing power would (no drain, no goodbye). */
  async kill(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGKILL')
    await this.exited
  }
}

export class ProcessGroup implements AsyncDisposable {
  private readonly procs: Proc[] = []
  private readonly cleanups: (() => Promise<void>)[] = []

  start(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Proc {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const proc = new Proc(name, child)
    this.procs.push(proc)
    return proc
  }

  /** Something else to undo at the end (a localnet, a temporary directory). */
  defer(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup)
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.procs.map((p) => p.stop()))
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined)
    this.cleanups.length = 0
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stopAll()
  }
}

/** Runs a command to completion; resolves with its stdout parsed as one JSON object. */
export async function runJson(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; json: JsonLine | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearTimeout(timer)
  const last = stdout.trim().split('\n').at(-1) ?? ''
  let json: JsonLine | null = null
  try {
    json = JSON.parse(last) as JsonLine
  } catch {
    json = null
  }
  return { code, json, stdout, stderr }
}

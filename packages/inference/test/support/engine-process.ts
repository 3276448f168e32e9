import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { ENGINE_BIN } from '../../src/cli/options.js'

export interface EngineProcess {
  child: ChildProcess
  /** stdout's JSON events so far. */
  events: Array<Record<string, unknown>>
  stderr(): string
  /** Resolves with the first event of that name; rejects if the process exits first. */
  event(name: string): Promise<Record<string, unknown>>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stop(): Promise<void>
}

/** `synkti-engine` as the node would spawn it. */
export function spawnEngine(args: string[]): EngineProcess {
  const child = spawn(process.execPath, [ENGINE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const events: Array<Record<string, unknown>> = []
  const listeners = new Set<() => void>()
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>)
    for (const listener of listeners) listener()
  })
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }))
  const event = (name: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = events.find((e) => e.event === name)
        if (found === undefined) return
        listeners.delete(check)
        resolve(found)
      }
      listeners.add(check)
      check()
      exited.then(({ code }) => {
        listeners.delete(check)
        reject(new Error(`synkti-engine exited (${code}) before "${name}": ${stderr}`))
      })
    })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  return { child, events, stderr: () => stderr, event, exited, stop }
}

/** Polls /health until 200; returns every status seen before it (0: no answer). */
export async function waitHealthy(url: string, timeoutMs = 60_000): Promise<number[]> {
  const seen: number[] = []
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) return seen
    seen.push(status)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${url}/health not 200 within ${timeoutMs} ms (saw ${seen.join(',')})`)
}

import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const STANDIN_BIN = fileURLToPath(new URL('../bin/standin-inference.js', import.meta.url))

export const MODEL = 'test/model'

/** Args running the stand-in with `node`, as the supervisor will. */
export function standinArgs(port: number, extra: Record<string, string | number> = {}): string[] {
  const flags = { port, model: MODEL, ...extra }
  return [STANDIN_BIN, ...Object.entries(flags).flatMap(([key, value]) => [`--${key}`, String(value)])]
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

export function complete(url: string, prompt: string, maxTokens: number, model = MODEL) {
  return fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt, max_tokens: maxTokens }),
  })
}

/** Parses vLLM's two scheduler gauges out of Prometheus text. */
export async function schedulerMetrics(url: string): Promise<{ running: number; waiting: number }> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const gauge = (name: string) => {
    const match = text.match(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm'))
    if (match === null) throw new Error(`${name} missing from /metrics`)
    return Number(match[1])
  }
  return { running: gauge('vllm:num_requests_running'), waiting: gauge('vllm:num_requests_waiting') }
}

/** A stand-in started directly (not through the supervisor), with its JSON events. */
export interface StandinProcess {
  child: ChildProcess
  url: string
  nextEvent(name: string): Promise<Record<string, unknown>>
  exited: Promise<number | null>
}

export async function spawnStandin(extra: Record<string, string | number> = {}): Promise<StandinProcess> {
  const child = spawn(process.execPath, standinArgs(0, extra), { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const events = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const nextEvent = async (name: string) => {
    for (;;) {
      const { value, done } = await events.next()
      if (done) throw new Error(`stand-in ended before event ${name}`)
      const event = JSON.parse(value) as Record<string, unknown>
      if (event.event === name) return event
    }
  }
  const listening = await nextEvent('listening')
  return { child, url: String(listening.url), nextEvent, exited }
}

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { FETCH_MODEL_COMMAND, SMOLLM2 } from '../../src/constants.js'
import { ModelCache } from '../../src/weights/cache.js'

/**
 * The real model in the default cache. Absent, the test fails (never skips) and says how to
 * fetch it.
 */
export function smollm2Path(): string {
  const path = new ModelCache().pathOf(SMOLLM2.sha256)
  if (!existsSync(path)) {
    throw new Error(`SmolLM2-135M-Instruct is not in the model cache (${path}). Fix: ${FETCH_MODEL_COMMAND}`)
  }
  return path
}

/** moto_server, as the other packages' tests find it. */
export function findTool(name: string): string {
  const path = join(process.env.SYNKTI_TOOLS_BIN ?? join(homedir(), '.cache', 'synkti', 'bin'), name)
  if (!existsSync(path)) {
    throw new Error(`${name} not found at ${path}. Fix: ${FETCH_MODEL_COMMAND} (or set SYNKTI_TOOLS_BIN)`)
  }
  return path
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface RunningTool {
  url: string
  stop(): Promise<void>
}

/** Spawns a server on 127.0.0.1 and waits until `readyPath` answers anything over HTTP. */
export async function startTool(bin: string, args: string[], port: number, readyPath: string): Promise<RunningTool> {
  const url = `http://127.0.0.1:${port}`
  let output = ''
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited early (${child.exitCode}): ${output}`)
    const ok = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(500) }).then(
      () => true,
      () => false,
    )
    if (ok) return { url, stop }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`${bin} did not answer on ${url} within the timeout: ${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** A stand-in binary (moto_server, ec2-metadata-mock) is not installed where the tests look. */
export class MissingTestToolError extends Error {
  override readonly name = 'MissingTestToolError'
  constructor(
    readonly tool: string,
    readonly path: string,
    message = `${tool} not found at ${path}. Fix: bash scripts/setup-test-deps.sh (or set SYNKTI_TOOLS_BIN to the directory that holds it)`,
  ) {
    super(message)
  }
}

export function toolsBin(): string {
  return process.env.SYNKTI_TOOLS_BIN ?? join(homedir(), '.cache', 'synkti', 'bin')
}

export function findTool(name: string): string {
  const path = join(toolsBin(), name)
  if (!existsSync(path)) throw new MissingTestToolError(name, path)
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
  output(): string
}

/** Spawns a server on 127.0.0.1 and waits until `readyPath` answers anything over HTTP. */
export async function startTool(
  bin: string,
  args: string[],
  port: number,
  opts: { readyPath: string; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number },
): Promise<RunningTool> {
  const url = `http://127.0.0.1:${port}`
  let output = ''
  const child: ChildProcess = spawn(bin, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
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
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited early (${child.exitCode}): ${output}`)
    const ok = await fetch(`${url}${opts.readyPath}`, { signal: AbortSignal.timeout(500) }).then(
      () => true,
      () => false,
    )
    if (ok) return { url, stop, output: () => output }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`${bin} did not answer on ${url} within the timeout: ${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

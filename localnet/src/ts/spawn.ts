import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildLocalnet } from './build.js'
import { HEALTH_TIMEOUT_MS, START_TIMEOUT_MS, STOP_GRACE_MS } from './constants.js'
import { LocalnetHealthTimeoutError, LocalnetStartError } from './errors.js'

export interface StartLocalnetInit {
  /** RPC port; the websocket takes the next one. Default: a free pair chosen by the binary. */
  port?: number
  /** Start from an empty ledger. */
  reset?: boolean
  /** Default: a fresh temporary directory, deleted by `stop()`. */
  ledgerDir?: string
  /** Wall time per slot (default 400 ms, as a validator). */
  slotMs?: number
}

export interface RunningLocalnet {
  rpcUrl: string
  wsUrl: string
  ledgerDir: string
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and removes a temporary ledger. */
  stop(): Promise<void>
}

/** Builds the binary if needed, starts it, and resolves once it answers `getHealth`. */
export async function startLocalnet(init: StartLocalnetInit = {}): Promise<RunningLocalnet> {
  const binary = await buildLocalnet()
  const temporary = init.ledgerDir === undefined
  const ledgerDir = init.ledgerDir ?? (await mkdtemp(join(tmpdir(), 'synkti-localnet-')))
  const args = ['--port', String(init.port ?? 0), '--ledger', ledgerDir, '--no-keypair']
  if (init.reset === true) args.push('--reset')
  if (init.slotMs !== undefined) args.push('--slot-ms', String(init.slotMs))
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const stop = async (): Promise<void> => {
    await terminate(child)
    if (temporary) await rm(ledgerDir, { recursive: true, force: true })
  }
  try {
    const { rpcUrl, wsUrl } = await readyUrls(child)
    await waitForHealth(rpcUrl)
    return { rpcUrl, wsUrl, ledgerDir, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Reads the binary's banner up to its "ready" line. */
function readyUrls(child: ChildProcess): Promise<{ rpcUrl: string; wsUrl: string }> {
  return new Promise((resolve, reject) => {
    let output = ''
    const fail = (): void => reject(new LocalnetStartError(output))
    const timer = setTimeout(fail, START_TIMEOUT_MS)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      const rpcUrl = /RPC URL:\s+(\S+)/.exec(output)?.[1]
      const wsUrl = /WebSocket URL:\s+(\S+)/.exec(output)?.[1]
      if (/^ready$/m.test(output) && rpcUrl !== undefined && wsUrl !== undefined) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        child.stdout?.resume()
        resolve({ rpcUrl, wsUrl })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', () => {
      clearTimeout(timer)
      fail()
    })
  })
}

async function waitForHealth(rpcUrl: string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS
  while (Date.now() < deadline) {
    try {
      const res = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getHealth' }),
      })
      const body = (await res.json()) as { result?: unknown }
      if (body.result === 'ok') return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new LocalnetHealthTimeoutError(rpcUrl, HEALTH_TIMEOUT_MS)
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Running `synkti` in a test: in-process through `main` (fast), or as a child process (real exit codes). */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Keypair } from '@solana/web3.js'
import { serializeKeypair } from '@synkti/market'
import { afterAll } from 'vitest'
import { main } from '../../src/cli.js'

export const SYNKTI_BIN = fileURLToPath(new URL('../../bin/synkti.js', import.meta.url))
export const EXAMPLE_SPEC = fileURLToPath(new URL('../../examples/llm.yaml', import.meta.url))

export interface Ran {
  code: number
  stdout: string
  stderr: string
}

/** `main` with captured output; `env` replaces the process environment. */
export async function runMain(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  let stdout = ''
  let stderr = ''
  const code = await main(['node', 'synkti', ...args], {
    stdout: (t) => {
      stdout += t
    },
    stderr: (t) => {
      stderr += t
    },
    env,
  })
  return { code, stdout, stderr }
}

/** `node consumer-cli/bin/synkti.js …args` with a clean SYNKTI_* environment plus `env`. */
export function runBin(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYNKTI_')))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SYNKTI_BIN, ...args], { env: { ...base, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

const created: string[] = []

/** A fresh directory, removed after the test file (it may hold keypairs). */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'synkti-cli-'))
  created.push(dir)
  return dir
}

// Registered while the importing test file is collected: it runs after that file's tests.
afterAll(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** Writes `keypair` as solana-keygen does; returns the path. */
export async function keypairFile(keypair: Keypair, dir?: string): Promise<string> {
  const path = join(dir ?? (await tempDir()), 'id.json')
  await writeFile(path, serializeKeypair(keypair), { mode: 0o600 })
  return path
}

/** The one JSON object a --json run prints. */
export function json(
  ran: Ran,
): Record<string, unknown> & { error?: { name: string; message: string; remedy: string } } {
  const lines = ran.stdout.trim().split('\n')
  if (lines.length !== 1) throw new Error(`expected one JSON line, got ${lines.length}: ${ran.stdout}${ran.stderr}`)
  return JSON.parse(lines[0] as string)
}

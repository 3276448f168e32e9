/**
 * `synkti-provider` run in this test process (a child process with tsx costs seconds per call)
 * under a home directory of its own: the CLI's defaults (`~/.config/solana/id.json`,
 * `~/.config/synkti/provider.json`) point into it, so a test can put "the consumer's wallet"
 * where the Solana convention puts it and see whether the CLI picks it up. The home is set before
 * the CLI's modules are loaded: import nothing from ../../src statically in a test that uses this.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Keypair } from '@solana/web3.js'
import { serializeKeypair } from '@synkti/market'
import { vi } from 'vitest'

export interface CliResult {
  code: number
  /** The last JSON line on stdout (the result, or `{ error }`). */
  json: Record<string, unknown>
  stdout: string
}

export interface InProcessCli {
  home: string
  /** Where the Solana convention (and the CLI's default) keeps the user's own wallet. */
  defaultKeypair: string
  cli(args: string[]): Promise<CliResult>
  writeKeypair(path: string, kp: Keypair): Promise<string>
}

export async function inProcessCli(): Promise<InProcessCli> {
  const home = mkdtempSync(join(tmpdir(), 'synkti-cli-home-'))
  mkdirSync(join(home, '.config', 'solana'), { recursive: true })
  process.env.HOME = home
  const { main } = await import('../../src/cli/main.js')
  const cli = async (args: string[]): Promise<CliResult> => {
    let stdout = ''
    const capture = (chunk: string | Uint8Array): boolean => {
      stdout += String(chunk)
      return true
    }
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture)
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    process.exitCode = undefined
    try {
      await main(['node', 'synkti-provider', ...args, '--json'])
    } finally {
      out.mockRestore()
      err.mockRestore()
    }
    const code = Number(process.exitCode ?? 0)
    process.exitCode = undefined
    const last = stdout.trim().split('\n').at(-1) ?? ''
    return { code, json: (last === '' ? {} : JSON.parse(last)) as Record<string, unknown>, stdout }
  }
  const writeKeypair = async (path: string, kp: Keypair): Promise<string> => {
    mkdirSync(dirname(path), { recursive: true })
    await writeFile(path, serializeKeypair(kp), { mode: 0o600 })
    return path
  }
  return { home, defaultKeypair: join(home, '.config', 'solana', 'id.json'), cli, writeKeypair }
}

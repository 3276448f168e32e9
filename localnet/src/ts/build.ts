import { spawn } from 'node:child_process'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from './constants.js'
import { LocalnetBuildError } from './errors.js'

/** The binary that `scripts/cargo` builds (its target dir, as scripts/cargo chooses it). */
export function localnetBinary(env: NodeJS.ProcessEnv = process.env): string {
  const target = env.CARGO_TARGET_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'synkti', 'target')
  return join(target, 'debug', 'synkti-localnet')
}

/**
 * Builds (or confirms up to date) the binary through scripts/cargo. Seconds when cached; the
 * first build on a fresh machine compiles the Solana crates (about 20 minutes).
 */
export function buildLocalnet(opts: { stdio?: 'inherit' | 'ignore' } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      join(REPO_ROOT, 'scripts', 'cargo'),
      ['build', '--quiet', '-p', 'synkti-localnet', '--bin', 'synkti-localnet'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', opts.stdio ?? 'ignore', opts.stdio ?? 'ignore'],
      },
    )
    child.on('error', () => reject(new LocalnetBuildError(null)))
    child.on('exit', (code) => (code === 0 ? resolve(localnetBinary()) : reject(new LocalnetBuildError(code))))
  })
}

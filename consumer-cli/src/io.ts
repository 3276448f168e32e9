/** Where the CLI writes and what environment it reads; tests pass their own. */
import type { Env } from './config.js'

export interface Io {
  stdout(text: string): void
  stderr(text: string): void
  env: Env
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}

import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeJsonAtomic } from '../fs/atomic-json.js'
import { CORRUPT_FILE_SUFFIX, FAILOVER_ID_PATTERN, STATE_FILE_SUFFIX } from './constants.js'
import { CorruptFailoverFileError, FailoverNotFoundError, InvalidFailoverIdError } from './errors.js'
import { type FailoverState, isSettled } from './phases.js'
import { failoverStateSchema } from './schema.js'

/** Where the executor records each phase before acting on it. */
export interface FailoverPersistence {
  save(state: FailoverState): Promise<void>
}

export interface LoadedFailovers {
  failovers: FailoverState[]
  /** files that could not be read as failovers; each was renamed to `*.corrupt`, not deleted */
  corrupt: CorruptFailoverFileError[]
}

/**
 * One JSON file per failover in a state directory. A save is atomic and durable: the new
 * document goes to a temporary file that is fsynced, renamed over the old one, and the
 * directory is fsynced so the rename itself survives a power cut. A crash therefore leaves
 * either the previous phase or the next, never half of one; a stray `*.tmp` is an unfinished
 * write and is ignored.
 */
export class FailoverStore implements FailoverPersistence {
  constructor(readonly dir: string) {}

  fileOf(id: string): string {
    if (!FAILOVER_ID_PATTERN.test(id)) throw new InvalidFailoverIdError(id)
    return join(this.dir, `${id}${STATE_FILE_SUFFIX}`)
  }

  async save(state: FailoverState): Promise<void> {
    const file = this.fileOf(state.id)
    await mkdir(this.dir, { recursive: true })
    await writeJsonAtomic(file, state)
  }

  /** The failover `id`; a damaged file is moved aside and `CorruptFailoverFileError` thrown. */
  async load(id: string): Promise<FailoverState> {
    const file = this.fileOf(id)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      if (isNotFound(err)) throw new FailoverNotFoundError(id)
      throw err
    }
    const problem = parseProblem(text, id)
    if (typeof problem !== 'string') return problem.state
    throw new CorruptFailoverFileError(file, await quarantine(file), problem)
  }

  /** Every failover in the directory (none if it does not exist yet), oldest file name first. */
  async loadAll(): Promise<LoadedFailovers> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (err) {
      if (isNotFound(err)) return { failovers: [], corrupt: [] }
      throw err
    }
    const out: LoadedFailovers = { failovers: [], corrupt: [] }
    for (const name of names.filter((n) => n.endsWith(STATE_FILE_SUFFIX)).sort()) {
      const id = name.slice(0, -STATE_FILE_SUFFIX.length)
      if (!FAILOVER_ID_PATTERN.test(id)) {
        const file = join(this.dir, name)
        out.corrupt.push(new CorruptFailoverFileError(file, await quarantine(file), 'file name is not a failover id'))
        continue
      }
      try {
        out.failovers.push(await this.load(id))
      } catch (err) {
        if (err instanceof CorruptFailoverFileError) out.corrupt.push(err)
        else throw err
      }
    }
    return out
  }

  /** What a restarted node must resume: failovers not yet ended, or ended with the old job not yet drained. */
  async loadUnfinished(): Promise<LoadedFailovers> {
    const all = await this.loadAll()
    return { failovers: all.failovers.filter((f) => !isSettled(f)), corrupt: all.corrupt }
  }
}

/** The parsed state, or why the text is not one. */
function parseProblem(text: string, id: string): { state: FailoverState } | string {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return `not JSON (${(err as Error).message})`
  }
  const parsed = failoverStateSchema.safeParse(json)
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
  }
  if (parsed.data.id !== id) return `holds failover ${parsed.data.id}, not ${id}`
  return { state: parsed.data }
}

/** Renames a damaged file to `*.corrupt` (never over an earlier one); the new path, or null if it vanished. */
async function quarantine(file: string): Promise<string | null> {
  for (let n = 0; ; n++) {
    const to = n === 0 ? `${file}${CORRUPT_FILE_SUFFIX}` : `${file}.${n}${CORRUPT_FILE_SUFFIX}`
    if (await exists(to)) continue
    try {
      await rename(file, to)
      return to
    } catch (err) {
      if (isNotFound(err)) return null
      throw err
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (err) {
    if (isNotFound(err)) return false
    throw err
  }
}

const isNotFound = (err: unknown): boolean => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT'

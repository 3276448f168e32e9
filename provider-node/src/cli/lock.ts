/**
 * One node per state directory: `<stateDir>/node.lock` names the process that runs on it. Two
 * nodes on one directory would both drive the same settlement queue, job records and failover
 * journals (and the second would fail later, deep in libp2p or on the chain, for the wrong
 * reason); the second is refused before anything starts. A lock of a dead process is taken over.
 */
import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StateDirInUseError } from './errors.js'

export const NODE_LOCK_FILE = 'node.lock'

export interface NodeLockInfo {
  pid: number
  /** when the holder took it (ISO 8601) */
  since: string
}

export interface NodeLock {
  readonly path: string
  release(): Promise<void>
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readLock(path: string): Promise<NodeLockInfo | null> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as Partial<NodeLockInfo>
    if (typeof doc.pid !== 'number' || !Number.isSafeInteger(doc.pid) || doc.pid <= 0) return null
    return { pid: doc.pid, since: typeof doc.since === 'string' ? doc.since : '' }
  } catch {
    return null
  }
}

/** The live process holding `stateDir`'s lock (the node running on it), or null. */
export async function lockHolder(stateDir: string): Promise<NodeLockInfo | null> {
  const holder = await readLock(join(stateDir, NODE_LOCK_FILE))
  return holder !== null && isAlive(holder.pid) ? holder : null
}

/** Takes `stateDir`'s lock for this process, or throws StateDirInUseError naming the live holder. */
export async function acquireNodeLock(stateDir: string): Promise<NodeLock> {
  await mkdir(stateDir, { recursive: true })
  const path = join(stateDir, NODE_LOCK_FILE)
  const body = `${JSON.stringify({ pid: process.pid, since: new Date().toISOString() } satisfies NodeLockInfo)}\n`
  for (let attempt = 0; ; attempt++) {
    // written whole to a temporary file, then linked in place: the lock appears complete or not at all
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    await writeFile(tmp, body, { mode: 0o600 })
    try {
      await link(tmp, path)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = await readLock(path)
      if (holder !== null && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new StateDirInUseError(stateDir, holder.pid, holder.since, path)
      }
      if (holder?.pid === process.pid) throw new StateDirInUseError(stateDir, holder.pid, holder.since, path)
      // a stale lock (its process is gone, or the file is not a lock) is taken over, once
      if (attempt > 0) throw new StateDirInUseError(stateDir, holder?.pid ?? 0, holder?.since ?? '', path)
      await rm(path, { force: true })
    } finally {
      await rm(tmp, { force: true })
    }
  }
  let released = false
  return {
    path,
    async release() {
      if (released) return
      released = true
      const holder = await readLock(path)
      if (holder?.pid === process.pid) await rm(path, { force: true })
    },
  }
}

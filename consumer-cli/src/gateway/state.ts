/**
 * The gateway's state per lease, on disk so that a restart loses nothing: what its automatic
 * top-ups have spent (counted against --max-spend), the service it saw (receipts are signed only
 * for that), the request tallies since its receipts, the last receipt it signed, and where the
 * lease's job moved. One JSON file per lease under `<state dir>/gateway/`, written atomically
 * (temporary file, fsync, rename, fsync of the directory). A file that cannot be read back is
 * a named error and stays where it is. Beside it, a lock file names the process that serves the
 * lease (and, for a gateway, its URL and control token), so two gateways never share a lease.
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import type { Env } from '../config.js'
import { GatewayRunningError, GatewayStateCorruptError, StateDirUnwritableError } from '../errors.js'
import type { Run } from './served.js'
import type { Tally } from './tally.js'

/** Overrides where the state lives (else $XDG_STATE_HOME/synkti, else ~/.local/state/synkti). */
export const STATE_DIR_ENV = 'SYNKTI_STATE_DIR'
export const STATE_VERSION = 1

/** The consumer's state directory: `--state-dir`, SYNKTI_STATE_DIR, XDG's state home, or ~/.local/state/synkti. */
export function resolveStateDir(flag: string | undefined, env: Env, home = homedir(), cwd = process.cwd()): string {
  const given = flag ?? env[STATE_DIR_ENV]
  const abs = (p: string) => (p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : resolve(cwd, p))
  if (given !== undefined && given !== '') return abs(given)
  const xdg = env.XDG_STATE_HOME
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'synkti')
  return join(home, '.local', 'state', 'synkti')
}

export const statePath = (dir: string, lease: string) => join(dir, 'gateway', `${lease}.json`)
export const lockPath = (dir: string, lease: string) => join(dir, 'gateway', `${lease}.lock`)

/** The last receipt the gateway signed for the lease (and what the serving node answered). */
export interface SentReceipt {
  provider: string
  from: number
  until: number
  requests: bigint
  digest: Uint8Array
  /** null until the node answered */
  accepted: boolean | null
  reason: string | null
}

export interface GatewayState {
  lease: string
  /** the lease account's `openedAt`: tells this lease from an earlier one at the same address */
  openedAt: number
  /** base units the gateway's automatic top-ups added, across restarts and moves (against --max-spend) */
  spent: bigint
  /** what the gateway saw served, in chain seconds, by the provider it saw serve it */
  served: { provider: string | null; runs: Run[] }
  tallies: Tally[]
  lastReceipt: SentReceipt | null
  /** the lease this one's job came from, by a move */
  movedFrom: string | null
  /** the lease this one's job moved to: a gateway started on this lease serves that one */
  movedTo: string | null
  /**
   * moves the gateway made on its own (--return-to-spot), across restarts and moves (against
   * --max-moves); absent in files written before it was kept: 0
   */
  autoMoves: number
}

export function freshState(lease: string, openedAt: number, spent = 0n, autoMoves = 0): GatewayState {
  return {
    lease,
    openedAt,
    spent,
    served: { provider: null, runs: [] },
    tallies: [],
    lastReceipt: null,
    movedFrom: null,
    movedTo: null,
    autoMoves,
  }
}

// --- encoding ----------------------------------------------------------------------------------

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

export function encodeState(s: GatewayState, now = new Date()): string {
  const doc = {
    version: STATE_VERSION,
    lease: s.lease,
    openedAt: s.openedAt,
    spent: s.spent.toString(),
    served: { provider: s.served.provider, runs: s.served.runs.map((r) => [r.start, r.end]) },
    tallies: s.tallies.map((t) => ({ since: t.since, requests: t.requests.toString(), digest: b64(t.digest) })),
    lastReceipt:
      s.lastReceipt === null
        ? null
        : { ...s.lastReceipt, requests: s.lastReceipt.requests.toString(), digest: b64(s.lastReceipt.digest) },
    movedFrom: s.movedFrom,
    movedTo: s.movedTo,
    autoMoves: s.autoMoves,
    updatedAt: now.toISOString(),
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

class Bad extends Error {}

function field<T>(o: Record<string, unknown>, key: string, check: (v: unknown) => v is T, what: string): T {
  const v = o[key]
  if (!check(v)) throw new Bad(`${key}: expected ${what}, got ${JSON.stringify(v) ?? 'nothing'}`)
  return v
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)
const isCount = (v: unknown): v is number => isInt(v) && v >= 0
const isUint = (v: unknown): v is string => typeof v === 'string' && /^[0-9]{1,20}$/.test(v)
const isAddress = (v: unknown): v is string => typeof v === 'string' && /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(v)
const orNull =
  <T>(check: (v: unknown) => v is T) =>
  (v: unknown): v is T | null =>
    v === null || check(v)
const isDigest = (v: unknown): v is string => typeof v === 'string' && Buffer.from(v, 'base64').length === 32
const isBool = (v: unknown): v is boolean => typeof v === 'boolean'
const isString = (v: unknown): v is string => typeof v === 'string'
const isRun = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && isInt(v[0]) && isInt(v[1]) && v[0] <= v[1]

/** Parses a state file's text; anything off is GatewayStateCorruptError naming the field. */
export function decodeState(text: string, path: string, lease: string): GatewayState {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new GatewayStateCorruptError(path, `not JSON (${(err as Error).message})`, err)
  }
  try {
    if (!isObject(doc)) throw new Bad('not a JSON object')
    const version = field(doc, 'version', isInt, 'a number')
    if (version !== STATE_VERSION) throw new Bad(`version ${version}; this synkti reads version ${STATE_VERSION}`)
    const own = field(doc, 'lease', isAddress, 'a lease address')
    if (own !== lease) throw new Bad(`it is the state of lease ${own}, not ${lease}`)
    const served = field(doc, 'served', isObject, 'an object')
    const runs = field(served, 'runs', (v): v is unknown[] => Array.isArray(v), 'a list of [start, end]')
    const tallies = field(doc, 'tallies', (v): v is unknown[] => Array.isArray(v), 'a list')
    const last = field(doc, 'lastReceipt', orNull(isObject), 'an object or null')
    return {
      lease: own,
      openedAt: field(doc, 'openedAt', isInt, 'a unix time'),
      spent: BigInt(field(doc, 'spent', isUint, 'a whole number of base units as a string')),
      served: {
        provider: field(served, 'provider', orNull(isAddress), 'a provider address or null'),
        runs: runs.map((r) => {
          if (!isRun(r)) throw new Bad(`served.runs: ${JSON.stringify(r)} is not [start, end]`)
          return { start: r[0], end: r[1] }
        }),
      },
      tallies: tallies.map((t) => {
        if (!isObject(t)) throw new Bad('tallies: an entry is not an object')
        return {
          since: field(t, 'since', isInt, 'a chain second'),
          requests: BigInt(field(t, 'requests', isUint, 'a count as a string')),
          digest: new Uint8Array(Buffer.from(field(t, 'digest', isDigest, '32 bytes in base64'), 'base64')),
        }
      }),
      lastReceipt:
        last === null
          ? null
          : {
              provider: field(last, 'provider', isAddress, 'a provider address'),
              from: field(last, 'from', isInt, 'a chain second'),
              until: field(last, 'until', isInt, 'a chain second'),
              requests: BigInt(field(last, 'requests', isUint, 'a count as a string')),
              digest: new Uint8Array(Buffer.from(field(last, 'digest', isDigest, '32 bytes in base64'), 'base64')),
              accepted: field(last, 'accepted', orNull(isBool), 'true, false or null'),
              reason: field(last, 'reason', orNull(isString), 'a string or null'),
            },
      movedFrom: field(doc, 'movedFrom', orNull(isAddress), 'a lease address or null'),
      movedTo: field(doc, 'movedTo', orNull(isAddress), 'a lease address or null'),
      autoMoves: doc.autoMoves === undefined ? 0 : field(doc, 'autoMoves', isCount, 'a whole number'),
    }
  } catch (err) {
    if (err instanceof Bad) throw new GatewayStateCorruptError(path, err.message, err)
    throw err
  }
}

// --- files -------------------------------------------------------------------------------------

/** The lease's state, or null when the gateway never ran on it. */
export async function readState(dir: string, lease: string): Promise<GatewayState | null> {
  const path = statePath(dir, lease)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new GatewayStateCorruptError(path, (err as Error).message, err)
  }
  return decodeState(text, path, lease)
}

/** Errors of the file system that no retry fixes: the directory is not ours to write. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR'])

/** Writes `text` to `path` so that a crash leaves the old file or the new one, never a mix. */
export async function writeAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  try {
    await writeWhole(path, text, mode)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== undefined && UNWRITABLE.has(code)) throw new StateDirUnwritableError(path, (err as Error).message, err)
    throw err
  }
}

async function writeWhole(path: string, text: string, mode: number): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  } catch (err) {
    // whatever stops the directory from being made (a file in its place, no permission)
    throw new StateDirUnwritableError(dirname(path), (err as Error).message, err)
  }
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const file = await open(tmp, 'w', mode)
  try {
    await file.writeFile(text)
    await file.sync()
  } finally {
    await file.close()
  }
  try {
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
  const folder = await open(dirname(path), constants.O_RDONLY)
  try {
    await folder.sync()
  } finally {
    await folder.close()
  }
}

export async function writeState(dir: string, state: GatewayState): Promise<void> {
  await writeAtomic(statePath(dir, state.lease), encodeState(state))
}

/** Renames the lease's state file aside (a state of an earlier lease at a reused address); returns where. */
export async function moveStateAside(dir: string, lease: string, why: string): Promise<string> {
  const from = statePath(dir, lease)
  const to = `${from}.${why}-${Date.now()}`
  await rename(from, to)
  return to
}

// --- lock --------------------------------------------------------------------------------------

export interface LockInfo {
  pid: number
  /** the gateway's URL; null for a `synkti job move` without a gateway */
  url: string | null
  /** bearer token of the gateway's control endpoint (the file is the user's alone, 0600) */
  token: string | null
  /** the lease the holder serves now (a gateway started on a moved lease serves a newer one) */
  serving: string
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function readLock(path: string): Promise<LockInfo | null> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>
    if (!isInt(doc.pid)) return null
    return {
      pid: doc.pid,
      url: typeof doc.url === 'string' ? doc.url : null,
      token: typeof doc.token === 'string' ? doc.token : null,
      serving: typeof doc.serving === 'string' ? doc.serving : '',
    }
  } catch {
    return null
  }
}

/** The live holder of the lease's lock, if any (a lock of a dead process is no holder). */
export async function liveLock(dir: string, lease: string): Promise<LockInfo | null> {
  const info = await readLock(lockPath(dir, lease))
  return info !== null && isAlive(info.pid) ? info : null
}

export interface Lock {
  readonly lease: string
  readonly path: string
  update(info: Omit<LockInfo, 'pid'>): Promise<void>
  release(): Promise<void>
}

/**
 * Takes the lease's lock for this process, or throws GatewayRunningError naming the live
 * holder. A lock left by a dead process is taken over.
 */
export async function acquireLock(dir: string, lease: string, info: Omit<LockInfo, 'pid'>): Promise<Lock> {
  const path = lockPath(dir, lease)
  const body = (i: Omit<LockInfo, 'pid'>) => `${JSON.stringify({ pid: process.pid, ...i })}\n`
  for (let attempt = 0; ; attempt++) {
    // written whole to a temporary file, then linked in place: the lock appears complete or not at all
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    await writeAtomic(tmp, body(info))
    try {
      await link(tmp, path)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = await readLock(path)
      if (holder?.pid === process.pid) {
        await writeAtomic(path, body(info))
        break
      }
      if (holder !== null && isAlive(holder.pid)) throw new GatewayRunningError(lease, holder.pid, holder.url, path)
      // a stale lock (its process is gone) is taken over, once: a second loss means someone else took it
      if (attempt > 0) throw new GatewayRunningError(lease, holder?.pid ?? 0, holder?.url ?? null, path)
      await rm(path, { force: true })
    } finally {
      await rm(tmp, { force: true })
    }
  }
  let released = false
  return {
    lease,
    path,
    update: async (next) => {
      if (!released) await writeAtomic(path, body(next))
    },
    release: async () => {
      if (released) return
      released = true
      const holder = await readLock(path)
      if (holder?.pid === process.pid) await rm(path, { force: true })
    },
  }
}

/** A fresh control token for the gateway's `POST /_synkti/move`. */
export const newToken = () => randomBytes(24).toString('base64url')

/**
 * The on-disk attestation queue: one file per lease, `queue/<lease>.<openedAt>.json`, replaced
 * atomically (write a temporary file, fsync, rename, fsync the directory). One file per lease
 * makes coalescing free (a newer `until` replaces the older item: one transaction pays up to it)
 * and a crash can only leave the previous version or the new one, never a torn item. Outcomes
 * (attested, dropped) are appended to `journal.jsonl`, fsync'd, as the node's record.
 *
 * A lease is named by its address and the chain time it opened (`openedAt`): an address can come
 * back (a chain reset recreates the market and its lease 0), and an item queued for the lease
 * that was there before must never be sent for the one there now. Files of the earlier format
 * (`<lease>.json`, no open time) are refused at open with `LegacyQueueItemError` and left alone.
 */
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import { syncDir, TMP_SUFFIX, writeJsonAtomic } from '../fs/atomic-json.js'
import { JOURNAL_FILE, QUEUE_DIR } from './constants.js'
import { CorruptQueueItemError, InvalidQueueItemError, LegacyQueueItemError } from './errors.js'
import type { DropReason } from './outcome.js'

/** One lease: its address and the chain time it opened (an address may be reused, this pair is not). */
export interface LeaseKey {
  /** Lease address, base58. */
  lease: string
  /** The lease account's `openedAt` (chain unix seconds). */
  openedAt: number
}

/** The key of a lease in the queue, maps and file names: `<lease>.<openedAt>` (base58 has no dot). */
export function leaseKey(k: LeaseKey): string {
  return `${k.lease}.${k.openedAt}`
}

export interface QueueItem extends LeaseKey {
  /** Served up to here (chain unix seconds). */
  until: number
  /** Wall-clock unix seconds the oldest unpaid attestation of this lease was queued. */
  enqueuedAt: number
  /** Sends tried since the item was queued. */
  attempts: number
  /** `<ErrorName>: <message>` of the last failed attempt. */
  lastError: string | null
}

export type JournalEntry =
  | { kind: 'attested'; lease: string; openedAt: number; until: number; signature: string; at: number }
  | {
      kind: 'dropped'
      lease: string
      openedAt: number
      until: number
      reason: DropReason
      error: string | null
      at: number
    }

function validLease(lease: unknown): lease is string {
  if (typeof lease !== 'string') return false
  try {
    return new PublicKey(lease).toBase58() === lease
  } catch {
    return false
  }
}

const validOpenedAt = (t: unknown): t is number => Number.isSafeInteger(t) && (t as number) >= 0

function checkItem(item: Pick<QueueItem, 'lease' | 'openedAt' | 'until'>): void {
  if (!validLease(item.lease)) throw new InvalidQueueItemError('lease', item.lease)
  if (!validOpenedAt(item.openedAt)) throw new InvalidQueueItemError('openedAt', item.openedAt)
  if (!Number.isSafeInteger(item.until) || item.until <= 0) throw new InvalidQueueItemError('until', item.until)
}

/** A file of the earlier format: named `<lease>.json`, holding an item without `openedAt`. */
function isLegacy(name: string, text: string): boolean {
  if (!validLease(name.slice(0, -'.json'.length))) return false
  try {
    const raw = JSON.parse(text) as Partial<QueueItem> | null
    return raw !== null && typeof raw === 'object' && validLease(raw.lease) && raw.openedAt === undefined
  } catch {
    return false
  }
}

function parseItem(path: string, name: string, text: string): QueueItem {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new CorruptQueueItemError(path, (err as Error).message)
  }
  const item = raw as Partial<QueueItem> | null
  const ok =
    item !== null &&
    typeof item === 'object' &&
    validLease(item.lease) &&
    validOpenedAt(item.openedAt) &&
    Number.isSafeInteger(item.until) &&
    typeof item.enqueuedAt === 'number' &&
    Number.isSafeInteger(item.attempts) &&
    (item.lastError === null || typeof item.lastError === 'string')
  if (!ok) throw new CorruptQueueItemError(path, 'not a queue item')
  if (name !== `${leaseKey(item as QueueItem)}.json`) {
    throw new CorruptQueueItemError(path, 'file name and lease differ')
  }
  return item as QueueItem
}

export class SettlementQueue {
  private readonly items = new Map<string, QueueItem>()

  private constructor(
    readonly dir: string,
    private readonly queueDir: string,
  ) {}

  /**
   * Opens (creating) the queue in `dir` and loads every item left by an earlier run. Throws
   * `CorruptQueueItemError` for a file that is not an item and `LegacyQueueItemError` for items
   * of the earlier format; both leave every file in place.
   */
  static async open(dir: string): Promise<SettlementQueue> {
    const queue = new SettlementQueue(dir, join(dir, QUEUE_DIR))
    await mkdir(queue.queueDir, { recursive: true })
    const legacy: string[] = []
    for (const name of (await readdir(queue.queueDir)).sort()) {
      const path = join(queue.queueDir, name)
      // A temporary file is a write that never got renamed: the item it replaced is still whole.
      if (name.endsWith(TMP_SUFFIX)) await unlink(path)
      else if (name.endsWith('.json')) {
        const text = await readFile(path, 'utf8')
        if (isLegacy(name, text)) legacy.push(path)
        else {
          const item = parseItem(path, name, text)
          queue.items.set(leaseKey(item), item)
        }
      }
    }
    if (legacy.length > 0) throw new LegacyQueueItemError(legacy)
    return queue
  }

  get size(): number {
    return this.items.size
  }

  /** Items, oldest first (ties by lease, so every process sees one order). */
  list(): QueueItem[] {
    return [...this.items.values()].sort(
      (a, b) =>
        a.enqueuedAt - b.enqueuedAt ||
        a.until - b.until ||
        (a.lease < b.lease ? -1 : a.lease > b.lease ? 1 : a.openedAt - b.openedAt),
    )
  }

  /** The item of the lease whose `leaseKey` is `key`. */
  get(key: string): QueueItem | undefined {
    return this.items.get(key)
  }

  /**
   * Queues an attestation of `lease` up to `until`; an item already queued for the lease is
   * extended to the later `until` (keeping its age and attempts). Returns the item as stored.
   */
  async enqueue(lease: LeaseKey, until: number, enqueuedAt: number): Promise<QueueItem> {
    checkItem({ ...lease, until })
    const existing = this.items.get(leaseKey(lease))
    if (existing !== undefined && existing.until >= until) return existing
    const item: QueueItem = existing
      ? { ...existing, until }
      : { lease: lease.lease, openedAt: lease.openedAt, until, enqueuedAt, attempts: 0, lastError: null }
    await this.write(item)
    return item
  }

  /** Rewrites an item (attempts, last error). */
  async update(item: QueueItem): Promise<void> {
    checkItem(item)
    await this.write(item)
  }

  /** Takes the item of `key` off, but only if it still covers no more than `until` (a later one stays). */
  async remove(key: string, until: number): Promise<boolean> {
    const item = this.items.get(key)
    if (item === undefined || item.until > until) return false
    await unlink(this.pathOf(key))
    await syncDir(this.queueDir)
    this.items.delete(key)
    return true
  }

  /** Appends one outcome to the journal and fsyncs it before returning. */
  async record(entry: JournalEntry): Promise<void> {
    const fh = await open(join(this.dir, JOURNAL_FILE), 'a')
    try {
      await fh.write(`${JSON.stringify(entry)}\n`)
      await fh.sync()
    } finally {
      await fh.close()
    }
  }

  /** Every outcome recorded so far, oldest first. */
  async journal(): Promise<JournalEntry[]> {
    let text: string
    try {
      text = await readFile(join(this.dir, JOURNAL_FILE), 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    // A torn last line (a crash mid-append) is the only line that can fail to parse.
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as JournalEntry]
        } catch {
          return []
        }
      })
  }

  private pathOf(key: string): string {
    return join(this.queueDir, `${key}.json`)
  }

  private async write(item: QueueItem): Promise<void> {
    const key = leaseKey(item)
    await writeJsonAtomic(this.pathOf(key), item)
    this.items.set(key, item)
  }
}

/**
 * The on-disk attestation queue: one file per lease, `queue/<lease>.json`, replaced atomically
 * (write a temporary file, fsync, rename, fsync the directory). One file per lease makes
 * coalescing free (a newer `until` replaces the older item: one transaction pays up to it) and
 * a crash can only leave the previous version or the new one, never a torn item. Outcomes
 * (attested, dropped) are appended to `journal.jsonl`, fsync'd, as the node's record.
 */
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import { syncDir, TMP_SUFFIX, writeJsonAtomic } from '../fs/atomic-json.js'
import { JOURNAL_FILE, QUEUE_DIR } from './constants.js'
import { CorruptQueueItemError, InvalidQueueItemError } from './errors.js'
import type { DropReason } from './outcome.js'

export interface QueueItem {
  /** Lease address, base58. */
  lease: string
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
  | { kind: 'attested'; lease: string; until: number; signature: string; at: number }
  | { kind: 'dropped'; lease: string; until: number; reason: DropReason; error: string | null; at: number }

function validLease(lease: unknown): lease is string {
  if (typeof lease !== 'string') return false
  try {
    return new PublicKey(lease).toBase58() === lease
  } catch {
    return false
  }
}

function checkItem(item: Pick<QueueItem, 'lease' | 'until'>): void {
  if (!validLease(item.lease)) throw new InvalidQueueItemError('lease', item.lease)
  if (!Number.isSafeInteger(item.until) || item.until <= 0) throw new InvalidQueueItemError('until', item.until)
}

function parseItem(path: string, text: string): QueueItem {
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
    Number.isSafeInteger(item.until) &&
    typeof item.enqueuedAt === 'number' &&
    Number.isSafeInteger(item.attempts) &&
    (item.lastError === null || typeof item.lastError === 'string')
  if (!ok) throw new CorruptQueueItemError(path, 'not a queue item')
  if (!path.endsWith(`${item.lease}.json`)) throw new CorruptQueueItemError(path, 'file name and lease differ')
  return item as QueueItem
}

export class SettlementQueue {
  private readonly items = new Map<string, QueueItem>()

  private constructor(
    readonly dir: string,
    private readonly queueDir: string,
  ) {}

  /** Opens (creating) the queue in `dir` and loads every item left by an earlier run. */
  static async open(dir: string): Promise<SettlementQueue> {
    const queue = new SettlementQueue(dir, join(dir, QUEUE_DIR))
    await mkdir(queue.queueDir, { recursive: true })
    for (const name of await readdir(queue.queueDir)) {
      const path = join(queue.queueDir, name)
      // A temporary file is a write that never got renamed: the item it replaced is still whole.
      if (name.endsWith(TMP_SUFFIX)) await unlink(path)
      else if (name.endsWith('.json')) {
        const item = parseItem(path, await readFile(path, 'utf8'))
        queue.items.set(item.lease, item)
      }
    }
    return queue
  }

  get size(): number {
    return this.items.size
  }

  /** Items, oldest first (ties by lease, so every process sees one order). */
  list(): QueueItem[] {
    return [...this.items.values()].sort(
      (a, b) => a.enqueuedAt - b.enqueuedAt || a.until - b.until || (a.lease < b.lease ? -1 : 1),
    )
  }

  get(lease: string): QueueItem | undefined {
    return this.items.get(lease)
  }

  /**
   * Queues an attestation up to `until`; an item already queued for the lease is extended to
   * the later `until` (keeping its age and attempts). Returns the item as stored.
   */
  async enqueue(lease: string, until: number, enqueuedAt: number): Promise<QueueItem> {
    checkItem({ lease, until })
    const existing = this.items.get(lease)
    if (existing !== undefined && existing.until >= until) return existing
    const item: QueueItem = existing
      ? { ...existing, until }
      : { lease, until, enqueuedAt, attempts: 0, lastError: null }
    await this.write(item)
    return item
  }

  /** Rewrites an item (attempts, last error). */
  async update(item: QueueItem): Promise<void> {
    checkItem(item)
    await this.write(item)
  }

  /** Takes the lease's item off, but only if it still covers no more than `until` (a later one stays). */
  async remove(lease: string, until: number): Promise<boolean> {
    const item = this.items.get(lease)
    if (item === undefined || item.until > until) return false
    await unlink(this.pathOf(lease))
    await syncDir(this.queueDir)
    this.items.delete(lease)
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

  private pathOf(lease: string): string {
    return join(this.queueDir, `${lease}.json`)
  }

  private async write(item: QueueItem): Promise<void> {
    await writeJsonAtomic(this.pathOf(item.lease), item)
    this.items.set(item.lease, item)
  }
}

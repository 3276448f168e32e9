/**
 * The consumers' usage receipts this node keeps to attest with: the latest receipt per lease
 * that the chain would take (signed by the lease's receipt signer, naming this provider), on
 * disk so that a restart keeps them. A receipt-backed attestation is paid at once; without one
 * the node's own word is held back for the dispute window.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { PublicKey } from '@solana/web3.js'
import { type Lease, type Receipt, type SignedReceipt, verifyReceipt } from '@synkti/market'
import type { ReceiptSubmission } from '@synkti/p2p'
import { writeJsonAtomic } from '../fs/atomic-json.js'

/** A receipt in the form it is kept on disk and sent to the chain. */
export interface StoredReceipt {
  lease: string
  /**
   * `openedAt` of the lease it was checked against: a lease at a reused address is another lease,
   * and a receipt is used only for the one it was kept for. Absent in files of the earlier
   * format, which are therefore never used (the attestation is then the node's own word).
   */
  openedAt?: number
  provider: string
  signer: string
  from: number
  until: number
  requests: string
  /** base64 */
  digest: string
  /** base64 */
  signature: string
}

/** Why a receipt was not kept; `reason` is what the consumer's gateway is told. */
export class ReceiptRefusedError extends Error {
  override name = 'ReceiptRefusedError'
  constructor(
    readonly lease: string,
    readonly reason: string,
    message = `receipt for ${lease} refused: ${reason}`,
  ) {
    super(message)
  }
}

/**
 * A file in the receipts directory that is not a receipt this node wrote (our writes are atomic,
 * so a torn file is something else's doing): not JSON, not a receipt, or kept under another
 * lease's name. The file is left in place; moving it aside loses at most that lease's receipt,
 * and its attestations are then the node's own word (held back for the dispute window, not lost).
 */
export class CorruptReceiptFileError extends Error {
  override name = 'CorruptReceiptFileError'
  constructor(
    readonly path: string,
    readonly reason: string,
    message = `receipt file ${path} is corrupt: ${reason}; move it aside to start (that lease's usage is then attested on the node's own word, held back for the dispute window)`,
  ) {
    super(message)
  }
}

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/
const DECIMAL = /^(0|[1-9][0-9]*)$/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Why `value`, read from `<lease>.json`, is not a stored receipt of that lease; null when it is one. */
function receiptFileIssue(value: unknown, file: string): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object'
  const r = value as Record<string, unknown>
  for (const field of ['lease', 'provider', 'signer'] as const) {
    if (typeof r[field] !== 'string' || !BASE58.test(r[field])) return `${field} is not a base58 address`
  }
  for (const field of ['from', 'until'] as const) {
    if (!Number.isSafeInteger(r[field]) || (r[field] as number) < 0) return `${field} is not unix seconds`
  }
  if (r.openedAt !== undefined && (!Number.isSafeInteger(r.openedAt) || (r.openedAt as number) < 0)) {
    return 'openedAt is not unix seconds'
  }
  if (typeof r.requests !== 'string' || !DECIMAL.test(r.requests)) return 'requests is not a decimal count'
  for (const field of ['digest', 'signature'] as const) {
    if (typeof r[field] !== 'string' || !BASE64.test(r[field])) return `${field} is not base64`
  }
  if (file !== `${r.lease}.json`) return `it holds the receipt of lease ${r.lease}, not of the lease it is named after`
  return null
}

export function toSignedReceipt(r: StoredReceipt): SignedReceipt {
  return {
    receipt: receiptOf(r),
    signature: new Uint8Array(Buffer.from(r.signature, 'base64')),
    signer: new PublicKey(r.signer),
  }
}

function receiptOf(r: StoredReceipt): Receipt {
  return {
    from: r.from,
    until: r.until,
    requests: BigInt(r.requests),
    digest: new Uint8Array(Buffer.from(r.digest, 'base64')),
  }
}

/**
 * Pure check of a submitted receipt against the lease as the chain holds it: for this provider,
 * by the lease's receipt signer, with a valid signature over the program's receipt message.
 */
export function checkReceipt(s: Omit<ReceiptSubmission, 'remotePeer'>, lease: Lease, provider: string): StoredReceipt {
  const refuse = (reason: string) => {
    throw new ReceiptRefusedError(s.lease, reason)
  }
  if (lease.status.kind !== 'active') refuse(`the lease is ${lease.status.kind}`)
  if (lease.provider.toBase58() !== provider || s.provider !== provider) refuse('it names another provider')
  if (s.signer !== lease.receiptSigner.toBase58())
    refuse(`not signed by the lease's receipt signer ${lease.receiptSigner.toBase58()}`)
  if (s.until <= s.from) refuse('it covers no time')
  const stored: StoredReceipt = { ...s, openedAt: lease.openedAt }
  const { signature, signer } = toSignedReceipt(stored)
  if (!verifyReceipt(signer, lease.address, lease.provider, receiptOf(stored), signature)) refuse('bad signature')
  return stored
}

export class ReceiptBook {
  private readonly byLease = new Map<string, StoredReceipt>()

  private constructor(private readonly dir: string) {}

  /**
   * The receipts kept under `<stateDir>/settlement/receipts/`. A file there that is not one
   * (`CorruptReceiptFileError`) stops the open and is left in place: it is not guessed at.
   */
  static async open(stateDir: string): Promise<ReceiptBook> {
    const book = new ReceiptBook(join(stateDir, 'settlement', 'receipts'))
    await mkdir(book.dir, { recursive: true })
    for (const file of await readdir(book.dir)) {
      if (!file.endsWith('.json')) continue
      const path = join(book.dir, file)
      let value: unknown
      try {
        value = JSON.parse(await readFile(path, 'utf8'))
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err
        throw new CorruptReceiptFileError(path, `not JSON (${err.message})`)
      }
      const issue = receiptFileIssue(value, file)
      if (issue !== null) throw new CorruptReceiptFileError(path, issue)
      const r = value as StoredReceipt
      book.byLease.set(r.lease, r)
    }
    return book
  }

  /** The receipt kept for the lease at `lease`, if any; `openedAt` given, only one kept for that lease. */
  get(lease: string, openedAt?: number): StoredReceipt | undefined {
    const r = this.byLease.get(lease)
    return openedAt === undefined || r?.openedAt === openedAt ? r : undefined
  }

  /** Keeps `r` unless the same lease already has a receipt reaching further. Returns whether kept. */
  async put(r: StoredReceipt): Promise<boolean> {
    const held = this.byLease.get(r.lease)
    const same = held !== undefined && held.provider === r.provider && held.openedAt === r.openedAt
    if (same && held.until >= r.until) return false
    await writeJsonAtomic(join(this.dir, `${r.lease}.json`), r)
    this.byLease.set(r.lease, r)
    return true
  }

  async forget(lease: string): Promise<void> {
    this.byLease.delete(lease)
    await rm(join(this.dir, `${lease}.json`), { force: true })
  }
}

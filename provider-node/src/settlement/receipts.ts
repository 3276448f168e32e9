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

  static async open(stateDir: string): Promise<ReceiptBook> {
    const book = new ReceiptBook(join(stateDir, 'settlement', 'receipts'))
    await mkdir(book.dir, { recursive: true })
    for (const file of await readdir(book.dir)) {
      if (!file.endsWith('.json')) continue
      const r = JSON.parse(await readFile(join(book.dir, file), 'utf8')) as StoredReceipt
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

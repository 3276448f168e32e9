import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair, type PublicKey } from '@solana/web3.js'
import { type Lease, signReceipt } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { checkReceipt, ReceiptBook, type StoredReceipt } from '../../src/settlement/index.js'
import { leaseFixture } from '../support/lease.js'

const key = () => Keypair.generate().publicKey
const provider = key()
const gateway = Keypair.generate()

function lease(edit: Partial<Lease> = {}): Lease {
  return leaseFixture({ receiptSigner: gateway.publicKey, provider, ...edit })
}

/** A receipt as the gateway sends it, signed by `signer` for `(l, p)`. */
function submission(l: Lease, signer = gateway, p: PublicKey = provider, until = 1_030) {
  const receipt = { from: 1_000, until, requests: 7n, digest: new Uint8Array(32).fill(5) }
  const signature = signReceipt(signer, l.address, p, receipt)
  return {
    lease: l.address.toBase58(),
    provider: p.toBase58(),
    from: receipt.from,
    until: receipt.until,
    requests: '7',
    digest: Buffer.from(receipt.digest).toString('base64'),
    signer: signer.publicKey.toBase58(),
    signature: Buffer.from(signature).toString('base64'),
  }
}

describe('checkReceipt: only receipts the chain would take are kept', () => {
  it("keeps a receipt signed by the lease's receipt signer for this provider", () => {
    const l = lease()
    expect(checkReceipt(submission(l), l, provider.toBase58())).toMatchObject({ until: 1_030, requests: '7' })
  })

  it('refuses another signer, another provider, a forged signature, an empty period, an ended lease', () => {
    const l = lease()
    const me = provider.toBase58()
    const refusals: [string, () => unknown][] = [
      ['receipt signer', () => checkReceipt(submission(l, Keypair.generate()), l, me)],
      ['another provider', () => checkReceipt(submission(l, gateway, key()), l, me)],
      ['bad signature', () => checkReceipt({ ...submission(l), until: 1_031 }, l, me)],
      ['no time', () => checkReceipt(submission(l, gateway, provider, 1_000), l, me)],
      [
        'ended',
        () => checkReceipt(submission(l), lease({ status: { kind: 'ended', outcome: 'completed', at: 1 } }), me),
      ],
    ]
    for (const [reason, check] of refusals) {
      expect(check, reason).toThrow(
        expect.objectContaining({ name: 'ReceiptRefusedError', reason: expect.stringContaining(reason) }),
      )
    }
  })
})

describe('ReceiptBook', () => {
  it('keys a receipt to the lease it was checked against: a later lease at the address gets none of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'receipts-'))
    const l = lease()
    const stored = checkReceipt(submission(l), l, provider.toBase58())
    expect(stored.openedAt).toBe(l.openedAt)
    const book = await ReceiptBook.open(dir)
    await book.put(stored)
    expect(book.get(l.address.toBase58(), l.openedAt)).toEqual(stored)
    expect(book.get(l.address.toBase58(), l.openedAt + 1)).toBeUndefined()
    // The later lease's own receipt replaces it, even one reaching less far.
    const later = lease({ address: l.address, openedAt: 2_000 })
    const short = checkReceipt(submission(later, gateway, provider, 1_010), later, provider.toBase58())
    expect(await book.put(short)).toBe(true)
    expect(book.get(l.address.toBase58(), l.openedAt)).toBeUndefined()
    expect(book.get(l.address.toBase58(), 2_000)).toEqual(short)
  })

  it('keeps the furthest-reaching receipt per lease, on disk across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'receipts-'))
    const l = lease()
    const first = checkReceipt(submission(l, gateway, provider, 1_030), l, provider.toBase58())
    const later = checkReceipt(submission(l, gateway, provider, 1_060), l, provider.toBase58())
    const book = await ReceiptBook.open(dir)
    expect(await book.put(later)).toBe(true)
    expect(await book.put(first)).toBe(false)
    const reopened = await ReceiptBook.open(dir)
    expect(reopened.get(l.address.toBase58())).toEqual<StoredReceipt>(later)
    expect(reopened.get(l.address.toBase58(), l.openedAt)).toEqual<StoredReceipt>(later)
    await reopened.forget(l.address.toBase58())
    expect((await ReceiptBook.open(dir)).get(l.address.toBase58())).toBeUndefined()
  })
})

// Usage receipts off chain: the signed bytes (mirroring the program's receipt.rs), signing and
// verifying, and the Ed25519 program instruction that carries one to attest_usage.
import { Ed25519Program, Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import {
  RECEIPT_DOMAIN,
  RECEIPT_MESSAGE_LEN,
  type Receipt,
  receiptInstruction,
  receiptMessage,
  signReceipt,
  verifyReceipt,
} from '../src/index.js'

const lease = Keypair.generate().publicKey
const provider = Keypair.generate().publicKey
const digest = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
const receipt: Receipt = { from: 1_700_000_000, until: 1_700_000_060, requests: 0x0102_0304_0506_0708n, digest }

describe('receiptMessage', () => {
  it('is 137 bytes: domain, lease, provider, from, until, requests (little-endian), digest', () => {
    expect(RECEIPT_MESSAGE_LEN).toBe(137)
    expect(Buffer.from(RECEIPT_DOMAIN).toString()).toBe('synkti-receipt-v1')
    const m = Buffer.from(receiptMessage(lease, provider, receipt))
    expect(m).toHaveLength(137)
    expect(m.subarray(0, 17).toString()).toBe('synkti-receipt-v1')
    expect(m.subarray(17, 49)).toEqual(lease.toBuffer())
    expect(m.subarray(49, 81)).toEqual(provider.toBuffer())
    expect(m.readBigInt64LE(81)).toBe(1_700_000_000n)
    expect(m.readBigInt64LE(89)).toBe(1_700_000_060n)
    expect(m.readBigUInt64LE(97)).toBe(0x0102_0304_0506_0708n)
    // Little-endian: the least significant byte of `requests` first.
    expect([...m.subarray(97, 105)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1])
    expect(new Uint8Array(m.subarray(105))).toEqual(digest)
  })

  it('encodes times as signed i64 and the whole u64 range of requests', () => {
    const m = Buffer.from(receiptMessage(lease, provider, { from: -1, until: 0, requests: 2n ** 64n - 1n, digest }))
    expect(m.readBigInt64LE(81)).toBe(-1n)
    expect([...m.subarray(97, 105)]).toEqual(Array(8).fill(255))
  })

  it('binds the lease and the provider: swapping them changes the bytes', () => {
    expect(receiptMessage(provider, lease, receipt)).not.toEqual(receiptMessage(lease, provider, receipt))
  })

  it('refuses what cannot be encoded, naming the field', () => {
    const bad: [Partial<Receipt>, string][] = [
      [{ digest: new Uint8Array(31) }, 'digest'],
      [{ from: 1.5 }, 'from'],
      [{ until: 2 ** 60 }, 'until'],
      [{ requests: -1n }, 'requests'],
      [{ requests: 2n ** 64n }, 'requests'],
    ]
    for (const [over, field] of bad) {
      expect(() => receiptMessage(lease, provider, { ...receipt, ...over })).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', field }),
      )
    }
  })
})

describe('signReceipt and verifyReceipt', () => {
  const signer = Keypair.generate()

  it('round-trips: the signer’s signature over the receipt verifies', () => {
    const signature = signReceipt(signer, lease, provider, receipt)
    expect(signature).toHaveLength(64)
    expect(verifyReceipt(signer.publicKey, lease, provider, receipt, signature)).toBe(true)
    // Ed25519 is deterministic: the same signature as web3.js's own signer over the same bytes.
    const reference = Ed25519Program.createInstructionWithPrivateKey({
      privateKey: signer.secretKey,
      message: receiptMessage(lease, provider, receipt),
    })
    expect(new Uint8Array(reference.data.subarray(48, 112))).toEqual(signature)
  })

  it('fails for a tampered receipt, another lease or provider, another signer, or a damaged signature', () => {
    const signature = signReceipt(signer, lease, provider, receipt)
    const tampered: Receipt[] = [
      { ...receipt, requests: receipt.requests + 1n },
      { ...receipt, from: receipt.from - 1 },
      { ...receipt, until: receipt.until + 1 },
      { ...receipt, digest: Uint8Array.from(digest, (b, i) => (i === 31 ? b ^ 1 : b)) },
    ]
    for (const r of tampered) expect(verifyReceipt(signer.publicKey, lease, provider, r, signature)).toBe(false)
    expect(verifyReceipt(signer.publicKey, provider, lease, receipt, signature)).toBe(false)
    expect(verifyReceipt(Keypair.generate().publicKey, lease, provider, receipt, signature)).toBe(false)
    const damaged = Uint8Array.from(signature, (b, i) => (i === 0 ? b ^ 0x80 : b))
    expect(verifyReceipt(signer.publicKey, lease, provider, receipt, damaged)).toBe(false)
  })
})

describe('receiptInstruction', () => {
  it('is an Ed25519 program instruction verifying one signature over the receipt, all within itself', () => {
    const signer = Keypair.generate()
    const signature = signReceipt(signer, lease, provider, receipt)
    const ix = receiptInstruction(signer.publicKey, lease, provider, receipt, signature)
    expect(ix.programId).toEqual(Ed25519Program.programId)
    expect(ix.keys).toEqual([])
    const d = Buffer.from(ix.data)
    // count, padding, then seven u16: signature at, its ix, key at, its ix, message at, size, its ix.
    expect(d[0]).toBe(1)
    const offsets = [0, 1, 2, 3, 4, 5, 6].map((i) => d.readUInt16LE(2 + 2 * i))
    const [sigAt, sigIx, keyAt, keyIx, msgAt, msgLen, msgIx] = offsets as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ]
    // u16::MAX as instruction index: "this instruction", which the program requires.
    expect([sigIx, keyIx, msgIx]).toEqual([0xffff, 0xffff, 0xffff])
    expect(msgLen).toBe(RECEIPT_MESSAGE_LEN)
    expect(d.subarray(keyAt, keyAt + 32)).toEqual(signer.publicKey.toBuffer())
    expect(new Uint8Array(d.subarray(sigAt, sigAt + 64))).toEqual(signature)
    expect(new Uint8Array(d.subarray(msgAt, msgAt + RECEIPT_MESSAGE_LEN))).toEqual(
      receiptMessage(lease, provider, receipt),
    )
    expect(d).toHaveLength(16 + 32 + 64 + RECEIPT_MESSAGE_LEN)
  })
})

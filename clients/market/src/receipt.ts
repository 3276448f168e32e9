/**
 * Usage receipts: what the consumer (or its gateway, under a key the lease names) signs for
 * service it actually got, and the Ed25519 program instruction that lets `attest_usage` check
 * it on chain. The message layout mirrors the program's `receipt.rs`.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { Ed25519Program, type Keypair, type PublicKey, type TransactionInstruction } from '@solana/web3.js'
import { RECEIPT_DOMAIN } from './constants.js'
import { InvalidArgumentError } from './errors.js'
import type { Receipt } from './types.js'
import { u64, unixSeconds } from './validate.js'

export const RECEIPT_MESSAGE_LEN = RECEIPT_DOMAIN.length + 32 + 32 + 8 + 8 + 8 + 32

/** The exact bytes signed: domain, lease, provider, from, until, requests, digest. */
export function receiptMessage(lease: PublicKey, provider: PublicKey, r: Receipt): Uint8Array {
  if (r.digest.length !== 32) throw new InvalidArgumentError('digest', 'expected 32 bytes')
  const out = new Uint8Array(RECEIPT_MESSAGE_LEN)
  const view = new DataView(out.buffer)
  let at = 0
  for (const part of [RECEIPT_DOMAIN, lease.toBytes(), provider.toBytes()]) {
    out.set(part, at)
    at += part.length
  }
  view.setBigInt64(at, BigInt(unixSeconds('from', r.from)), true)
  view.setBigInt64(at + 8, BigInt(unixSeconds('until', r.until)), true)
  view.setBigUint64(at + 16, u64('requests', r.requests), true)
  out.set(r.digest, at + 24)
  return out
}

// DER prefixes of an Ed25519 private key (PKCS#8) and public key (SPKI) around the raw 32 bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

/** The receipt signer's signature (64 bytes) over the receipt for `lease` served by `provider`. */
export function signReceipt(signer: Keypair, lease: PublicKey, provider: PublicKey, r: Receipt): Uint8Array {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, Buffer.from(signer.secretKey.subarray(0, 32))]),
    format: 'der',
    type: 'pkcs8',
  })
  return new Uint8Array(sign(null, receiptMessage(lease, provider, r), key))
}

/** Whether `signature` is `signer`'s over the receipt (checked off chain before attesting). */
export function verifyReceipt(
  signer: PublicKey,
  lease: PublicKey,
  provider: PublicKey,
  r: Receipt,
  signature: Uint8Array,
): boolean {
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, signer.toBuffer()]), format: 'der', type: 'spki' })
  return verify(null, receiptMessage(lease, provider, r), key, signature)
}

/** The Ed25519 program instruction that must precede an `attest_usage` carrying the receipt. */
export function receiptInstruction(
  signer: PublicKey,
  lease: PublicKey,
  provider: PublicKey,
  r: Receipt,
  signature: Uint8Array,
): TransactionInstruction {
  return Ed25519Program.createInstructionWithPublicKey({
    publicKey: signer.toBytes(),
    message: receiptMessage(lease, provider, r),
    signature,
  })
}

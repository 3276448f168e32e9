/**
 * `synkti dispute open ID --reason "…"`: contests the lease (serving stops, the unsettled escrow
 * is frozen) until the lease's arbiter rules, posting the market's dispute bond. Only the
 * reason's sha256 goes on chain (as evidence hash); the text stays with the consumer.
 */
import { createHash } from 'node:crypto'
import type { PublicKey } from '@solana/web3.js'
import { eventData } from '../chain.js'
import type { Deps } from '../context.js'
import { UsageError } from '../errors.js'

export interface DisputeOptions {
  lease: PublicKey
  reason: string
}

export interface DisputeResult {
  kind: 'dispute-open'
  lease: string
  reason: string
  /** hex sha256 of the reason's UTF-8 bytes, as stored on chain */
  reasonHash: string
  /** escrow frozen until the ruling */
  frozen: bigint
  /** posted with the dispute: back on a refund, to the provider on a release */
  bond: bigint
  openedAt: number
  signature: string
}

export function reasonHash(reason: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(reason, 'utf8').digest())
}

export async function run(options: DisputeOptions, deps: Deps): Promise<DisputeResult> {
  if (options.reason.trim() === '') throw new UsageError('--reason must say what went wrong', 'synkti dispute open')
  const consumer = await deps.wallet()
  const hash = reasonHash(options.reason)
  const { signature, events } = await deps.client.openDispute({ consumer, lease: options.lease, evidenceHash: hash })
  const opened = eventData(events, 'DisputeOpened')
  return {
    kind: 'dispute-open',
    lease: options.lease.toBase58(),
    reason: options.reason,
    reasonHash: Buffer.from(opened.evidenceHash).toString('hex'),
    frozen: opened.frozen,
    bond: opened.bond,
    openedAt: opened.openedAt,
    signature,
  }
}

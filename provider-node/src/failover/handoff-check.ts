/**
 * What the giver checks before co-signing the migrate_lease transaction a taker sent back: the
 * taker builds and signs it, so every field is the taker's word until compared with the giver's
 * own plan. Pure: the transaction arrives decoded (`MarketClient.describeTransaction`).
 */
import type { PublicKey } from '@solana/web3.js'
import type { DecodedInstruction } from '@synkti/market'
import { HandoffMismatchError } from './errors.js'

/** The giver's plan: what the transaction must say, and nothing else. */
export interface HandoffPlan {
  programId: PublicKey
  /** the lease being failed over */
  lease: PublicKey
  /** this node's own provider account and operator key: the old side */
  oldProvider: PublicKey
  oldOperator: PublicKey
  /** the planned target's provider account, as the chain lists it, and its operator */
  newProvider: PublicKey
  newOperator: PublicKey
  /** who pays the fee: this node's operator, which co-signs and sends the transaction */
  feePayer: PublicKey
  /** chain time now, and how far the hand-off time may lie from it */
  now: number
  maxSkewSec: number
}

export interface DescribedTransaction {
  feePayer: PublicKey | undefined
  instructions: DecodedInstruction[]
  missingSigners: PublicKey[]
}

const eq = (a: PublicKey | undefined, b: PublicKey) => a?.equals(b) === true

/**
 * Throws HandoffMismatchError naming the first field that differs from the plan: one
 * migrate_lease of this program and no other instruction, our lease and provider as the old
 * side, the planned target as the new side, a hand-off time near now, the expected fee payer,
 * and only our own signature missing.
 */
export function checkHandoff(tx: DescribedTransaction, plan: HandoffPlan): void {
  const mismatch = (field: string, expected: string, got: string) => {
    throw new HandoffMismatchError(field, expected, got)
  }
  if (tx.instructions.length !== 1) {
    mismatch('instructions', '1 migrateLease', tx.instructions.map((i) => i.name).join(', ') || 'none')
  }
  const [ix] = tx.instructions as [DecodedInstruction]
  if (ix.name !== 'migrateLease' || !ix.programId.equals(plan.programId)) {
    mismatch('instruction', `migrateLease of ${plan.programId.toBase58()}`, `${ix.name} of ${ix.programId.toBase58()}`)
  }
  const account = (name: string) => ix.accounts.find((a) => a.name === name)?.pubkey
  const expected: [string, PublicKey][] = [
    ['lease', plan.lease],
    ['oldProvider', plan.oldProvider],
    ['oldOperator', plan.oldOperator],
    ['newProvider', plan.newProvider],
    ['newOperator', plan.newOperator],
  ]
  for (const [name, key] of expected) {
    const got = account(name)
    if (!eq(got, key)) mismatch(name, key.toBase58(), got?.toBase58() ?? 'absent')
  }
  const handoffAt = Number(String(ix.args.handoffAt))
  if (!Number.isSafeInteger(handoffAt) || Math.abs(handoffAt - plan.now) > plan.maxSkewSec) {
    mismatch('handoffAt', `${plan.now} ± ${plan.maxSkewSec} s`, String(ix.args.handoffAt))
  }
  if (!eq(tx.feePayer, plan.feePayer))
    mismatch('feePayer', plan.feePayer.toBase58(), tx.feePayer?.toBase58() ?? 'absent')
  const others = tx.missingSigners.filter((k) => !k.equals(plan.oldOperator))
  if (others.length > 0) mismatch('signers', plan.oldOperator.toBase58(), others.map((k) => k.toBase58()).join(', '))
}

import { Keypair, type PublicKey, SystemProgram, Transaction, type TransactionInstruction } from '@solana/web3.js'
import { MarketClient } from '@synkti/market'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkHandoff, type HandoffPlan } from '../../src/failover/index.js'

// Offline: instructions are built from the IDL and decoded again; nothing is sent.
const client = new MarketClient({ rpcUrl: 'http://127.0.0.1:9' })
const key = () => Keypair.generate().publicKey
const NOW = 1_700_000_000

const giver = Keypair.generate()
const taker = Keypair.generate()
const consumer = Keypair.generate()
const accounts = {
  market: key(),
  lease: key(),
  escrow: key(),
  oldProvider: key(),
  newProvider: key(),
  oldEarningsVault: key(),
  feeVault: key(),
  mint: key(),
}

function plan(edit: Partial<HandoffPlan> = {}): HandoffPlan {
  return {
    programId: client.programId,
    lease: accounts.lease,
    oldProvider: accounts.oldProvider,
    oldOperator: giver.publicKey,
    newProvider: accounts.newProvider,
    newOperator: taker.publicKey,
    feePayer: giver.publicKey,
    now: NOW,
    maxSkewSec: 60,
    ...edit,
  }
}

async function migrate(
  edit: { handoffAt?: number; consumer?: PublicKey; lease?: PublicKey; newProvider?: PublicKey } = {},
) {
  return client.instructions.migrateLease(
    {
      ...accounts,
      lease: edit.lease ?? accounts.lease,
      newProvider: edit.newProvider ?? accounts.newProvider,
      oldOperator: giver.publicKey,
      newOperator: taker.publicKey,
      ...(edit.consumer ? { consumer: edit.consumer } : {}),
    },
    edit.handoffAt ?? NOW - 3,
  )
}

/** As the taker sends it: built and signed by the taker, paid by us (we send it), our signature missing. */
function described(ixs: TransactionInstruction[], feePayer = giver.publicKey) {
  const tx = new Transaction({ feePayer, recentBlockhash: key().toBase58() }).add(...ixs)
  const message = tx.compileMessage()
  const signers = message.accountKeys.slice(0, message.header.numRequiredSignatures)
  if (signers.some((k) => k.equals(taker.publicKey))) tx.partialSign(taker)
  return client.describeTransaction(new Uint8Array(tx.serialize({ requireAllSignatures: false })))
}

let honest: TransactionInstruction
beforeAll(async () => {
  honest = await migrate()
})

describe('checkHandoff: the giver co-signs only its own plan', () => {
  it('passes the transaction the plan describes', () => {
    expect(() => checkHandoff(described([honest]), plan())).not.toThrow()
  })

  it.each([
    ['lease', () => migrate({ lease: key() })],
    ['newProvider', () => migrate({ newProvider: key() })],
    ['handoffAt', () => migrate({ handoffAt: NOW - 3_600 })],
    ['handoffAt', () => migrate({ handoffAt: NOW + 600 })],
  ])('refuses a transaction whose %s differs from the plan', async (field, build) => {
    const forged = described([await build()])
    expect(() => checkHandoff(forged, plan())).toThrow(expect.objectContaining({ name: 'HandoffMismatchError', field }))
  })

  it('refuses our own provider or key named differently (a lease of another node)', () => {
    for (const [field, edit] of [
      ['oldProvider', { oldProvider: key() }],
      ['oldOperator', { oldOperator: key() }],
    ] as const) {
      expect(() => checkHandoff(described([honest]), plan(edit))).toThrow(
        expect.objectContaining({ name: 'HandoffMismatchError', field }),
      )
    }
  })

  it('refuses anything riding along: a second instruction, another fee payer, other missing signers', async () => {
    const theft = SystemProgram.transfer({ fromPubkey: giver.publicKey, toPubkey: taker.publicKey, lamports: 1 })
    expect(() => checkHandoff(described([honest, theft]), plan())).toThrow(
      expect.objectContaining({ name: 'HandoffMismatchError', field: 'instructions' }),
    )
    expect(() => checkHandoff(described([theft]), plan())).toThrow(
      expect.objectContaining({ name: 'HandoffMismatchError', field: 'instruction' }),
    )
    const stranger = Keypair.generate()
    expect(() => checkHandoff(described([honest], stranger.publicKey), plan())).toThrow(
      expect.objectContaining({ name: 'HandoffMismatchError', field: 'feePayer' }),
    )
    const withConsumer = described([await migrate({ consumer: consumer.publicKey })])
    expect(() => checkHandoff(withConsumer, plan())).toThrow(
      expect.objectContaining({ name: 'HandoffMismatchError', field: 'signers' }),
    )
  })
})

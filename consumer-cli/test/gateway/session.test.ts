import { createHash } from 'node:crypto'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { LeaseSession } from '../../src/gateway/session.js'
import { decodeState, encodeState, type SentReceipt } from '../../src/gateway/state.js'

const lease = Keypair.generate().publicKey.toBase58()
const provider = Keypair.generate().publicKey.toBase58()
const other = Keypair.generate().publicKey.toBase58()
const body = (text: string) => new Uint8Array(createHash('sha256').update(text).digest())

/** Signs what the session plans, as the gateway does (the node's answer does not matter here). */
function sign(s: LeaseSession, from: number): SentReceipt | null {
  const plan = s.planReceipt(from, provider)
  if (plan === null) return null
  const sent = { provider, from, until: plan.until, requests: plan.tally.requests, digest: plan.tally.digest }
  const receipt = { ...sent, accepted: true, reason: null }
  s.signed(receipt)
  return receipt
}

/** What a restart does: the state through its file, read back by a new process. */
const restart = (s: LeaseSession) =>
  LeaseSession.resume(decodeState(encodeState(s.toState()), '/state.json', lease), 1_000)

describe('LeaseSession: receipts for what was seen, each period signed once', () => {
  it('signs from the settlement to the end of the run it saw, with the requests since', () => {
    const s = LeaseSession.fresh(lease, 50, 1_000)
    s.servedBy(provider)
    for (let at = 100; at <= 110; at++) s.observe(at, true)
    s.answered(105, body('a'))
    s.answered(106, body('b'))
    expect(sign(s, 100)).toMatchObject({ from: 100, until: 110, requests: 2n })
    // nothing new seen: nothing more to sign for the same period
    expect(s.planReceipt(100, provider)).toBeNull()
    s.observe(111, true)
    expect(s.planReceipt(100, provider)).toMatchObject({ from: 100, until: 111 })
    // a provider it has not seen serve gets nothing
    expect(s.planReceipt(100, other)).toBeNull()
  })

  it('a failover starts the ledger over: the taker is receipted only for what it served', () => {
    const s = LeaseSession.fresh(lease, 50, 1_000)
    s.servedBy(provider)
    for (let at = 100; at <= 110; at++) s.observe(at, true)
    s.servedBy(other)
    for (let at = 115; at <= 120; at++) s.observe(at, true)
    expect(s.planReceipt(110, other)).toBeNull()
    expect(s.planReceipt(115, other)).toMatchObject({ until: 120 })
  })

  it('a restart keeps the spend, the last receipt and the service seen; it signs neither twice nor across its own absence', () => {
    const s = LeaseSession.fresh(lease, 50, 1_000)
    s.spent = 1_000_000n
    s.servedBy(provider)
    for (let at = 100; at <= 110; at++) s.observe(at, true)
    s.answered(104, body('a'))
    expect(sign(s, 100)).toMatchObject({ from: 100, until: 110, requests: 1n })
    s.observe(111, true)
    s.observe(112, true)

    // stopped at 112, started again at 114: within the silence one process would tolerate
    const back = restart(s)
    expect(back.spent).toBe(1_000_000n)
    expect(back.lastReceipt).toMatchObject({ from: 100, until: 110, requests: 1n })
    expect(back.ledger.servedUntil()).toBe(112)
    for (let at = 114; at <= 130; at++) back.observe(at, true)
    back.answered(120, body('b'))
    // the chain still settled at 100: the receipt reaches the end of what the earlier run saw, no
    // further; it counts the answers relayed since the settlement up to its signing (both)
    expect(sign(back, 100)).toMatchObject({ from: 100, until: 112, requests: 2n })
    expect(back.planReceipt(100, provider)).toBeNull()
    // the node attested 112..114 on its own word (the gateway was away): from 114 it signs again
    expect(back.planReceipt(112, provider)).toBeNull()
    back.answered(131, body('c'))
    expect(sign(back, 114)).toMatchObject({ from: 114, until: 131, requests: 1n })
  })

  it('a move carries the spend into the new lease and records where the job went', () => {
    const s = LeaseSession.fresh(lease, 50, 1_000, 400n)
    const next = LeaseSession.fresh(other, 60, 1_000, s.spent)
    next.movedFrom = lease
    s.movedTo = other
    expect(restart(s).movedTo).toBe(other)
    expect(next.toState()).toMatchObject({ lease: other, spent: 400n, movedFrom: lease, movedTo: null })
  })
})

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { addAnswer, emptyTally, MAX_TALLIES, Tallies } from '../../src/gateway/tally.js'

const body = (text: string) => new Uint8Array(createHash('sha256').update(text).digest())

describe('Tallies: requests and response digest for the period a receipt covers', () => {
  it('chains the digest of every answer: sha256(previous ‖ sha256(body))', () => {
    const one = addAnswer(emptyTally(0), body('a'))
    const two = addAnswer(one, body('b'))
    expect(two.requests).toBe(2n)
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from(one.digest), Buffer.from(body('b'))]))
      .digest()
    expect(Buffer.from(two.digest)).toEqual(expected)
  })

  it('counts from the start until the chain settles on a receipt, then from that receipt', () => {
    const t = new Tallies()
    t.answered(body('1'))
    t.answered(body('2'))
    // the chain is at 100; the first receipt counts everything so far
    expect(t.forPeriod(100).requests).toBe(2n)
    t.signed(120)
    t.answered(body('3'))
    // not settled yet: the next receipt still starts at 100 and counts all three
    expect(t.forPeriod(100).requests).toBe(3n)
    t.signed(130)
    t.answered(body('4'))
    // the node attested with the receipt up to 120: the next counts what came after it
    expect(t.forPeriod(120)).toMatchObject({ since: 120, requests: 2n })
    // settled past every receipt's end (the node's own word): the newest tally before it
    expect(t.forPeriod(200)).toMatchObject({ since: 130, requests: 1n })
    expect(t.snapshot().map((x) => x.since)).toEqual([130])
  })

  it('survives a snapshot; keeps the oldest tally when there are too many', () => {
    const t = new Tallies()
    for (let i = 1; i <= MAX_TALLIES + 10; i++) t.signed(i)
    const snap = t.snapshot()
    expect(snap).toHaveLength(MAX_TALLIES)
    expect(snap[0]?.since).toBe(0)
    t.answered(body('x'))
    const back = new Tallies(t.snapshot())
    expect(back.forPeriod(0).requests).toBe(1n)
  })
})

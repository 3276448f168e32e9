import anchor from '@anchor-lang/core'
import { Keypair, PublicKey } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { CAMEL_IDL, findEvent, PROGRAM_ID, parseEvents, toChain } from '../src/index.js'

import recorded from './fixtures/logs.json' with { type: 'json' }

const coder = new anchor.BorshCoder(CAMEL_IDL)
const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'

/** A `Program data:` line as the program's `emit_event` writes it: discriminator + borsh, base64. */
async function dataLine(event: string, data: Record<string, unknown>): Promise<string> {
  const def = CAMEL_IDL.events?.find((e) => e.name === event)
  if (def === undefined) throw new Error(event)
  const body = await coder.types.encode(event, toChain({ defined: { name: event } }, data) as Record<string, unknown>)
  return `Program data: ${Buffer.concat([Buffer.from(def.discriminator), body]).toString('base64')}`
}

describe('parseEvents', () => {
  const lease = Keypair.generate().publicKey
  const provider = Keypair.generate().publicKey

  it('decodes this program’s events in order, ignoring other programs’ data and CPI frames', async () => {
    const attested = { lease, provider, from: 100, until: 160, seconds: 60n, payout: 58_500n, fee: 1_500n }
    const logs = [
      `Program ${PROGRAM_ID} invoke [1]`,
      'Program log: Instruction: AttestUsage',
      `Program ${TOKEN} invoke [2]`,
      'Program log: Instruction: TransferChecked',
      // Another program's data inside a CPI must not be read as ours.
      await dataLine('leaseToppedUp', { lease, amount: 1n, deposited: 1n }),
      `Program ${TOKEN} consumed 6200 of 1390000 compute units`,
      `Program ${TOKEN} success`,
      await dataLine('usageAttested', attested),
      `Program ${PROGRAM_ID} success`,
    ]
    expect(parseEvents(logs)).toEqual([{ name: 'UsageAttested', data: attested }])
  })

  it('decodes enums to strings and unions, byte arrays to Uint8Array, u64 to bigint beyond 2^53', async () => {
    const ended = {
      lease,
      provider,
      by: provider,
      outcome: 'refunded',
      seconds: 0n,
      payout: 0n,
      fee: 0n,
      refund: 2n ** 63n + 1n,
      slashed: 500_000n,
      at: 1_700_000_000,
    }
    const hash = new Uint8Array(32).fill(7)
    const logs = [
      `Program ${PROGRAM_ID} invoke [1]`,
      await dataLine('disputeOpened', { lease, provider, openedAt: 5, frozen: 9n, reasonHash: hash }),
      await dataLine('leaseEnded', ended),
      `Program ${PROGRAM_ID} success`,
    ]
    const events = parseEvents(logs)
    expect(events.map((e) => e.name)).toEqual(['DisputeOpened', 'LeaseEnded'])
    expect(findEvent(events, 'DisputeOpened')?.data.reasonHash).toEqual(hash)
    expect(findEvent(events, 'LeaseEnded')?.data).toEqual(ended)
    expect(findEvent(events, 'LeaseMigrated')).toBeUndefined()
  })

  it('returns nothing for logs without our program', () => {
    expect(parseEvents([`Program ${TOKEN} invoke [1]`, 'Program data: AAAA', `Program ${TOKEN} success`])).toEqual([])
  })
})

describe('parseEvents on logs recorded from localnet (test/fixtures/record-logs.ts)', () => {
  const [lease, provider, consumer, , , acceptedAt] = recorded.meta as [string, string, string, string, string, string]
  const at = Number(acceptedAt)
  const key = (k: string) => new PublicKey(k)

  it('decodes accept, attest, top-up and close as the program emitted them', () => {
    expect(parseEvents(recorded.acceptLease)).toEqual([
      { name: 'LeaseAccepted', data: { lease: key(lease), provider: key(provider), acceptedAt: at } },
    ])
    expect(parseEvents(recorded.attestUsage)).toEqual([
      {
        name: 'UsageAttested',
        data: {
          lease: key(lease),
          provider: key(provider),
          from: at,
          until: at + 10,
          seconds: 10n,
          payout: 9_750n,
          fee: 250n,
        },
      },
    ])
    expect(parseEvents(recorded.topUpLease)).toEqual([
      { name: 'LeaseToppedUp', data: { lease: key(lease), amount: 5_000n, deposited: 105_000n } },
    ])
    const [ended] = parseEvents(recorded.closeLease)
    expect(ended).toMatchObject({
      name: 'LeaseEnded',
      data: { lease: key(lease), provider: key(provider), by: key(consumer), outcome: 'completed', slashed: 0n },
    })
    if (ended?.name !== 'LeaseEnded') throw new Error('no LeaseEnded')
    // Everything deposited (100_000 + 5_000) is accounted for: attested, settled at close, refunded.
    expect(10_000n + ended.data.payout + ended.data.fee + ended.data.refund).toBe(105_000n)
  })

  it('has validator-shaped logs: each invoke [n] at depth n, closed once, so Anchor’s parser reads them', () => {
    for (const logs of Object.values(recorded).filter((l) => l.some((x) => x.startsWith('Program ')))) {
      const stack: string[] = []
      for (const line of logs) {
        const invoke = /^Program (\w+) invoke \[(\d+)\]$/.exec(line)
        const outcome = /^Program (\w+) (success|failed: .*)$/.exec(line)
        if (invoke) {
          expect(Number(invoke[2])).toBe(stack.length + 1)
          stack.push(invoke[1]!)
        } else if (outcome) {
          expect(stack.pop()).toBe(outcome[1])
        }
      }
      expect(stack).toEqual([])
    }
    const parser = new anchor.EventParser(PROGRAM_ID, coder)
    expect([...parser.parseLogs(recorded.closeLease)].map((e) => e.name)).toEqual(['leaseEnded'])
  })
})

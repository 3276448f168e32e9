import anchor from '@anchor-lang/core'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { CAMEL_IDL, findEvent, PROGRAM_ID, parseEvents, toChain } from '../src/index.js'

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

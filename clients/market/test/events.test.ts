import anchor from '@anchor-lang/core'
import { Keypair, PublicKey } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { CAMEL_IDL, findEvent, IDL, PROGRAM_ID, parseEvents, toChain } from '../src/index.js'

import recorded from './fixtures/logs.json' with { type: 'json' }
import { vestsAt } from './support/parties.js'

const coder = new anchor.BorshCoder(CAMEL_IDL)
const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'

/** A `Program data:` line as the program's `emit_event` writes it: discriminator + borsh, base64. */
async function dataLine(event: string, data: Record<string, unknown>): Promise<string> {
  const def = CAMEL_IDL.events?.find((e) => e.name === event)
  if (def === undefined) throw new Error(event)
  const body = await coder.types.encode(event, toChain({ defined: { name: event } }, data) as Record<string, unknown>)
  return `Program data: ${Buffer.concat([Buffer.from(def.discriminator), body]).toString('base64')}`
}

const framed = (...lines: string[]) => [`Program ${PROGRAM_ID} invoke [1]`, ...lines, `Program ${PROGRAM_ID} success`]

describe('parseEvents', () => {
  const lease = Keypair.generate().publicKey
  const provider = Keypair.generate().publicKey
  const key = () => Keypair.generate().publicKey

  it('decodes this program’s events in order, ignoring other programs’ data and CPI frames', async () => {
    const attested = {
      lease,
      provider,
      from: 100,
      until: 160,
      seconds: 60n,
      payout: 58_500n,
      fee: 1_500n,
      verified: false,
      vestsAt: 7_200,
    }
    const logs = framed(
      'Program log: Instruction: AttestUsage',
      `Program ${TOKEN} invoke [2]`,
      'Program log: Instruction: TransferChecked',
      // Another program's data inside a CPI must not be read as ours.
      await dataLine('leaseToppedUp', { lease, amount: 1n, deposited: 1n }),
      `Program ${TOKEN} consumed 6200 of 1390000 compute units`,
      `Program ${TOKEN} success`,
      await dataLine('usageAttested', attested),
    )
    expect(parseEvents(logs)).toEqual([{ name: 'UsageAttested', data: attested }])
  })

  it('decodes enums to strings and unions, options to null, byte arrays to Uint8Array, u64 to bigint beyond 2^53', async () => {
    const ended = {
      lease,
      provider,
      by: provider,
      outcome: 'refunded',
      seconds: 0n,
      payout: 0n,
      fee: 0n,
      refund: 2n ** 63n + 1n,
      clawedBack: 1_000n,
      slashed: 500_000n,
      slashToConsumer: 0n,
      bond: 100_000n,
      at: 1_700_000_000,
    }
    const hash = new Uint8Array(32).fill(7)
    const disputed = { lease, provider, openedAt: 5, endedAt: null, frozen: 9n, bond: 100_000n, evidenceHash: hash }
    const logs = framed(await dataLine('disputeOpened', disputed), await dataLine('leaseEnded', ended))
    const events = parseEvents(logs)
    expect(events.map((e) => e.name)).toEqual(['DisputeOpened', 'LeaseEnded'])
    expect(findEvent(events, 'DisputeOpened')?.data).toEqual(disputed)
    expect(findEvent(events, 'DisputeOpened')?.data.evidenceHash).toBeInstanceOf(Uint8Array)
    expect(findEvent(events, 'LeaseEnded')?.data).toEqual(ended)
    expect(findEvent(events, 'LeaseMigrated')).toBeUndefined()
    // An ended lease disputed within its window carries the end time.
    const late = { ...disputed, endedAt: 3 }
    expect(parseEvents(framed(await dataLine('disputeOpened', late)))).toEqual([{ name: 'DisputeOpened', data: late }])
  })

  it('decodes the v2 events: governance, operator rotation, earnings, evidence, lease terms, finalization', async () => {
    const market = key()
    const policy = { maxPricePerSecond: 1_500n, maxMigrations: 64, providersMayMigrate: false }
    const samples = [
      {
        name: 'MarketUpdateProposed',
        data: { market, arbiter: key(), treasury: key(), authority: key(), effectiveAt: 1_700_003_600 },
      },
      { name: 'MarketUpdateApplied', data: { market, arbiter: key(), treasury: key(), authority: key() } },
      { name: 'OperatorRotated', data: { provider, oldOperator: key(), newOperator: key() } },
      {
        name: 'ProviderRegistered',
        data: { market, provider, authority: key(), operator: key(), index: 65_535, pricePerSecond: 1_000n },
      },
      {
        name: 'ProviderUpdated',
        data: { provider, oldPricePerSecond: 1n, newPricePerSecond: 2n, oldPayout: key(), newPayout: key() },
      },
      { name: 'EarningsClaimed', data: { provider, to: key(), amount: 5_947n, unclaimed: 1n, held: 2n } },
      { name: 'EvidenceAdded', data: { lease, by: key(), evidenceHash: new Uint8Array(32).fill(2) } },
      {
        name: 'LeaseOpened',
        data: {
          lease,
          market,
          consumer: key(),
          provider,
          id: 2n ** 64n - 1n,
          jobSpecHash: new Uint8Array(32).fill(4),
          pricePerSecond: 1_000n,
          policy,
          receiptSigner: key(),
          deposit: 600_000n,
        },
      },
      {
        name: 'LeaseMigrated',
        data: {
          lease,
          fromProvider: provider,
          toProvider: key(),
          handoffAt: 10,
          seconds: 2n,
          payout: 1_950n,
          fee: 50n,
          oldPricePerSecond: 1_000n,
          newPricePerSecond: 1_100n,
          migrationCount: 1,
        },
      },
      { name: 'LeaseFinalized', data: { lease, provider, outcome: 'exhausted', refund: 3n, at: 1_700_007_201 } },
      {
        name: 'FeesWithdrawn',
        data: { market, vault: key(), to: key(), amount: 50n },
      },
    ] as const
    const lines = await Promise.all(
      samples.map((s) => dataLine(s.name[0]?.toLowerCase() + s.name.slice(1), s.data as Record<string, unknown>)),
    )
    expect(parseEvents(framed(...lines))).toEqual(samples)
  })

  it('knows every event of the IDL', () => {
    expect(IDL.events.map((e) => e.name).sort()).toEqual(
      [
        'DisputeOpened',
        'EarningsClaimed',
        'EvidenceAdded',
        'ExitBegun',
        'FeesWithdrawn',
        'LeaseAccepted',
        'LeaseEnded',
        'LeaseFinalized',
        'LeaseMigrated',
        'LeaseOpened',
        'LeaseToppedUp',
        'MarketCreated',
        'MarketUpdateApplied',
        'MarketUpdateProposed',
        'OperatorRotated',
        'ProviderPaused',
        'ProviderRegistered',
        'ProviderResumed',
        'ProviderUpdated',
        'StakeDeposited',
        'StakeWithdrawn',
        'UsageAttested',
      ].sort(),
    )
  })

  it('returns nothing for logs without our program', () => {
    expect(parseEvents([`Program ${TOKEN} invoke [1]`, 'Program data: AAAA', `Program ${TOKEN} success`])).toEqual([])
  })
})

describe('parseEvents on logs recorded from localnet (test/fixtures/record-logs.ts)', () => {
  const [lease, provider, consumer, , , acceptedAt] = recorded.meta as [string, string, string, string, string, string]
  const at = Number(acceptedAt)
  const key = (k: string) => new PublicKey(k)
  const ids = { lease: key(lease), provider: key(provider) }

  it('decodes accept, a held attestation, a top-up and a receipt-backed attestation as the program emitted them', () => {
    expect(parseEvents(recorded.acceptLease)).toEqual([{ name: 'LeaseAccepted', data: { ...ids, acceptedAt: at } }])
    const [held] = parseEvents(recorded.attestUsage)
    expect(held).toEqual({
      name: 'UsageAttested',
      data: {
        ...ids,
        from: at,
        until: at + 10,
        seconds: 10n,
        payout: 9_750n,
        fee: 250n,
        verified: false,
        vestsAt: expect.any(Number),
      },
    })
    // Held pay vests at the end of the dispute-window bucket after next (1 h window).
    if (held?.name !== 'UsageAttested') throw new Error('no UsageAttested')
    expect(held.data.vestsAt % 3_600).toBe(0)
    expect(held.data.vestsAt).toBe(vestsAt(at + 10))
    expect(parseEvents(recorded.topUpLease)).toEqual([
      { name: 'LeaseToppedUp', data: { lease: ids.lease, amount: 5_000n, deposited: 1_005_000n } },
    ])
    expect(parseEvents(recorded.attestReceipt)).toEqual([
      {
        name: 'UsageAttested',
        data: {
          ...ids,
          from: at + 10,
          until: at + 20,
          seconds: 10n,
          payout: 9_750n,
          fee: 250n,
          verified: true,
          vestsAt: 0,
        },
      },
    ])
  })

  it('decodes the close and the finalization after the dispute window', () => {
    const [ended] = parseEvents(recorded.closeLease)
    expect(ended).toMatchObject({
      name: 'LeaseEnded',
      data: { ...ids, by: key(consumer), outcome: 'completed', slashed: 0n, clawedBack: 0n, bond: 0n },
    })
    if (ended?.name !== 'LeaseEnded') throw new Error('no LeaseEnded')
    // Everything deposited (1_000_000 + 5_000) is accounted for: attested twice, settled at close, refunded.
    expect(20_000n + ended.data.payout + ended.data.fee + ended.data.refund).toBe(1_005_000n)
    const [finalized] = parseEvents(recorded.finalizeLease)
    expect(finalized).toEqual({
      name: 'LeaseFinalized',
      data: { ...ids, outcome: 'completed', refund: 0n, at: expect.any(Number) },
    })
    if (finalized?.name !== 'LeaseFinalized') throw new Error('no LeaseFinalized')
    expect(finalized.data.at).toBeGreaterThan(ended.data.at + 3_600)
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
    expect([...parser.parseLogs(recorded.finalizeLease)].map((e) => e.name)).toEqual(['leaseFinalized'])
  })
})

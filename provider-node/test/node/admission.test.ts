import { Keypair } from '@solana/web3.js'
import { jobSpecHash } from '@synkti/jobs'
import type { Lease } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { type AdmissionContext, admitJob } from '../../src/node/admission.js'
import { leaseFixture } from '../support/lease.js'
import { capability, standinSpec } from '../support/nodes.js'

const key = () => Keypair.generate().publicKey
const me = key()
const giver = key()
const spec = standinSpec()

/** Open (not yet accepted), opened and settled at 900, for this spec and provider. */
function lease(edit: Partial<Lease> = {}): Lease {
  return leaseFixture({
    provider: me,
    jobSpecHash: jobSpecHash(spec),
    acceptedAt: 0,
    providerSince: 900,
    settledUntil: 900,
    lastActivityAt: 900,
    status: { kind: 'open' },
    ...edit,
  })
}

const ctx: AdmissionContext = {
  provider: me.toBase58(),
  capability: capability(),
  admitting: true,
  allowCommands: [process.execPath],
  usedVramGb: 0,
  pricePerSecond: 1_500n,
  gapSecs: 600,
}

describe('admitJob: only paid work', () => {
  it('admits a lease whose escrow covers one attestation gap at its price', () => {
    // 600 s × 1_000 = 600_000 needed, 1_000_000 held
    expect(admitJob({ lease: 'l', spec }, lease(), ctx).accept).toBe(true)
  })

  it('refuses a lease whose escrow is below one gap, naming what is held and needed', () => {
    const short = lease({ paidToProviders: 390_000n, feesPaid: 10_001n })
    expect(() => admitJob({ lease: 'l', spec }, short, ctx)).toThrow(
      expect.objectContaining({ name: 'LeaseUnfundedError', available: 599_999n, needed: 600_000n }),
    )
  })

  it('a hand-off is judged at the taker’s own price, which the lease pays from then on', () => {
    // 600 s × 1_500 = 900_000 needed at the taker's price; the lease holds 800_000
    const handed = lease({ provider: giver, status: { kind: 'active' }, paidToProviders: 200_000n })
    expect(() => admitJob({ lease: 'l', spec }, handed, ctx, giver.toBase58())).toThrow(
      expect.objectContaining({ name: 'LeaseUnfundedError', needed: 900_000n }),
    )
    expect(admitJob({ lease: 'l', spec }, handed, { ...ctx, pricePerSecond: 1_000n }, giver.toBase58()).accept).toBe(
      false,
    )
  })

  it('never serves a disputed or ended lease', () => {
    for (const status of [
      { kind: 'disputed', openedAt: 1_000, endedAt: null },
      { kind: 'ended', outcome: 'completed', at: 1_000 },
    ] as const) {
      expect(() => admitJob({ lease: 'l', spec }, lease({ status }), ctx)).toThrow(
        expect.objectContaining({ name: 'LeaseNotServableError', status: status.kind }),
      )
    }
  })
})

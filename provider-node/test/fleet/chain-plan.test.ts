import { Keypair, type PublicKey } from '@solana/web3.js'
import { type Capabilities, type Market, type Provider, providerAddress } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { type ChainView, type FleetChainState, indexView, planChain } from '../../src/fleet/index.js'

/** planChain and indexView without a chain: the rules that decide what `up` registers, reuses, funds and stakes. */

const market = Keypair.generate().publicKey
const authority = Keypair.generate().publicKey
const caps: Capabilities = {
  gpuModel: 'A10G',
  gpuCount: 1,
  vramGb: 24,
  cloud: 'aws',
  region: 'eu-central-1',
  zone: 'eu-central-1',
  spot: true,
}
const init = { market, capabilities: caps, pricePerSecond: 7n }
const MIN = 1_000_000n
const FUNDING = 50_000_000

function provider(index: number, operator: PublicKey, over: Partial<Provider> = {}): Provider {
  return {
    address: providerAddress(market, authority, index),
    market,
    authority,
    index,
    operator,
    capabilities: caps,
    pricePerSecond: 7n,
    staked: MIN,
    status: { kind: 'active' },
    openLeases: 0,
    ...over,
  } as Provider
}

function view(
  state: { providers?: Provider[]; keys?: [number, Keypair][]; keyElsewhere?: number[] },
  over: Partial<ChainView> = {},
): ChainView {
  const s: FleetChainState = {
    market: { minStake: MIN } as Market,
    authority,
    keyDir: '/k',
    providers: new Map((state.providers ?? []).map((p) => [p.index, p])),
    keys: new Map(state.keys ?? []),
    keyElsewhere: new Set(state.keyElsewhere ?? []),
  }
  const funded = new Map<number, number>()
  for (const p of s.providers.values()) funded.set(p.index, FUNDING)
  for (const [i] of s.keys) funded.set(i, FUNDING)
  return {
    ...s,
    ...indexView(s),
    stake: MIN,
    stakeAccount: Keypair.generate().publicKey,
    stakeBalance: 100n * MIN,
    payoutAccount: Keypair.generate().publicKey,
    payoutExists: true,
    authorityLamports: 10_000_000_000,
    operatorLamports: funded,
    operatorFunding: FUNDING,
    rent: { provider: 5_000_000, tokenAccount: 2_000_000 },
    ...over,
  }
}

const kinds = (actions: readonly { kind: string; index?: number }[]) =>
  actions.map((a) => `${a.kind}${'index' in a ? ` ${a.index}` : ''}`)

describe('indexView', () => {
  const mine = Keypair.generate()
  const other = Keypair.generate()
  const v = view({
    providers: [
      provider(0, other.publicKey), // the deployer's own, or another cluster's
      provider(1, mine.publicKey), // this cluster's, idle
      provider(2, mine.publicKey, { status: { kind: 'exiting', unlockAt: 1 } }),
      provider(3, Keypair.generate().publicKey), // a kept machine's, its key on another workstation
    ],
    keys: [
      [0, Keypair.generate()],
      [1, mine],
      [2, mine],
      [5, Keypair.generate()],
      [6, Keypair.generate()],
    ],
    keyElsewhere: [6],
  })

  it('a new machine may take an index with no account, or this cluster’s own account that is not exiting', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => v.available(i))).toEqual([false, true, false, false, true, true, false])
  })

  it('a machine cannot serve an account that is exiting, holds another key, or cannot be registered', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => v.machineProblem(i) ?? 'ok')).toEqual([
      'provider-taken',
      'ok',
      'provider-exiting',
      'ok',
      'no-operator-key',
      'ok',
      'provider-taken',
    ])
  })
})

describe('planChain', () => {
  it('registers, funds and stakes what is new; reuses, resumes and tops up what exists; keeps kept machines as they are', () => {
    const idle = Keypair.generate()
    const running = Keypair.generate()
    const v = view(
      {
        providers: [
          provider(0, running.publicKey, { status: { kind: 'paused' }, staked: MIN / 2n }),
          provider(1, idle.publicKey, { status: { kind: 'paused' } }),
        ],
        keys: [
          [0, running],
          [1, idle],
        ],
      },
      { payoutExists: false },
    )
    const plan = planChain(init, v, [0], [1, 2])
    expect(kinds(plan.actions)).toEqual([
      'create-payout-account',
      'deposit 0', // the kept machine's account below the stake; its pause is left alone
      'resume 1',
      'register 2',
      'fund-operator 2',
      'deposit 2',
    ])
    expect(plan.workers.map((w) => [w.index, w.account, w.operator])).toEqual([
      [0, 'keep', running.publicKey.toBase58()],
      [1, 'reuse', idle.publicKey.toBase58()],
      [2, 'register', null],
    ])
    expect(plan.deposit).toBe(MIN / 2n + MIN)
  })

  it('brings settings to the target: an account registered with another GPU or price is updated', () => {
    const key = Keypair.generate()
    const v = view({
      providers: [provider(0, key.publicKey, { pricePerSecond: 9n, capabilities: { ...caps, gpuModel: 'L4' } })],
      keys: [[0, key]],
    })
    expect(planChain(init, v, [], [0]).actions).toEqual([
      { kind: 'update', index: 0, provider: expect.any(String), capabilities: true, pricePerSecond: true },
    ])
  })

  it('tops up an operator key that fell below half its funding, not one that spent a few fees', () => {
    const a = Keypair.generate()
    const b = Keypair.generate()
    const v = view({
      providers: [provider(0, a.publicKey), provider(1, b.publicKey)],
      keys: [
        [0, a],
        [1, b],
      ],
    })
    v.operatorLamports.set(0, FUNDING - 10_000)
    v.operatorLamports.set(1, FUNDING / 2 - 1)
    expect(planChain(init, v, [0, 1], []).actions).toEqual([
      { kind: 'fund-operator', index: 1, operator: b.publicKey.toBase58(), lamports: FUNDING / 2 + 1 },
    ])
  })

  it('the exact stake the plan deposits must be in the wallet, and the SOL it costs in the authority', () => {
    expect(() => planChain(init, view({}, { stakeBalance: 2n * MIN - 1n }), [], [0, 1])).toThrow(
      expect.objectContaining({ name: 'InsufficientStakeTokensError', needed: 2n * MIN, available: 2n * MIN - 1n }),
    )
    expect(() => planChain(init, view({}, { authorityLamports: FUNDING }), [], [0])).toThrow(
      expect.objectContaining({ name: 'InsufficientSolError', available: FUNDING }),
    )
    // nothing to do costs nothing
    const key = Keypair.generate()
    const done = view({ providers: [provider(0, key.publicKey)], keys: [[0, key]] }, { authorityLamports: 0 })
    expect(planChain(init, done, [0], [])).toMatchObject({ actions: [], deposit: 0n, lamports: 0 })
  })
})

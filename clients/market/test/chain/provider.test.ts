// Level 2 (localnet): provider registration (operator co-signs, fleets), settings, operator
// rotation, pause, stake and exit, earnings, and provider search.
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import {
  earningsVaultAddress,
  findEvent,
  operatorIndexAddress,
  providerAddress,
  stakeVaultAddress,
} from '../../src/index.js'
import { client, itWarps, parties, warp } from '../support/chain.js'
import { charge, gpu, NO_TRANCHE, zeroReputation } from '../support/parties.js'

describe('register_provider and update_provider', () => {
  it('registers with the operator’s signature, capabilities and price, then updates price and payout', async () => {
    const m = await parties.market()
    const authority = await parties.funded()
    const operator = Keypair.generate()
    const payout = await parties.tokenAccount(m, authority.publicKey, m.mint, 0n)
    const caps = gpu('A100-SXM4-80GB', 'us-east-1')
    const { events, provider: key } = await client.registerProvider({
      authority,
      operator,
      market: m.key,
      capabilities: caps,
      pricePerSecond: 900n,
    })
    expect(key).toEqual(providerAddress(m.key, authority.publicKey, 0))
    expect(findEvent(events, 'ProviderRegistered')?.data).toEqual({
      market: m.key,
      provider: key,
      authority: authority.publicKey,
      operator: operator.publicKey,
      index: 0,
      pricePerSecond: 900n,
    })
    const p = await client.fetchProvider(key)
    expect(p).toMatchObject({
      market: m.key,
      authority: authority.publicKey,
      index: 0,
      operator: operator.publicKey,
      payout,
      stakeVault: stakeVaultAddress(key),
      earningsVault: earningsVaultAddress(key),
      capabilities: caps,
      pricePerSecond: 900n,
      staked: 0n,
      status: { kind: 'active' },
      openLeases: 0,
      leaseRecords: 0,
      held: [NO_TRANCHE, NO_TRANCHE],
      unclaimed: 0n,
    })
    expect(p.reputation).toEqual(zeroReputation())
    expect(await client.connection.getAccountInfo(operatorIndexAddress(m.key, operator.publicKey))).not.toBeNull()
    expect((await client.fetchMarket(m.key)).providerCount).toBe(1n)

    const newPayout = await parties.tokenAccount(m, Keypair.generate().publicKey, m.mint, 0n)
    const updated = await client.updateProvider({ authority, provider: key, pricePerSecond: 950n, payout: newPayout })
    expect(findEvent(updated.events, 'ProviderUpdated')?.data).toEqual({
      provider: key,
      oldPricePerSecond: 900n,
      newPricePerSecond: 950n,
      oldPayout: payout,
      newPayout,
    })
    expect(await client.fetchProvider(key)).toMatchObject({
      payout: newPayout,
      pricePerSecond: 950n,
      capabilities: caps,
    })
  })

  it('lets one authority register a fleet (index 0 and 1), each with its own operator key', async () => {
    const m = await parties.market()
    const authority = await parties.funded()
    const a = await parties.provider(m, 10n, 1_000_000n, { authority, index: 0 })
    const b = await parties.provider(m, 12n, 1_000_000n, { authority, index: 1 })
    expect(a.key).toEqual(providerAddress(m.key, authority.publicKey, 0))
    expect(b.key).toEqual(providerAddress(m.key, authority.publicKey, 1))
    expect(a.key).not.toEqual(b.key)
    const [pa, pb] = await Promise.all([client.fetchProvider(a.key), client.fetchProvider(b.key)])
    expect([pa.authority, pa.index, pb.authority, pb.index]).toEqual([authority.publicKey, 0, authority.publicKey, 1])
    expect(pa.operator).not.toEqual(pb.operator)
    expect((await client.fetchMarket(m.key)).providerCount).toBe(2n)
    // Both serve leases independently.
    const c = await parties.consumer(m, 1_000_000n)
    const [la, lb] = [await parties.activeLease(c, a, 100_000n), await parties.activeLease(c, b, 100_000n)]
    expect((await client.fetchLease(la.lease)).provider).toEqual(a.key)
    expect((await client.fetchLease(lb.lease)).provider).toEqual(b.key)
    // A third machine cannot reuse a fleet member's operator key, nor an index taken.
    await expect(
      client.registerProvider({
        authority,
        operator: a.operator,
        market: m.key,
        index: 2,
        capabilities: gpu(),
        pricePerSecond: 1n,
      }),
    ).rejects.toMatchObject({ name: 'OperatorTakenError' })
    await expect(
      client.registerProvider({
        authority,
        operator: Keypair.generate(),
        market: m.key,
        index: 1,
        capabilities: gpu(),
        pricePerSecond: 1n,
      }),
    ).rejects.toMatchObject({ name: 'AccountAlreadyExistsError' })
  })

  it('names every refusal of registration and update', async () => {
    const m = await parties.market()
    const authority = await parties.funded()
    const operator = Keypair.generate()
    await parties.tokenAccount(m, authority.publicKey, m.mint, 0n)
    const register = (over: Partial<Parameters<typeof client.registerProvider>[0]>) =>
      client.registerProvider({ authority, market: m.key, operator, capabilities: gpu(), pricePerSecond: 1n, ...over })
    await expect(register({ capabilities: { ...gpu(), gpuModel: '' } })).rejects.toMatchObject({
      name: 'InvalidLabelError',
    })
    await expect(register({ capabilities: { ...gpu(), region: 'r'.repeat(33) } })).rejects.toMatchObject({
      name: 'InvalidLabelError',
    })
    await expect(register({ capabilities: { ...gpu(), vramGb: 0 } })).rejects.toMatchObject({
      name: 'InvalidCapabilitiesError',
    })
    await expect(register({ pricePerSecond: 0n })).rejects.toMatchObject({ name: 'ZeroPriceError' })
    const stakeAccount = await parties.tokenAccount(m, authority.publicKey, m.stakeMint, 0n)
    await expect(register({ payout: stakeAccount })).rejects.toMatchObject({ name: 'WrongMintError' })
    await expect(register({ payout: m.feeVault })).rejects.toMatchObject({ name: 'PayoutIsProgramVaultError' })

    const p = await parties.provider(m, 1_000n, 0n)
    // Identity squatting: another provider's operator key is taken in this market.
    await expect(register({ operator: p.operator })).rejects.toMatchObject({
      name: 'OperatorTakenError',
      remedy: expect.stringContaining('keygen'),
    })
    await expect(client.updateProvider({ authority, provider: p.key, pricePerSecond: 5n })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    await expect(
      client.updateProvider({ authority: p.operator, provider: p.key, pricePerSecond: 5n }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })
    await expect(
      client.updateProvider({ authority: p.authority, provider: p.key, pricePerSecond: 0n }),
    ).rejects.toMatchObject({ name: 'ZeroPriceError' })
    await expect(
      client.updateProvider({ authority: p.authority, provider: p.key, payout: p.earningsVault }),
    ).rejects.toMatchObject({ name: 'PayoutIsProgramVaultError' })
  })
})

describe('rotate_operator', () => {
  it('moves the provider to a new operator key signed by both, and frees the old key', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const next = await parties.funded(1)
    const { events } = await client.rotateOperator({ authority: p.authority, provider: p.key, newOperator: next })
    expect(events).toEqual([
      {
        name: 'OperatorRotated',
        data: { provider: p.key, oldOperator: p.operator.publicKey, newOperator: next.publicKey },
      },
    ])
    expect((await client.fetchProvider(p.key)).operator).toEqual(next.publicKey)
    expect(await client.connection.getAccountInfo(operatorIndexAddress(m.key, p.operator.publicKey))).toBeNull()
    expect(await client.connection.getAccountInfo(operatorIndexAddress(m.key, next.publicKey))).not.toBeNull()
    // The old key no longer accepts; the new one does.
    const c = await parties.consumer(m, 1_000_000n)
    const { lease } = await parties.openLease(c, p, 600_000n)
    await expect(client.acceptLease({ operator: p.operator, lease })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    await client.acceptLease({ operator: next, lease })
    // The freed key can serve another provider of the market.
    const authority = await parties.funded()
    await parties.tokenAccount(m, authority.publicKey, m.mint, 0n)
    await client.registerProvider({
      authority,
      operator: p.operator,
      market: m.key,
      capabilities: gpu('L4'),
      pricePerSecond: 1n,
    })
  })

  it('refuses a key that already serves a provider (OperatorTaken) and a rotation by the operator itself', async () => {
    const m = await parties.market()
    const [p, q] = await Promise.all([parties.provider(m, 10n, 0n), parties.provider(m, 10n, 0n)])
    await expect(
      client.rotateOperator({ authority: p.authority, provider: p.key, newOperator: q.operator }),
    ).rejects.toMatchObject({ name: 'OperatorTakenError' })
    await expect(
      client.rotateOperator({ authority: p.operator, provider: p.key, newOperator: Keypair.generate() }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })
    expect((await client.fetchProvider(p.key)).operator).toEqual(p.operator.publicKey)
  })
})

describe('pause_provider and resume_provider', () => {
  it('lets the authority or the operator pause and resume, and names the wrong states', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 0n)
    const paused = await client.pauseProvider({ signer: p.operator, provider: p.key })
    expect(paused.events).toEqual([{ name: 'ProviderPaused', data: { provider: p.key, by: p.operator.publicKey } }])
    expect((await client.fetchProvider(p.key)).status).toEqual({ kind: 'paused' })
    await expect(client.pauseProvider({ signer: p.authority, provider: p.key })).rejects.toMatchObject({
      name: 'AlreadyPausedError',
    })
    const resumed = await client.resumeProvider({ signer: p.authority, provider: p.key })
    expect(resumed.events).toEqual([{ name: 'ProviderResumed', data: { provider: p.key, by: p.authority.publicKey } }])
    await expect(client.resumeProvider({ signer: p.operator, provider: p.key })).rejects.toMatchObject({
      name: 'NotPausedError',
    })
    const stranger = await parties.funded(1)
    await expect(client.pauseProvider({ signer: stranger, provider: p.key })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
  })
})

describe('deposit_stake, begin_exit, withdraw_stake', () => {
  it('moves stake in to the base unit and names deposit refusals', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 0n)
    const { events } = await client.depositStake({ authority: p.authority, provider: p.key, amount: 1_234_567n })
    expect(events).toEqual([
      { name: 'StakeDeposited', data: { provider: p.key, amount: 1_234_567n, staked: 1_234_567n } },
    ])
    expect(await parties.balance(p.stakeVault)).toBe(1_234_567n)
    expect(await parties.balance(p.stakeWallet)).toBe(1_000_000_000n - 1_234_567n)
    expect((await client.fetchProvider(p.key)).staked).toBe(1_234_567n)
    await expect(client.depositStake({ authority: p.authority, provider: p.key, amount: 0n })).rejects.toMatchObject({
      name: 'ZeroAmountError',
    })
    await expect(
      client.depositStake({ authority: p.authority, provider: p.key, amount: 1n, from: p.payout }),
    ).rejects.toMatchObject({ name: 'WrongMintError' })
    const stranger = await parties.funded(1)
    await expect(
      client.depositStake({ authority: stranger, provider: p.key, amount: 1n, from: p.stakeWallet }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })
  })

  itWarps('unlocks stake only after the cooldown, with no open lease, no lease record and nothing held', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 2_000_000n)
    const withdraw = (amount: bigint) => client.withdrawStake({ authority: p.authority, provider: p.key, amount })
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'NotExitingError' })
    const c = await parties.consumer(m, 10_000_000n)
    const { lease } = await parties.activeLease(c, p, 1_000_000n)

    const { events } = await client.beginExit({ authority: p.authority, provider: p.key })
    const exit = findEvent(events, 'ExitBegun')
    expect(exit?.data.provider).toEqual(p.key)
    const status = (await client.fetchProvider(p.key)).status
    expect(status).toEqual({ kind: 'exiting', unlockAt: exit?.data.unlockAt })
    await expect(client.beginExit({ authority: p.authority, provider: p.key })).rejects.toMatchObject({
      name: 'AlreadyExitingError',
    })
    await expect(client.pauseProvider({ signer: p.operator, provider: p.key })).rejects.toMatchObject({
      name: 'AlreadyExitingError',
    })
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'OpenLeasesRemainError' })
    await warp(m.params.exitCooldownSecs + 1)
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'OpenLeasesRemainError' })
    // Closing the lease leaves its record (disputable for a window) and held pay: still exposed.
    await client.closeLease({ signer: p.operator, lease })
    expect(await client.fetchProvider(p.key)).toMatchObject({ openLeases: 0, leaseRecords: 1 })
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'ExposureRemainsError' })
    await warp(2 * m.params.disputeWindowSecs + 1)
    await client.finalizeLease({ caller: c.kp, lease })
    // The record is gone, but the held pay is still in the earnings vault until it is claimed.
    expect(await client.fetchProvider(p.key)).toMatchObject({ leaseRecords: 0 })
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'ExposureRemainsError' })
    await client.claimEarnings({ authority: p.authority, provider: p.key })
    // Nothing exposed any more, and the exit's unlock time has passed; but the cooldown runs
    // again from the end of the last exposure (the finalization).
    const provider = await client.fetchProvider(p.key)
    expect(provider).toMatchObject({ openLeases: 0, leaseRecords: 0, held: [NO_TRANCHE, NO_TRANCHE] })
    expect(provider.exposureEndedAt).toBeGreaterThan(exit?.data.unlockAt ?? 0)
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'CooldownNotElapsedError' })
    await warp(m.params.exitCooldownSecs + 1)
    await expect(withdraw(2_000_001n)).rejects.toMatchObject({ name: 'WithdrawExceedsStakeError' })
    await expect(withdraw(0n)).rejects.toMatchObject({ name: 'ZeroAmountError' })
    const done = await withdraw(2_000_000n)
    expect(done.events).toEqual([{ name: 'StakeWithdrawn', data: { provider: p.key, amount: 2_000_000n, staked: 0n } }])
    expect(await parties.balance(p.stakeWallet)).toBe(1_000_000_000n)
    expect(await parties.balance(p.stakeVault)).toBe(0n)
  })
})

describe('claim_earnings', () => {
  itWarps(
    'vests held pay after the dispute window and pays it to any account of the mint, fee to the market',
    async () => {
      const { m, p, c } = await parties.trio()
      const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
      await warp(10)
      const attested = await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 10 })
      const held = findEvent(attested.events, 'UsageAttested')?.data
      if (held === undefined) throw new Error('no UsageAttested')
      const { payout, fee, gross } = charge(10n, 1_000n)
      expect(held).toMatchObject({ verified: false, payout, fee })
      expect(await client.fetchProvider(p.key)).toMatchObject({
        held: [{ vestsAt: held.vestsAt, payout, fee }, NO_TRANCHE],
        unclaimed: 0n,
      })
      // Nothing has vested: nothing to claim.
      await expect(client.claimEarnings({ authority: p.authority, provider: p.key, amount: 1n })).rejects.toMatchObject(
        {
          name: 'InsufficientUnclaimedError',
          remedy: expect.stringContaining('unclaimed'),
        },
      )
      const now = await warp(0)
      await warp(held.vestsAt - now)
      const cold = await parties.tokenAccount(m, Keypair.generate().publicKey, m.mint, 0n)
      await expect(
        client.claimEarnings({ authority: p.operator, provider: p.key, destination: cold }),
      ).rejects.toMatchObject({ name: 'UnauthorizedError' })
      await expect(
        client.claimEarnings({ authority: p.authority, provider: p.key, destination: p.stakeWallet }),
      ).rejects.toMatchObject({ name: 'WrongMintError' })
      const part = await client.claimEarnings({
        authority: p.authority,
        provider: p.key,
        amount: 4_000n,
        destination: cold,
      })
      expect(part.events).toEqual([
        {
          name: 'EarningsClaimed',
          data: { provider: p.key, to: cold, amount: 4_000n, unclaimed: payout - 4_000n, held: 0n },
        },
      ])
      expect(await parties.balance(cold)).toBe(4_000n)
      expect(await parties.balance(m.feeVault)).toBe(fee)
      await expect(
        client.claimEarnings({ authority: p.authority, provider: p.key, amount: payout - 4_000n + 1n }),
      ).rejects.toMatchObject({ name: 'InsufficientUnclaimedError' })
      const rest = await client.claimEarnings({ authority: p.authority, provider: p.key })
      expect(findEvent(rest.events, 'EarningsClaimed')?.data).toEqual({
        provider: p.key,
        to: p.payout,
        amount: payout - 4_000n,
        unclaimed: 0n,
        held: 0n,
      })
      expect(await parties.balance(p.payout)).toBe(payout - 4_000n)
      expect(await parties.balance(p.earningsVault)).toBe(0n)
      expect(await client.fetchProvider(p.key)).toMatchObject({ unclaimed: 0n, held: [NO_TRANCHE, NO_TRANCHE] })
      expect(4_000n + (payout - 4_000n) + fee).toBe(gross)
    },
  )
})

describe('findProviders', () => {
  it('filters by market and GPU model on chain, and region, VRAM, status and price after decoding', async () => {
    const m = await parties.market()
    const other = await parties.market()
    const [cheap, dear, a100, paused, tokyo] = await Promise.all([
      parties.provider(m, 1_000n, 1_000_000n),
      parties.provider(m, 2_000n, 1_000_000n),
      parties.provider(m, 500n, 1_000_000n, { caps: gpu('A100', 'eu-central-1') }),
      parties.provider(m, 700n, 1_000_000n),
      parties.provider(m, 800n, 1_000_000n, { caps: { ...gpu('H100', 'ap-northeast-1'), vramGb: 94 } }),
    ])
    await parties.provider(other, 1n, 1_000_000n)
    await client.pauseProvider({ signer: paused.operator, provider: paused.key })
    const keys = (ps: { address: { toBase58(): string } }[]) => ps.map((p) => p.address.toBase58())

    expect(keys(await client.findProviders({ market: m.key, gpuModel: 'H100' }))).toEqual(
      keys([tokyo, cheap, dear].map((p) => ({ address: p.key }))),
    )
    expect(keys(await client.findProviders({ market: m.key }))).toHaveLength(4)
    expect(keys(await client.findProviders({ market: m.key, status: 'any' }))).toHaveLength(5)
    expect(keys(await client.findProviders({ market: m.key, status: 'paused' }))).toEqual([paused.key.toBase58()])
    expect(keys(await client.findProviders({ market: m.key, region: 'ap-northeast-1' }))).toEqual([
      tokyo.key.toBase58(),
    ])
    expect(keys(await client.findProviders({ market: m.key, minVramGb: 90 }))).toEqual([tokyo.key.toBase58()])
    expect(keys(await client.findProviders({ market: m.key, gpuModel: 'H100', maxPricePerSecond: 1_000n }))).toEqual([
      tokyo.key.toBase58(),
      cheap.key.toBase58(),
    ])
    expect(keys(await client.findProviders({ market: m.key, gpuModel: 'A100' }))).toEqual([a100.key.toBase58()])
    expect(await client.findProviders({ market: m.key, gpuModel: 'H10' })).toEqual([])
  })
})

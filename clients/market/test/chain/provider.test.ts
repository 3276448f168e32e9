// Level 2 (localnet): provider registration, settings, pause, stake and exit, and provider search.
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { findEvent, providerAddress, stakeVaultAddress } from '../../src/index.js'
import { client, itWarps, parties, warp } from '../support/chain.js'
import { gpu, zeroReputation } from '../support/parties.js'

describe('register_provider and update_provider', () => {
  it('registers with capabilities and price, then updates them', async () => {
    const m = await parties.market()
    const authority = await parties.funded()
    const operator = Keypair.generate().publicKey
    const payout = await parties.tokenAccount(m, authority.publicKey, m.mint, 0n)
    const caps = gpu('A100-SXM4-80GB', 'us-east-1')
    const { events } = await client.registerProvider({
      authority,
      market: m.key,
      operator,
      capabilities: caps,
      pricePerSecond: 900n,
    })
    const key = providerAddress(m.key, authority.publicKey)
    expect(findEvent(events, 'ProviderRegistered')?.data).toEqual({
      market: m.key,
      provider: key,
      authority: authority.publicKey,
      operator,
      pricePerSecond: 900n,
    })
    const p = await client.fetchProvider(key)
    expect(p).toMatchObject({
      market: m.key,
      authority: authority.publicKey,
      operator,
      payout,
      stakeVault: stakeVaultAddress(key),
      capabilities: caps,
      pricePerSecond: 900n,
      staked: 0n,
      status: { kind: 'active' },
      openLeases: 0,
    })
    expect(p.reputation).toEqual(zeroReputation())
    expect((await client.fetchMarket(m.key)).providerCount).toBe(1n)

    const newOperator = Keypair.generate().publicKey
    const updated = await client.updateProvider({
      authority,
      provider: key,
      operator: newOperator,
      pricePerSecond: 950n,
    })
    expect(findEvent(updated.events, 'ProviderUpdated')?.data).toEqual({
      provider: key,
      oldOperator: operator,
      newOperator,
      oldPricePerSecond: 900n,
      newPricePerSecond: 950n,
    })
    const after = await client.fetchProvider(key)
    expect(after).toMatchObject({ operator: newOperator, pricePerSecond: 950n, capabilities: caps })
  })

  it('names every refusal of registration and update', async () => {
    const m = await parties.market()
    const authority = await parties.funded()
    const operator = Keypair.generate().publicKey
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

    const p = await parties.provider(m, 1_000n, 0n)
    await expect(client.updateProvider({ authority, provider: p.key, pricePerSecond: 5n })).rejects.toMatchObject({
      name: 'UnauthorizedError',
    })
    await expect(
      client.updateProvider({ authority: p.authority, provider: p.key, pricePerSecond: 0n }),
    ).rejects.toMatchObject({ name: 'ZeroPriceError' })
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

  itWarps('unlocks stake only after the exit cooldown and with no open lease', async () => {
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 2_000_000n)
    const withdraw = (amount: bigint) => client.withdrawStake({ authority: p.authority, provider: p.key, amount })
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'NotExitingError' })
    const c = await parties.consumer(m, 10_000_000n)
    const { lease } = await parties.activeLease(c, p, 1n, 1_000_000n)

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
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'CooldownNotElapsedError' })
    await warp(m.params.exitCooldownSecs + 1)
    await expect(withdraw(1n)).rejects.toMatchObject({ name: 'OpenLeasesRemainError' })
    await client.closeLease({ signer: p.operator, lease })
    await expect(withdraw(2_000_001n)).rejects.toMatchObject({ name: 'WithdrawExceedsStakeError' })
    await expect(withdraw(0n)).rejects.toMatchObject({ name: 'ZeroAmountError' })
    const done = await withdraw(2_000_000n)
    expect(done.events).toEqual([{ name: 'StakeWithdrawn', data: { provider: p.key, amount: 2_000_000n, staked: 0n } }])
    expect(await parties.balance(p.stakeWallet)).toBe(1_000_000_000n)
    expect(await parties.balance(p.stakeVault)).toBe(0n)
  })
})

describe('findProviders', () => {
  it('filters by market and GPU model on chain, and region, VRAM, status and price after decoding', async () => {
    const m = await parties.market()
    const other = await parties.market()
    const [cheap, dear, a100, paused, tokyo] = await Promise.all([
      parties.provider(m, 1_000n, 1_000_000n),
      parties.provider(m, 2_000n, 1_000_000n),
      parties.provider(m, 500n, 1_000_000n, gpu('A100', 'eu-central-1')),
      parties.provider(m, 700n, 1_000_000n),
      parties.provider(m, 800n, 1_000_000n, { ...gpu('H100', 'ap-northeast-1'), vramGb: 94 }),
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

// Level 2 (localnet): create_market, update_market / apply_market_update and withdraw_fees
// through the client, real transactions.
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { feeVaultAddress, findEvent, marketAddress, slashVaultAddress } from '../../src/index.js'
import { client, itWarps, parties, passTime, warp } from '../support/chain.js'
import { charge, defaultParams, type MarketFx } from '../support/parties.js'

describe('create_market', () => {
  it('creates the market, its fee and slash vaults with the given rules, and emits MarketCreated', async () => {
    const [creator, arbiter, treasury] = await Promise.all([parties.funded(), parties.funded(1), parties.funded(1)])
    const { mint, stakeMint } = await parties.mints(creator)
    const params = defaultParams(arbiter.publicKey, treasury.publicKey)
    const { signature, events } = await client.createMarket({ creator, mint, stakeMint, params })
    expect(signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/)
    const key = marketAddress(creator.publicKey, mint)
    expect(events).toEqual([
      { name: 'MarketCreated', data: { market: key, creator: creator.publicKey, mint, stakeMint, params } },
    ])
    const market = await client.fetchMarket(key)
    expect(market).toMatchObject({
      ...params,
      address: key,
      creator: creator.publicKey,
      authority: creator.publicKey,
      pendingUpdate: null,
      mint,
      stakeMint,
      feeVault: feeVaultAddress(key),
      slashVault: slashVaultAddress(key),
      providerCount: 0n,
      leaseCount: 0n,
    })
    expect(await parties.balance(market.feeVault)).toBe(0n)
    expect(await parties.balance(market.slashVault)).toBe(0n)
    await expect(client.createMarket({ creator, mint, stakeMint, params })).rejects.toMatchObject({
      name: 'AccountAlreadyExistsError',
    })
  })

  type Edit = (p: ReturnType<typeof defaultParams>) => unknown
  it.each<[string, Edit]>([
    ['FeeTooHighError', (p) => Object.assign(p, { feeBps: 2_001 })],
    ['SlashTooHighError', (p) => Object.assign(p, { slashMultipleBps: 30_001 })],
    ['InvalidDurationError', (p) => Object.assign(p, { maxAttestationGapSecs: 0 })],
    ['InvalidDurationError', (p) => Object.assign(p, { governanceDelaySecs: 3_599 })],
    ['MinStakeZeroError', (p) => Object.assign(p, { minStake: 0n })],
    ['DisputeBondZeroError', (p) => Object.assign(p, { disputeBond: 0n })],
  ])('refuses bad rules with %s', async (name, edit) => {
    const creator = await parties.funded()
    const { mint, stakeMint } = await parties.mints(creator)
    const params = defaultParams(creator.publicKey, creator.publicKey)
    edit(params)
    await expect(client.createMarket({ creator, mint, stakeMint, params })).rejects.toMatchObject({ name })
    await expect(client.fetchMarket(marketAddress(creator.publicKey, mint))).rejects.toMatchObject({
      name: 'AccountNotFoundError',
    })
  })
})

describe('update_market and apply_market_update', () => {
  itWarps('proposes new keys, refuses to apply them early (UpdateNotDue), applies them after the delay', async () => {
    const m = await parties.market()
    const [arbiter, treasury, authority] = [Keypair.generate(), Keypair.generate(), Keypair.generate()]
    const anyone = await parties.funded(1)
    await expect(client.applyMarketUpdate({ signer: anyone, market: m.key })).rejects.toMatchObject({
      name: 'NoPendingUpdateError',
    })
    for (const stranger of [anyone, m.arbiter]) {
      await expect(
        client.updateMarket({ authority: stranger, market: m.key, arbiter: arbiter.publicKey }),
      ).rejects.toMatchObject({ name: 'UnauthorizedError' })
    }

    const proposed = await client.updateMarket({
      authority: m.creator,
      market: m.key,
      arbiter: arbiter.publicKey,
      treasury: treasury.publicKey,
      newAuthority: authority.publicKey,
    })
    const event = findEvent(proposed.events, 'MarketUpdateProposed')?.data
    expect(event).toEqual({
      market: m.key,
      arbiter: arbiter.publicKey,
      treasury: treasury.publicKey,
      authority: authority.publicKey,
      effectiveAt: expect.any(Number),
    })
    if (event === undefined) throw new Error('no MarketUpdateProposed')
    const pending = (await client.fetchMarket(m.key)).pendingUpdate
    expect(pending).toEqual({
      arbiter: arbiter.publicKey,
      treasury: treasury.publicKey,
      authority: authority.publicKey,
      effectiveAt: event.effectiveAt,
    })

    // Not before the governance delay; the old keys stay in force meanwhile.
    await expect(client.applyMarketUpdate({ signer: anyone, market: m.key })).rejects.toMatchObject({
      name: 'UpdateNotDueError',
      remedy: expect.stringContaining('pendingUpdate.effectiveAt'),
    })
    expect(await client.fetchMarket(m.key)).toMatchObject({
      arbiter: m.arbiter.publicKey,
      authority: m.creator.publicKey,
    })

    await warp(m.params.governanceDelaySecs + 1)
    const applied = await client.applyMarketUpdate({ signer: anyone, market: m.key })
    expect(applied.events).toEqual([
      {
        name: 'MarketUpdateApplied',
        data: {
          market: m.key,
          arbiter: arbiter.publicKey,
          treasury: treasury.publicKey,
          authority: authority.publicKey,
        },
      },
    ])
    expect(await client.fetchMarket(m.key)).toMatchObject({
      arbiter: arbiter.publicKey,
      treasury: treasury.publicKey,
      authority: authority.publicKey,
      pendingUpdate: null,
    })
    await expect(client.applyMarketUpdate({ signer: anyone, market: m.key })).rejects.toMatchObject({
      name: 'NoPendingUpdateError',
    })
    // The old authority is out; the new one proposes, and what it leaves out keeps its value.
    await expect(
      client.updateMarket({ authority: m.creator, market: m.key, arbiter: m.arbiter.publicKey }),
    ).rejects.toMatchObject({ name: 'UnauthorizedError' })
    await parties.fund(authority.publicKey, 1)
    const again = await client.updateMarket({ authority, market: m.key, arbiter: m.arbiter.publicKey })
    expect(findEvent(again.events, 'MarketUpdateProposed')?.data).toMatchObject({
      arbiter: m.arbiter.publicKey,
      treasury: treasury.publicKey,
      authority: authority.publicKey,
    })
  })
})

/** A market whose fee vault holds the fee of 10 s paid on the consumer's receipt. */
async function marketWithFees(): Promise<{ m: MarketFx; fees: bigint }> {
  const { m, p, c } = await parties.trio()
  const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
  await passTime(10)
  const receipt = parties.receipt(c.kp, lease, p, acceptedAt, acceptedAt + 10)
  await client.attestUsage({ operator: p.operator, lease, until: acceptedAt + 10, receipt })
  const fees = charge(10n, 1_000n).fee
  expect(await parties.balance(m.feeVault)).toBe(fees)
  return { m, fees }
}

describe('withdraw_fees', () => {
  it('lets the treasury take collected fees out, to the base unit', async () => {
    const { m, fees } = await marketWithFees()
    const destination = await parties.tokenAccount(m, m.treasury.publicKey, m.mint, 0n)
    const { events } = await client.withdrawFees({ treasury: m.treasury, market: m.key, amount: fees })
    expect(findEvent(events, 'FeesWithdrawn')?.data).toEqual({
      market: m.key,
      vault: m.feeVault,
      to: destination,
      amount: fees,
    })
    expect(await parties.balance(destination)).toBe(fees)
    expect(await parties.balance(m.feeVault)).toBe(0n)
  })

  it('names every refusal', async () => {
    const { m, fees } = await marketWithFees()
    const treasuryAccount = await parties.tokenAccount(m, m.treasury.publicKey, m.mint, 0n)
    const stranger = await parties.funded(1)
    const strangerAccount = await parties.tokenAccount(m, stranger.publicKey, m.mint, 0n)
    await expect(client.withdrawFees({ treasury: stranger, market: m.key, amount: 1n })).rejects.toMatchObject({
      name: 'UnauthorizedError',
      remedy: expect.stringContaining('sign with'),
    })
    await expect(client.withdrawFees({ treasury: m.treasury, market: m.key, amount: 0n })).rejects.toMatchObject({
      name: 'ZeroAmountError',
    })
    await expect(client.withdrawFees({ treasury: m.treasury, market: m.key, amount: fees + 1n })).rejects.toMatchObject(
      { name: 'InsufficientFeesError' },
    )
    const stakeAccount = await parties.tokenAccount(m, m.treasury.publicKey, m.stakeMint, 0n)
    // The slash vault (stake mint) is empty: nothing was slashed yet.
    await expect(
      client.withdrawFees({ treasury: m.treasury, market: m.key, amount: 1n, vault: 'slashes' }),
    ).rejects.toMatchObject({ name: 'InsufficientFeesError' })
    await expect(
      client.withdrawFees({ treasury: m.treasury, market: m.key, amount: 1n, destination: stakeAccount }),
    ).rejects.toMatchObject({ name: 'WrongMintError' })
    // The build-only layer lets a caller pass any account: a vault that is not the market's.
    const ix = await client.instructions.withdrawFees(
      {
        treasury: m.treasury.publicKey,
        market: m.key,
        vault: strangerAccount,
        mint: m.mint,
        destination: treasuryAccount,
      },
      1n,
    )
    await expect(client.send([ix], [m.treasury])).rejects.toMatchObject({ name: 'WrongTokenAccountError' })
  })
})

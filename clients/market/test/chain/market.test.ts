// Level 2 (localnet): create_market and withdraw_fees through the client, real transactions.
import { describe, expect, it } from 'vitest'
import { feeVaultAddress, findEvent, marketAddress } from '../../src/index.js'
import { client, parties, passTime } from '../support/chain.js'
import { defaultParams } from '../support/parties.js'

describe('create_market', () => {
  it('creates the market and its fee vault with the given rules, and emits MarketCreated', async () => {
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
      mint,
      stakeMint,
      feeVault: feeVaultAddress(key),
      providerCount: 0n,
      leaseCount: 0n,
    })
    expect(await parties.balance(market.feeVault)).toBe(0n)
  })

  it.each([
    ['FeeTooHighError', (p: ReturnType<typeof defaultParams>) => Object.assign(p, { feeBps: 2_001 })],
    ['SlashTooHighError', (p: ReturnType<typeof defaultParams>) => Object.assign(p, { slashBps: 10_001 })],
    ['InvalidDurationError', (p: ReturnType<typeof defaultParams>) => Object.assign(p, { maxAttestationGapSecs: 0 })],
  ])('refuses bad rules with %s', async (name, edit) => {
    const creator = await parties.funded()
    const { mint, stakeMint } = await parties.mints(creator)
    const params = edit(defaultParams(creator.publicKey, creator.publicKey))
    await expect(client.createMarket({ creator, mint, stakeMint, params })).rejects.toMatchObject({ name })
    await expect(client.fetchMarket(marketAddress(creator.publicKey, mint))).rejects.toMatchObject({
      name: 'AccountNotFoundError',
    })
  })
})

describe('withdraw_fees', () => {
  it('lets the treasury take collected fees out, to the base unit', async () => {
    const { m, p, c } = await parties.trio()
    const { lease } = await parties.activeLease(c, p, 1n, 1_000_000n)
    await passTime(2)
    await client.closeLease({ signer: c.kp, lease })
    const fees = await parties.balance(m.feeVault)
    expect(fees).toBeGreaterThan(0n)
    const destination = await parties.tokenAccount(m, m.treasury.publicKey, m.mint, 0n)
    const { events } = await client.withdrawFees({ treasury: m.treasury, market: m.key, amount: fees })
    expect(findEvent(events, 'FeesWithdrawn')?.data).toEqual({ market: m.key, to: destination, amount: fees })
    expect(await parties.balance(destination)).toBe(fees)
    expect(await parties.balance(m.feeVault)).toBe(0n)
  })

  it('names every refusal', async () => {
    const m = await parties.market()
    const treasuryAccount = await parties.tokenAccount(m, m.treasury.publicKey, m.mint, 0n)
    const stranger = await parties.funded(1)
    await parties.tokenAccount(m, stranger.publicKey, m.mint, 0n)
    await expect(client.withdrawFees({ treasury: stranger, market: m.key, amount: 1n })).rejects.toMatchObject({
      name: 'UnauthorizedError',
      remedy: expect.stringContaining('sign with'),
    })
    await expect(client.withdrawFees({ treasury: m.treasury, market: m.key, amount: 0n })).rejects.toMatchObject({
      name: 'ZeroAmountError',
    })
    await expect(client.withdrawFees({ treasury: m.treasury, market: m.key, amount: 1n })).rejects.toMatchObject({
      name: 'InsufficientFeesError',
    })
    const stakeAccount = await parties.tokenAccount(m, m.treasury.publicKey, m.stakeMint, 0n)
    await expect(
      client.withdrawFees({ treasury: m.treasury, market: m.key, amount: 1n, destination: stakeAccount }),
    ).rejects.toMatchObject({ name: 'WrongMintError' })
    // The build-only layer lets a caller pass any account: a vault that is not the market's.
    const ix = await client.instructions.withdrawFees(
      {
        treasury: m.treasury.publicKey,
        market: m.key,
        feeVault: stakeAccount,
        mint: m.mint,
        destination: treasuryAccount,
      },
      1n,
    )
    await expect(client.send([ix], [m.treasury])).rejects.toMatchObject({ name: 'WrongTokenAccountError' })
  })
})

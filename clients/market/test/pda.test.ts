import { Keypair, PublicKey } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import {
  earningsVaultAddress,
  escrowAddress,
  feeVaultAddress,
  InvalidArgumentError,
  leaseAddress,
  MarketClient,
  marketAddress,
  operatorIndexAddress,
  PROGRAM_ID,
  providerAddress,
  SEEDS,
  slashVaultAddress,
  stakeVaultAddress,
} from '../src/index.js'

// Seeds written out as in programs/synkti-market/src/constants.rs, independently of the IDL.
const seed = (s: string) => Buffer.from(s, 'utf8')
const pda = (...seeds: Uint8Array[]) => PublicKey.findProgramAddressSync(seeds, PROGRAM_ID)[0]
const le = (bytes: 2 | 8, n: bigint) => {
  const b = Buffer.alloc(bytes)
  if (bytes === 8) b.writeBigUInt64LE(n)
  else b.writeUInt16LE(Number(n))
  return b
}

describe('PDA helpers', () => {
  const creator = Keypair.generate().publicKey
  const mint = Keypair.generate().publicKey
  const market = marketAddress(creator, mint)

  it('reads the seed constants from the IDL as the program spells them', () => {
    const spelled = Object.fromEntries(Object.entries(SEEDS).map(([k, v]) => [k, Buffer.from(v).toString()]))
    expect(spelled).toEqual({
      market: 'market',
      feeVault: 'fee_vault',
      provider: 'provider',
      stakeVault: 'stake_vault',
      lease: 'lease',
      escrow: 'escrow',
      slashVault: 'slash_vault',
      earningsVault: 'earnings',
      operator: 'operator',
    })
    expect(PROGRAM_ID.toBase58()).toBe('SYNKmkt111111111111111111111111111111111111')
  })

  it('derives market, fee vault, slash vault from the known seeds', () => {
    expect(market).toEqual(pda(seed('market'), creator.toBytes(), mint.toBytes()))
    expect(feeVaultAddress(market)).toEqual(pda(seed('fee_vault'), market.toBytes()))
    expect(slashVaultAddress(market)).toEqual(pda(seed('slash_vault'), market.toBytes()))
    // Order of seeds matters: creator and mint swapped is another market.
    expect(marketAddress(mint, creator)).not.toEqual(market)
  })

  it('derives provider `index` of a fleet with the index as u16 little-endian (0 by default)', () => {
    const authority = Keypair.generate().publicKey
    for (const index of [0, 1, 256, 65_535]) {
      expect(providerAddress(market, authority, index)).toEqual(
        pda(seed('provider'), market.toBytes(), authority.toBytes(), le(2, BigInt(index))),
      )
    }
    expect(providerAddress(market, authority)).toEqual(providerAddress(market, authority, 0))
    expect(providerAddress(market, authority, 1)).not.toEqual(providerAddress(market, authority, 256))
    const provider = providerAddress(market, authority, 3)
    expect(stakeVaultAddress(provider)).toEqual(pda(seed('stake_vault'), provider.toBytes()))
    expect(earningsVaultAddress(provider)).toEqual(pda(seed('earnings'), provider.toBytes()))
    expect(MarketClient.providerAccounts(market, authority, 3)).toEqual({
      provider,
      stakeVault: stakeVaultAddress(provider),
      earningsVault: earningsVaultAddress(provider),
    })
  })

  it('derives the operator index per market and operator key', () => {
    const operator = Keypair.generate().publicKey
    expect(operatorIndexAddress(market, operator)).toEqual(pda(seed('operator'), market.toBytes(), operator.toBytes()))
    const elsewhere = marketAddress(creator, Keypair.generate().publicKey)
    expect(operatorIndexAddress(elsewhere, operator)).not.toEqual(operatorIndexAddress(market, operator))
  })

  it('derives a lease from its market and id (the lease counter) as u64 little-endian', () => {
    for (const id of [0n, 1n, 256n, 2n ** 64n - 1n]) {
      expect(leaseAddress(market, id)).toEqual(pda(seed('lease'), market.toBytes(), le(8, id)))
    }
    expect(leaseAddress(market, 1n)).not.toEqual(leaseAddress(market, 256n))
    expect(leaseAddress(marketAddress(mint, creator), 1n)).not.toEqual(leaseAddress(market, 1n))
    const lease = leaseAddress(market, 7n)
    expect(escrowAddress(lease)).toEqual(pda(seed('escrow'), lease.toBytes()))
    expect(MarketClient.marketAccounts(creator, mint)).toEqual({
      market,
      feeVault: feeVaultAddress(market),
      slashVault: slashVaultAddress(market),
    })
  })

  it('refuses an id that is not a u64 and an index that is not a u16', () => {
    expect(() => leaseAddress(market, -1n)).toThrow(InvalidArgumentError)
    expect(() => leaseAddress(market, 2n ** 64n)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    const authority = Keypair.generate().publicKey
    for (const index of [-1, 65_536, 1.5]) {
      expect(() => providerAddress(market, authority, index)).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', field: 'index' }),
      )
    }
  })
})

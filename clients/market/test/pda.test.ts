import { Keypair, PublicKey } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import {
  escrowAddress,
  feeVaultAddress,
  InvalidArgumentError,
  leaseAddress,
  marketAddress,
  PROGRAM_ID,
  providerAddress,
  SEEDS,
  stakeVaultAddress,
} from '../src/index.js'

// Seeds written out as in programs/synkti-market/src/constants.rs, independently of the IDL.
const seed = (s: string) => Buffer.from(s, 'utf8')
const pda = (...seeds: Uint8Array[]) => PublicKey.findProgramAddressSync(seeds, PROGRAM_ID)[0]

describe('PDA helpers', () => {
  const creator = Keypair.generate().publicKey
  const mint = Keypair.generate().publicKey

  it('reads the seed constants from the IDL as the program spells them', () => {
    expect(Buffer.from(SEEDS.market).toString()).toBe('market')
    expect(Buffer.from(SEEDS.feeVault).toString()).toBe('fee_vault')
    expect(Buffer.from(SEEDS.provider).toString()).toBe('provider')
    expect(Buffer.from(SEEDS.stakeVault).toString()).toBe('stake_vault')
    expect(Buffer.from(SEEDS.lease).toString()).toBe('lease')
    expect(Buffer.from(SEEDS.escrow).toString()).toBe('escrow')
    expect(PROGRAM_ID.toBase58()).toBe('SYNKmkt111111111111111111111111111111111111')
  })

  it('derives market, fee vault, provider and stake vault from the known seeds', () => {
    const market = marketAddress(creator, mint)
    expect(market).toEqual(pda(seed('market'), creator.toBytes(), mint.toBytes()))
    expect(feeVaultAddress(market)).toEqual(pda(seed('fee_vault'), market.toBytes()))
    const authority = Keypair.generate().publicKey
    const provider = providerAddress(market, authority)
    expect(provider).toEqual(pda(seed('provider'), market.toBytes(), authority.toBytes()))
    expect(stakeVaultAddress(provider)).toEqual(pda(seed('stake_vault'), provider.toBytes()))
    // Order of seeds matters: creator and mint swapped is another market.
    expect(marketAddress(mint, creator)).not.toEqual(market)
  })

  it('encodes the lease nonce as u64 little-endian', () => {
    const consumer = Keypair.generate().publicKey
    const le = (n: bigint) => {
      const b = Buffer.alloc(8)
      b.writeBigUInt64LE(n)
      return b
    }
    for (const nonce of [0n, 1n, 256n, 2n ** 64n - 1n]) {
      expect(leaseAddress(consumer, nonce)).toEqual(pda(seed('lease'), consumer.toBytes(), le(nonce)))
    }
    expect(leaseAddress(consumer, 1n)).not.toEqual(leaseAddress(consumer, 256n))
    const lease = leaseAddress(consumer, 7n)
    expect(escrowAddress(lease)).toEqual(pda(seed('escrow'), lease.toBytes()))
  })

  it('refuses a nonce that is not a u64', () => {
    const consumer = Keypair.generate().publicKey
    expect(() => leaseAddress(consumer, -1n)).toThrow(InvalidArgumentError)
    expect(() => leaseAddress(consumer, 2n ** 64n)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })
})

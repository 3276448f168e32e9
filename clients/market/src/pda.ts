/** Program-derived addresses, from the IDL's seed constants. */
import { PublicKey } from '@solana/web3.js'
import { PROGRAM_ID, SEEDS } from './constants.js'
import { u64, uint } from './validate.js'

function derive(seeds: Uint8Array[], programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(seeds, programId)[0]
}

function le(bytes: number, value: bigint): Uint8Array {
  const out = new Uint8Array(bytes)
  const view = new DataView(out.buffer)
  if (bytes === 8) view.setBigUint64(0, value, true)
  else view.setUint16(0, Number(value), true)
  return out
}

/** `"market", creator, payment mint`: one market per creator and payment mint. */
export function marketAddress(creator: PublicKey, mint: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.market, creator.toBytes(), mint.toBytes()], programId)
}

export function feeVaultAddress(market: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.feeVault, market.toBytes()], programId)
}

/** The market's stake-mint vault for the treasury's share of slashes. */
export function slashVaultAddress(market: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.slashVault, market.toBytes()], programId)
}

/** `"provider", market, authority, index (u16 LE)`: provider `index` of a fleet. */
export function providerAddress(market: PublicKey, authority: PublicKey, index = 0, programId = PROGRAM_ID): PublicKey {
  const i = uint('index', index, 16)
  return derive([SEEDS.provider, market.toBytes(), authority.toBytes(), le(2, BigInt(i))], programId)
}

/** `"operator", market, operator`: which provider an operator key serves (one per market). */
export function operatorIndexAddress(market: PublicKey, operator: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.operator, market.toBytes(), operator.toBytes()], programId)
}

export function stakeVaultAddress(provider: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.stakeVault, provider.toBytes()], programId)
}

/** The provider's program-owned account for held pay and unclaimed earnings. */
export function earningsVaultAddress(provider: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.earningsVault, provider.toBytes()], programId)
}

/** `"lease", market, id (u64 LE)`: the id is the market's lease counter, never reused. */
export function leaseAddress(market: PublicKey, id: bigint, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.lease, market.toBytes(), le(8, u64('id', id))], programId)
}

export function escrowAddress(lease: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.escrow, lease.toBytes()], programId)
}

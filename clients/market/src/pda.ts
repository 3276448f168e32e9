/** Program-derived addresses, from the IDL's seed constants. */
import { PublicKey } from '@solana/web3.js'
import { PROGRAM_ID, SEEDS } from './constants.js'
import { u64 } from './validate.js'

function derive(seeds: Uint8Array[], programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(seeds, programId)[0]
}

/** `"market", creator, payment mint`: one market per creator and payment mint. */
export function marketAddress(creator: PublicKey, mint: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.market, creator.toBytes(), mint.toBytes()], programId)
}

export function feeVaultAddress(market: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.feeVault, market.toBytes()], programId)
}

/** `"provider", market, authority`: one registration per cold wallet and market. */
export function providerAddress(market: PublicKey, authority: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.provider, market.toBytes(), authority.toBytes()], programId)
}

export function stakeVaultAddress(provider: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.stakeVault, provider.toBytes()], programId)
}

/** `"lease", consumer, nonce as u64 little-endian`. */
export function leaseAddress(consumer: PublicKey, nonce: bigint, programId = PROGRAM_ID): PublicKey {
  const le = new Uint8Array(8)
  new DataView(le.buffer).setBigUint64(0, u64('nonce', nonce), true)
  return derive([SEEDS.lease, consumer.toBytes(), le], programId)
}

export function escrowAddress(lease: PublicKey, programId = PROGRAM_ID): PublicKey {
  return derive([SEEDS.escrow, lease.toBytes()], programId)
}

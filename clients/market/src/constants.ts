import { PublicKey } from '@solana/web3.js'
import { IDL } from './idl.js'

/** The program id the IDL was generated for (`declare_id!` in programs/synkti-market). */
export const PROGRAM_ID = new PublicKey(IDL.address)

type ConstantName = (typeof IDL.constants)[number]['name']

function constant(name: ConstantName): string {
  const found = IDL.constants.find((c) => c.name === name)
  if (found === undefined) throw new Error(`IDL has no constant ${name}`)
  return found.value
}

/** A `bytes` constant from the IDL, printed there as `[1, 2, 3]`. */
function bytesConstant(name: ConstantName): Uint8Array {
  return Uint8Array.from(JSON.parse(constant(name)) as number[])
}

/** PDA seeds, read from the IDL so they cannot drift from the program's `constants.rs`. */
export const SEEDS = {
  market: bytesConstant('MARKET_SEED'),
  feeVault: bytesConstant('FEE_VAULT_SEED'),
  provider: bytesConstant('PROVIDER_SEED'),
  stakeVault: bytesConstant('STAKE_VAULT_SEED'),
  lease: bytesConstant('LEASE_SEED'),
  escrow: bytesConstant('ESCROW_SEED'),
  slashVault: bytesConstant('SLASH_VAULT_SEED'),
  earningsVault: bytesConstant('EARNINGS_VAULT_SEED'),
  operator: bytesConstant('OPERATOR_SEED'),
} as const

/** The prefix every usage receipt is signed over. */
export const RECEIPT_DOMAIN = bytesConstant('RECEIPT_DOMAIN')
export const MIN_DISPUTE_WINDOW_SECS = Number(constant('MIN_DISPUTE_WINDOW_SECS'))
export const MAX_DISPUTE_WINDOW_SECS = Number(constant('MAX_DISPUTE_WINDOW_SECS'))
export const MIN_ATTESTATION_GAP_SECS = Number(constant('MIN_ATTESTATION_GAP_SECS'))
export const MAX_COOLDOWN_SECS = Number(constant('MAX_COOLDOWN_SECS'))
export const MAX_SLASH_MULTIPLE_BPS = Number(constant('MAX_SLASH_MULTIPLE_BPS'))

export const MAX_FEE_BPS = Number(constant('MAX_FEE_BPS'))
export const MAX_LABEL_LEN = Number(constant('MAX_LABEL_LEN'))

/** Where `npm run localnet` listens (the shared vocabulary's localnet moniker). */
export { DEFAULT_RPC_URL } from '@synkti/vocabulary'
export const DEFAULT_COMMITMENT = 'confirmed'
/** The largest value of a u64 field. */
export { U64_MAX } from '@synkti/vocabulary'

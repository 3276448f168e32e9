/**
 * SPL Token set-up that parties of a market need: mints (localnet/devnet deploys), token
 * accounts (associated, so every party's is derivable), balances to the base unit.
 */
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  getMinimumBalanceForRentExemptMint,
  MINT_SIZE,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token'
import { type Connection, type PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js'
import { u64 } from './validate.js'

/** Instructions creating `mint` (a fresh keypair's address) with `decimals` and `authority` as mint authority. */
export async function createMintInstructions(
  connection: Connection,
  payer: PublicKey,
  mint: PublicKey,
  authority: PublicKey,
  decimals: number,
): Promise<TransactionInstruction[]> {
  const lamports = await getMinimumBalanceForRentExemptMint(connection)
  return [
    SystemProgram.createAccount({
      fromPubkey: payer,
      newAccountPubkey: mint,
      space: MINT_SIZE,
      lamports,
      programId: TOKEN_PROGRAM_ID,
    }),
    createInitializeMint2Instruction(mint, decimals, authority, null),
  ]
}

/**
 * The owner's associated token account for `mint` (created if missing, so it is idempotent)
 * and, if `amount` > 0, a mint of `amount` into it by `mintAuthority`.
 */
export function fundTokenAccountInstructions(
  payer: PublicKey,
  owner: PublicKey,
  mint: PublicKey,
  amount = 0n,
  mintAuthority?: PublicKey,
): { account: PublicKey; instructions: TransactionInstruction[] } {
  const account = getAssociatedTokenAddressSync(mint, owner, true)
  const instructions = [createAssociatedTokenAccountIdempotentInstruction(payer, account, owner, mint)]
  if (u64('amount', amount) > 0n) {
    if (mintAuthority === undefined) throw new TypeError('minting needs the mint authority')
    instructions.push(createMintToInstruction(mint, account, mintAuthority, amount))
  }
  return { account, instructions }
}

/** A token account's balance in base units. */
export async function tokenBalance(connection: Connection, account: PublicKey): Promise<bigint> {
  const { value } = await connection.getTokenAccountBalance(account)
  return BigInt(value.amount)
}

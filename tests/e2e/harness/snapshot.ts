import { unpackAccount } from '@solana/spl-token'
import type { Connection, PublicKey } from '@solana/web3.js'

/**
 * Token balances of many accounts read in ONE `getMultipleAccounts` call, so from one bank
 * state: while nodes keep attesting usage, reading accounts one by one could see a payment
 * leave an escrow and not yet reach the payout (a loss that never happened). An account that
 * does not exist (a closed lease's escrow) holds 0.
 */

/** getMultipleAccounts takes at most this many keys (Solana's limit; the localnet keeps it). */
const MAX_KEYS = 100

export class TooManyAccountsError extends Error {
  override name = 'TooManyAccountsError'
  constructor(
    readonly count: number,
    message = `${count} accounts cannot be read in one call (at most ${MAX_KEYS})`,
  ) {
    super(message)
  }
}

export async function tokenSnapshot(connection: Connection, accounts: readonly PublicKey[]): Promise<bigint[]> {
  if (accounts.length > MAX_KEYS) throw new TooManyAccountsError(accounts.length)
  const infos = await connection.getMultipleAccountsInfo([...accounts])
  return infos.map((info, i) => (info === null ? 0n : unpackAccount(accounts[i] as PublicKey, info).amount))
}

export const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n)

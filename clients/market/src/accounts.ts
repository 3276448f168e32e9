/** Fetch and decode the program's accounts (Market, Provider, Lease) into domain types. */
import anchor from '@anchor-lang/core'
import type { Connection, GetProgramAccountsFilter, PublicKey } from '@solana/web3.js'
import { CAMEL_IDL, fromFields, typeDef } from './codec.js'
import { AccountNotFoundError, AccountTypeMismatchError } from './errors.js'
import type { Lease, Market, Provider } from './types.js'

export type AccountKind = 'Market' | 'Provider' | 'Lease'
interface Decoded {
  Market: Market
  Provider: Provider
  Lease: Lease
}

export const accountsCoder: anchor.BorshAccountsCoder = new anchor.BorshAccountsCoder(CAMEL_IDL)

const CAMEL: Record<AccountKind, string> = { Market: 'market', Provider: 'provider', Lease: 'lease' }

/** Decodes an account's data; throws AccountTypeMismatchError when it is another kind. */
export function decodeAccount<K extends AccountKind>(kind: K, address: PublicKey, data: Buffer): Decoded[K] {
  let raw: Record<string, unknown>
  try {
    raw = accountsCoder.decode(CAMEL[kind], data)
  } catch (err) {
    throw new AccountTypeMismatchError(kind, address.toBase58(), err)
  }
  const def = typeDef(CAMEL[kind])
  if (def.type.kind !== 'struct') throw new Error(`${kind} is not a struct in the IDL`)
  return { address, ...fromFields(def.type.fields, raw, kind) } as Decoded[K]
}

export async function fetchAccount<K extends AccountKind>(
  connection: Connection,
  kind: K,
  address: PublicKey,
): Promise<Decoded[K]> {
  const info = await connection.getAccountInfo(address)
  if (info === null) throw new AccountNotFoundError(kind, address.toBase58())
  return decodeAccount(kind, address, info.data)
}

/** `memcmp` filter selecting accounts of `kind` by their Anchor discriminator. */
export function discriminatorFilter(kind: AccountKind): GetProgramAccountsFilter {
  return { memcmp: accountsCoder.memcmp(CAMEL[kind]) }
}

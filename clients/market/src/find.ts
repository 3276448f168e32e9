/**
 * Provider search over getProgramAccounts. The market and GPU model are compared on chain
 * (memcmp): both sit at fixed offsets, computed from the IDL's layout of `Provider`; region,
 * VRAM, status and price come after variable-length strings, so they are filtered after decoding.
 */
import anchor from '@anchor-lang/core'
import type { Connection, GetProgramAccountsFilter, PublicKey } from '@solana/web3.js'
import { decodeAccount, discriminatorFilter } from './accounts.js'
import { typeDef } from './codec.js'
import { PROGRAM_ID } from './constants.js'
import type { Provider, ProviderStatus } from './types.js'

export interface ProviderFilters {
  market: PublicKey
  gpuModel?: string
  region?: string
  /** Per GPU, in GB. */
  minVramGb?: number
  /** Default `active`: only providers that can take a lease now. `any` disables the filter. */
  status?: ProviderStatus['kind'] | 'any'
  maxPricePerSecond?: bigint
}

const DISCRIMINATOR_LEN = 8
const FIXED_SIZES: Record<string, number> = { pubkey: 32, u64: 8, i64: 8, u32: 4, u16: 2, u8: 1, bool: 1 }

/** Byte offset of `field` in an account, counting only the fixed-size fields before it. */
export function fieldOffset(account: string, field: string): number {
  const def = typeDef(account)
  if (def.type.kind !== 'struct') throw new Error(`${account} is not a struct`)
  let offset = DISCRIMINATOR_LEN
  for (const f of def.type.fields) {
    if (f.name === field) return offset
    const size = typeof f.type === 'string' ? FIXED_SIZES[f.type] : undefined
    if (size === undefined) throw new Error(`${account}.${field} follows a variable-size field`)
    offset += size
  }
  throw new Error(`${account} has no field ${field}`)
}

/** The GPU model is the first field of Capabilities: a borsh string (u32 LE length, UTF-8). */
function gpuModelBytes(model: string): Uint8Array {
  const utf8 = new TextEncoder().encode(model)
  const out = new Uint8Array(4 + utf8.length)
  new DataView(out.buffer).setUint32(0, utf8.length, true)
  out.set(utf8, 4)
  return out
}

export function providerFilters(f: ProviderFilters): GetProgramAccountsFilter[] {
  const filters: GetProgramAccountsFilter[] = [
    discriminatorFilter('Provider'),
    { memcmp: { offset: fieldOffset('provider', 'market'), bytes: f.market.toBase58() } },
  ]
  if (f.gpuModel !== undefined) {
    filters.push({
      memcmp: {
        offset: fieldOffset('provider', 'capabilities'),
        bytes: anchor.utils.bytes.bs58.encode(gpuModelBytes(f.gpuModel)),
      },
    })
  }
  return filters
}

/** The filters that need the decoded account. */
export function matchesProvider(p: Provider, f: ProviderFilters): boolean {
  const status = f.status ?? 'active'
  return (
    (f.gpuModel === undefined || p.capabilities.gpuModel === f.gpuModel) &&
    (f.region === undefined || p.capabilities.region === f.region) &&
    (f.minVramGb === undefined || p.capabilities.vramGb >= f.minVramGb) &&
    (status === 'any' || p.status.kind === status) &&
    (f.maxPricePerSecond === undefined || p.pricePerSecond <= f.maxPricePerSecond)
  )
}

export async function findProviders(
  connection: Connection,
  f: ProviderFilters,
  programId = PROGRAM_ID,
): Promise<Provider[]> {
  const accounts = await connection.getProgramAccounts(programId, { filters: providerFilters(f) })
  return accounts
    .map(({ pubkey, account }) => decodeAccount('Provider', pubkey, account.data))
    .filter((p) => matchesProvider(p, f))
    .sort((a, b) => (a.pricePerSecond < b.pricePerSecond ? -1 : a.pricePerSecond > b.pricePerSecond ? 1 : 0))
}

import { PublicKey } from '@solana/web3.js'
import type { Lease, MarketClient } from '@synkti/market'
import { UnknownLeaseError } from './errors.js'

/**
 * The lease as the chain holds it, for the services that answer peers about one (admission,
 * hand-offs, receipts): an account that is not there is the named refusal peers understand.
 */
export async function fetchLease(client: MarketClient, address: string): Promise<Lease> {
  try {
    return await client.fetchLease(new PublicKey(address))
  } catch (err) {
    if ((err as Error).name === 'AccountNotFoundError') throw new UnknownLeaseError(address)
    throw err
  }
}

// No chain: what the client does when the RPC is not there.
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { DEFAULT_RPC_URL, MarketClient, RpcUnreachableError } from '../src/index.js'

describe('an unreachable RPC', () => {
  // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
  const client = new MarketClient({ rpcUrl: 'http://127.0.0.1:9' })

  it('is RpcUnreachableError with the URL, from reads and from sends', async () => {
    const key = Keypair.generate()
    await expect(client.fetchLease(key.publicKey)).rejects.toMatchObject({
      name: 'RpcUnreachableError',
      url: 'http://127.0.0.1:9',
      remedy: expect.stringContaining('npm run localnet'),
    })
    await expect(client.pauseProvider({ signer: key, provider: key.publicKey })).rejects.toMatchObject({
      name: 'RpcUnreachableError',
    })
    await expect(client.findProviders({ market: key.publicKey })).rejects.toMatchObject({ name: 'RpcUnreachableError' })
  })

  it('defaults to the local chain, whose remedy is starting it', () => {
    expect(new MarketClient().rpcUrl).toBe(DEFAULT_RPC_URL)
    expect(new RpcUnreachableError(DEFAULT_RPC_URL).remedy).toBe('start the local chain: npm run localnet')
    expect(new RpcUnreachableError('https://api.devnet.solana.com').remedy).toMatch(/check the RPC URL/)
  })
})

import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import {
  parseAddress,
  parseAmount,
  requireMarket,
  resolveBootstrap,
  resolveCluster,
  resolveConfig,
  resolveKeypairPath,
} from '../src/config.js'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

function nameOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return (err as Error).name
  }
  throw new Error('expected an error')
}

describe('--url', () => {
  it('resolves the Solana CLI monikers and their one-letter forms', () => {
    expect(resolveCluster()).toEqual({ moniker: 'localnet', url: 'http://127.0.0.1:8899' })
    expect(resolveCluster('l')).toEqual(resolveCluster('localnet'))
    expect(resolveCluster('devnet').url).toBe('https://api.devnet.solana.com')
    expect(resolveCluster('d')).toEqual(resolveCluster('devnet'))
    expect(resolveCluster('m').url).toBe('https://api.mainnet-beta.solana.com')
    expect(resolveCluster('t').moniker).toBe('testnet')
  })

  it('takes http(s) URLs as they are and refuses anything else by name', () => {
    expect(resolveCluster('http://127.0.0.1:9000')).toEqual({ moniker: 'custom', url: 'http://127.0.0.1:9000' })
    expect(nameOf(() => resolveCluster('devnett'))).toBe('InvalidUrlError')
    expect(nameOf(() => resolveCluster('ws://127.0.0.1:8900'))).toBe('InvalidUrlError')
  })
})

describe('--keypair', () => {
  it('defaults to ~/.config/solana/id.json and expands ~', () => {
    expect(resolveKeypairPath(undefined, '/home/u')).toBe('/home/u/.config/solana/id.json')
    expect(resolveKeypairPath('~/keys/a.json', '/home/u')).toBe('/home/u/keys/a.json')
    expect(resolveKeypairPath('/abs/a.json', '/home/u')).toBe('/abs/a.json')
    expect(resolveKeypairPath('rel/a.json', '/home/u', '/work')).toBe('/work/rel/a.json')
  })
})

describe('--market', () => {
  const market = Keypair.generate().publicKey.toBase58()
  const other = Keypair.generate().publicKey.toBase58()

  it('comes from the flag before SYNKTI_MARKET, and is named when missing', () => {
    const home = '/h'
    expect(resolveConfig({ market }, { SYNKTI_MARKET: other }, home).market?.toBase58()).toBe(market)
    expect(resolveConfig({}, { SYNKTI_MARKET: other }, home).market?.toBase58()).toBe(other)
    const none = resolveConfig({}, {}, home)
    expect(none.market).toBeUndefined()
    expect(nameOf(() => requireMarket(none))).toBe('MarketNotSetError')
  })

  it('refuses what is not a base58 address', () => {
    expect(nameOf(() => resolveConfig({ market: 'not-an-address' }, {}, '/h'))).toBe('InvalidAddressError')
    expect(nameOf(() => parseAddress('job id', '1111'))).toBe('InvalidAddressError')
  })
})

describe('--bootstrap', () => {
  const a = `/ip4/127.0.0.1/tcp/7100/p2p/${PEER}`
  const b = `/ip4/127.0.0.1/tcp/7101/p2p/${PEER}`

  it('takes flags (also comma-separated) before SYNKTI_BOOTSTRAP', () => {
    expect(resolveBootstrap([a], { SYNKTI_BOOTSTRAP: b })).toEqual([a])
    expect(resolveBootstrap([`${a},${b}`], {})).toEqual([a, b])
    expect(resolveBootstrap(undefined, { SYNKTI_BOOTSTRAP: ` ${a} , ${b} ` })).toEqual([a, b])
    expect(resolveBootstrap(undefined, {})).toEqual([])
  })

  it('needs a peer id in each address', () => {
    expect(nameOf(() => resolveBootstrap(['/ip4/127.0.0.1/tcp/7100'], {}))).toBe('InvalidBootstrapAddressError')
    expect(nameOf(() => resolveBootstrap(['/ip4/999.0.0.1/tcp/1'], {}))).toBe('InvalidBootstrapAddressError')
  })
})

describe('amounts', () => {
  it('are positive u64 base units, with _ allowed between digits', () => {
    expect(parseAmount('--amount', '1_000_000')).toBe(1_000_000n)
    expect(parseAmount('--amount', '18446744073709551615')).toBe(2n ** 64n - 1n)
    for (const bad of ['0', '-1', '1.5', '1e6', '', '18446744073709551616']) {
      expect(nameOf(() => parseAmount('--amount', bad))).toBe('InvalidAmountError')
    }
  })
})

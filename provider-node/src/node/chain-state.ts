import type { PublicKey } from '@solana/web3.js'
import type { NodeStatus } from '@synkti/jobs'
import type { MarketClient, Provider } from '@synkti/market'
import type { MintView } from '../api/index.js'
import type { Startable } from './components.js'

/** Where an SPL mint (Token and Token-2022 alike) keeps its decimals: after the authority option (36) and supply (8). */
const MINT_DECIMALS_OFFSET = 44

/** The market's payment and stake mints with their decimals, so amounts read as tokens. */
export interface MarketTokens {
  payment: MintView
  stake: MintView
}

/** How often the node re-reads its provider account. */
const CHAIN_REFRESH_MS = 3_000

/**
 * The node's on-chain account as last read: stake, status, reputation and earnings for the
 * status document. Refreshed in the background so /status never waits on the RPC; `null`
 * while the RPC has not answered (the status says so rather than showing stale zeros).
 */
export class ChainState implements Startable {
  private last: Provider | null = null
  private missing = false
  private lastError: string | null = null
  private timer: NodeJS.Timeout | undefined
  private mints: MarketTokens | null = null

  constructor(
    private readonly client: MarketClient,
    private readonly provider: PublicKey,
    private readonly everyMs = CHAIN_REFRESH_MS,
  ) {}

  async refresh(): Promise<Provider | null> {
    try {
      this.last = await this.client.fetchProvider(this.provider)
      this.missing = false
      this.lastError = null
      // a market's mints never change: read once, when the RPC first answers
      if (this.mints === null) this.mints = await this.readTokens(this.last.market).catch(() => null)
    } catch (err) {
      if ((err as Error).name === 'AccountNotFoundError') {
        this.missing = true
        this.last = null
      }
      this.lastError = `${(err as Error).name}: ${(err as Error).message}`
    }
    return this.last
  }

  /** Reads the account once (the status has it from the start), then every `everyMs`. */
  async start(): Promise<void> {
    await this.refresh()
    this.timer = setInterval(() => void this.refresh(), this.everyMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** The market's mints and decimals once read; null before (or while the RPC does not answer). */
  get tokens(): MarketTokens | null {
    return this.mints
  }

  private async readTokens(market: PublicKey): Promise<MarketTokens> {
    const { mint, stakeMint } = await this.client.fetchMarket(market)
    const decimals = async (address: PublicKey): Promise<MintView> => {
      const info = await this.client.connection.getAccountInfo(address)
      const value = info?.data[MINT_DECIMALS_OFFSET]
      if (value === undefined) throw new Error(`mint ${address.toBase58()} not found`)
      return { mint: address.toBase58(), decimals: value }
    }
    const [payment, stake] = await Promise.all([decimals(mint), decimals(stakeMint)])
    return { payment, stake }
  }

  get account(): Provider | null {
    return this.last
  }

  get error(): string | null {
    return this.lastError
  }

  view(): NodeStatus['chain'] {
    if (this.missing) return { staked: '0', earned: '0', providerStatus: 'unregistered', reputation: {} }
    const p = this.last
    if (p === null) return null
    return {
      staked: p.staked.toString(),
      earned: p.reputation.earned.toString(),
      providerStatus: p.status.kind,
      reputation: Object.fromEntries(Object.entries(p.reputation).map(([k, v]) => [k, v.toString()])),
    }
  }
}

import type { PublicKey } from '@solana/web3.js'
import type { NodeStatus } from '@synkti/jobs'
import type { MarketClient, Provider } from '@synkti/market'
import type { Startable } from './components.js'

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

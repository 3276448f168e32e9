import { setTimeout as sleep } from 'node:timers/promises'

/**
 * A steady stream of completion requests against a job that may move. A request that fails
 * (the old machine drained, a connection refused) asks for the endpoint again and retries once;
 * it counts as failed only when the retry fails too — what a client with one retry sees.
 * Through a gateway there should be nothing to retry: `retried` counts what it let through.
 */

export interface LoadStats {
  sent: number
  succeeded: number
  failed: number
  retried: number
  /** endpoints served, in order of first success */
  endpoints: string[]
}

export interface LoadInit {
  resolve: () => Promise<string | null>
  model: string
  ratePerSec: number
  timeoutMs?: number
  /**
   * Which machine answered: behind a gateway the URL stays the same while the job moves, so
   * the gateway says where it forwards (default: the URL itself).
   */
  servedBy?: () => string | null
}

export class LoadGenerator {
  readonly stats: LoadStats = { sent: 0, succeeded: 0, failed: 0, retried: 0, endpoints: [] }
  private endpoint: string | null = null
  private running = false
  private loop: Promise<void> | undefined
  private readonly inFlight = new Set<Promise<void>>()

  constructor(private readonly init: LoadInit) {}

  start(): void {
    this.running = true
    this.loop = this.run()
  }

  async stop(): Promise<LoadStats> {
    this.running = false
    await this.loop
    await Promise.allSettled([...this.inFlight])
    return this.stats
  }

  private async run(): Promise<void> {
    const gap = 1_000 / this.init.ratePerSec
    while (this.running) {
      const request = this.one().finally(() => this.inFlight.delete(request))
      this.inFlight.add(request)
      await sleep(gap)
    }
  }

  private async one(): Promise<void> {
    this.stats.sent++
    if (await this.attempt()) return
    this.stats.retried++
    this.endpoint = null
    if (await this.attempt()) return
    this.stats.failed++
  }

  private async attempt(): Promise<boolean> {
    try {
      this.endpoint ??= await this.init.resolve()
      if (this.endpoint === null) return false
      const endpoint = this.endpoint
      const response = await fetch(`${endpoint}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: this.init.model, prompt: 'Synkti moves jobs, not promises.', max_tokens: 8 }),
        signal: AbortSignal.timeout(this.init.timeoutMs ?? 10_000),
      })
      if (!response.ok) return false
      await response.json()
      this.stats.succeeded++
      const servedBy = this.init.servedBy?.() ?? endpoint
      if (!this.stats.endpoints.includes(servedBy)) this.stats.endpoints.push(servedBy)
      return true
    } catch {
      return false
    }
  }
}

/**
 * What the gateway knows of one lease, in memory and as its state file holds it: the service it
 * saw (by provider), the request tallies, the last receipt it signed, the top-ups spent, and
 * where the job moved. Pure: the gateway does the I/O. The receipt rule lives here:
 *
 * - a receipt covers `[from, until]` where `from` is the chain's last settlement and `until`
 *   the end of the healthy run the gateway saw through `from` — never time it could not see;
 * - a period is signed once: a receipt is signed only when it reaches past the last one.
 */
import type { RouteState } from './route.js'
import { ServedLedger } from './served.js'
import { freshState, type GatewayState, type SentReceipt } from './state.js'
import { Tallies, type Tally } from './tally.js'

/** Longest gap between two healthy sightings that is still continuous service, for a probe interval. */
export const maxSilenceSec = (probeMs: number) => Math.max(3, (3 * probeMs) / 1000)

export class LeaseSession {
  ledger: ServedLedger
  ledgerProvider: string | null
  tallies: Tallies
  lastReceipt: SentReceipt | null
  spent: bigint
  movedFrom: string | null
  movedTo: string | null
  /** moves the gateway made on its own (--return-to-spot), carried by a move like `spent` */
  autoMoves: number
  /** something changed since the state was last written */
  dirty = false
  /** where the lease is served now (not kept on disk: looked up again) */
  route: RouteState = { kind: 'waiting', reason: 'starting' }

  private constructor(
    readonly lease: string,
    readonly openedAt: number,
    private readonly silenceSec: number,
    state: GatewayState,
  ) {
    this.ledger = ServedLedger.restore(state.served.runs, silenceSec)
    this.ledgerProvider = state.served.provider
    this.tallies = new Tallies(state.tallies)
    this.lastReceipt = state.lastReceipt
    this.spent = state.spent
    this.movedFrom = state.movedFrom
    this.movedTo = state.movedTo
    this.autoMoves = state.autoMoves
  }

  /** From a state file: the runs it saw are closed, nothing later extends them. */
  static resume(state: GatewayState, probeMs: number): LeaseSession {
    return new LeaseSession(state.lease, state.openedAt, maxSilenceSec(probeMs), state)
  }

  static fresh(lease: string, openedAt: number, probeMs: number, spent = 0n, autoMoves = 0): LeaseSession {
    return LeaseSession.resume(freshState(lease, openedAt, spent, autoMoves), probeMs)
  }

  toState(): GatewayState {
    return {
      lease: this.lease,
      openedAt: this.openedAt,
      spent: this.spent,
      served: { provider: this.ledgerProvider, runs: this.ledger.snapshot() },
      tallies: this.tallies.snapshot(),
      lastReceipt: this.lastReceipt,
      movedFrom: this.movedFrom,
      movedTo: this.movedTo,
      autoMoves: this.autoMoves,
    }
  }

  /** The job is served by `provider` now: what an earlier provider served says nothing of it. */
  servedBy(provider: string): void {
    if (provider === this.ledgerProvider) return
    this.ledger = new ServedLedger(this.silenceSec)
    this.ledgerProvider = provider
    this.dirty = true
  }

  observe(at: number, ok: boolean): void {
    this.ledger.observe(at, ok)
    this.dirty = true
  }

  answered(at: number, bodyDigest: Uint8Array): void {
    this.ledger.observe(at, true)
    this.tallies.answered(bodyDigest)
    this.dirty = true
  }

  /**
   * The receipt to sign for `provider` when the chain has settled up to `from`, or null: the
   * gateway did not see continuous service from `from`, or it signed as far already.
   */
  planReceipt(from: number, provider: string): { from: number; until: number; tally: Tally } | null {
    if (provider !== this.ledgerProvider) return null
    const until = this.ledger.coveredUntil(from)
    if (until === null) return null
    const last = this.lastReceipt
    if (last !== null && last.provider === provider && until <= last.until) return null
    return { from, until, tally: this.tallies.forPeriod(from) }
  }

  /** `receipt` was signed (answered or not): it is the last, and a new tally starts at its end. */
  signed(receipt: SentReceipt): void {
    this.lastReceipt = receipt
    this.tallies.signed(receipt.until)
    this.dirty = true
  }
}

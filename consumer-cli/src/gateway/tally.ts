/**
 * What a receipt says it was served: the number of answered requests and a running digest of
 * their response bodies, counted from where the receipt starts. Pure.
 *
 * A receipt always starts at the chain's last settlement (`from`), which moves only when the
 * serving node attests — with one of the receipts already sent, or on its own word. So a tally
 * is started at each receipt's end: when the chain settles on that end, the next receipt counts
 * what was answered since. The first tally counts from the gateway's start on the lease.
 */
import { createHash } from 'node:crypto'

export interface Tally {
  /** chain second the tally starts at: 0 for the lease's first, else a receipt's `until` */
  since: number
  requests: bigint
  /** sha256 chain: digest' = sha256(digest ‖ sha256(body)) */
  digest: Uint8Array
}

/** More unsettled receipts than this and the middle ones are forgotten (their ends lose precision). */
export const MAX_TALLIES = 256

export const emptyTally = (since: number): Tally => ({ since, requests: 0n, digest: new Uint8Array(32) })

export function addAnswer(t: Tally, bodyDigest: Uint8Array): Tally {
  const next = new Uint8Array(64)
  next.set(t.digest, 0)
  next.set(bodyDigest, 32)
  return {
    since: t.since,
    requests: t.requests + 1n,
    digest: new Uint8Array(createHash('sha256').update(next).digest()),
  }
}

export class Tallies {
  private list: Tally[]

  constructor(list: readonly Tally[] = []) {
    this.list = list.length > 0 ? [...list].sort((a, b) => a.since - b.since) : [emptyTally(0)]
  }

  /** One answered request, counted in every open tally. */
  answered(bodyDigest: Uint8Array): void {
    this.list = this.list.map((t) => addAnswer(t, bodyDigest))
  }

  /**
   * The tally for a receipt starting at `from`: the newest one that started at or before it
   * (exactly at it when the chain settled on an earlier receipt's end). Older ones are dropped:
   * the chain has settled past them.
   */
  forPeriod(from: number): Tally {
    let at = 0
    for (let i = 0; i < this.list.length; i++) if ((this.list[i] as Tally).since <= from) at = i
    this.list = this.list.slice(at)
    return this.list[0] as Tally
  }

  /** A receipt up to `until` was signed: what is answered from now on starts a new tally. */
  signed(until: number): void {
    const last = this.list.at(-1)
    if (last !== undefined && last.since >= until) return
    this.list.push(emptyTally(until))
    if (this.list.length > MAX_TALLIES) this.list.splice(1, this.list.length - MAX_TALLIES)
  }

  snapshot(): Tally[] {
    return this.list.map((t) => ({ ...t, digest: new Uint8Array(t.digest) }))
  }
}

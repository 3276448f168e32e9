/** A binary min-heap of events ordered by time, then rank (the order of kinds at one instant), then insertion. */
export interface Queued<E> {
  time: number
  rank: number
  seq: number
  event: E
}

export class EventQueue<E> {
  private readonly items: Queued<E>[] = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  push(time: number, rank: number, event: E): void {
    const item = { time, rank, seq: this.seq++, event }
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(item, a[parent]!)) break
      a[i] = a[parent]!
      i = parent
    }
    a[i] = item
  }

  pop(): Queued<E> | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (top === undefined || last === undefined || a.length === 0) return top
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= a.length) break
      const r = l + 1
      const c = r < a.length && before(a[r]!, a[l]!) ? r : l
      if (!before(a[c]!, last)) break
      a[i] = a[c]!
      i = c
    }
    a[i] = last
    return top
  }
}

function before<E>(x: Queued<E>, y: Queued<E>): boolean {
  if (x.time !== y.time) return x.time < y.time
  if (x.rank !== y.rank) return x.rank < y.rank
  return x.seq < y.seq
}

/**
 * Column prices from Bertsekas' auction with ε-scaling, for square problems where the shortest
 * augmenting paths are slow to find them. On costs of the form c(i,j) = a(i)·b(j) + … (the
 * planner's own: price per second × job duration) every row wants the same few columns, and a
 * search only learns a column's price from the rows that already fought over it: each new row
 * then walks past all of them, Θ(n) scans per row. Bidding with a minimum increment ε settles the
 * prices coarsely first and finely later, in a few passes over the matrix.
 *
 * Only the prices are used: the caller restarts the exact searches from them (any prices give a
 * valid start for a square problem), so neither the auction's assignment nor its final ε decide
 * the optimum, only how much work the searches have left.
 */

/** Each phase divides ε by this. */
const SCALING = 8
/** The last phase's ε, relative to the cost range: finer prices stop paying for themselves. */
const FINEST = 1e-7

/**
 * Writes prices into v (as v(j) = −price(j)) for the first `rows` rows of a row-major matrix with
 * `cols` ≥ rows columns. Columns no row bids for keep price 0. Stops early, keeping the prices it
 * has, after `maxBids` bids (a price war without end means some rows cannot all be placed; the
 * searches will find that out).
 */
export function auctionPrices(cost: Float64Array, rows: number, cols: number, v: Float64Array, maxBids: number): void {
  const range = finiteRange(cost.subarray(0, rows * cols))
  if (range === 0 || rows === 0) return
  const price = new Float64Array(cols)
  const owner = new Int32Array(cols)
  const stack = new Int32Array(rows)
  let bids = 0
  for (let epsilon = range / SCALING; ; epsilon /= SCALING) {
    owner.fill(-1)
    let top = 0
    for (let i = rows - 1; i >= 0; i--) stack[top++] = i
    while (top > 0) {
      if (bids++ >= maxBids) {
        writeDuals(price, v)
        return
      }
      const i = stack[--top]!
      const base = i * cols
      let best = Number.POSITIVE_INFINITY
      let second = Number.POSITIVE_INFINITY
      let bestAt = -1
      for (let j = 0; j < cols; j++) {
        const w = cost[base + j]! + price[j]!
        if (w < second) {
          if (w < best) {
            second = best
            best = w
            bestAt = j
          } else second = w
        }
      }
      if (bestAt === -1) continue // no feasible column: nothing to bid for
      // With one feasible column the bid is capped: any price above the cost range says "taken".
      price[bestAt]! += (second === Number.POSITIVE_INFINITY ? range : second - best) + epsilon
      const displaced = owner[bestAt]!
      owner[bestAt] = i
      if (displaced >= 0) stack[top++] = displaced
    }
    if (epsilon <= range * FINEST) break
  }
  writeDuals(price, v)
}

function writeDuals(price: Float64Array, v: Float64Array) {
  for (let j = 0; j < price.length; j++) v[j] = -price[j]!
}

function finiteRange(cost: Float64Array): number {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let k = 0; k < cost.length; k++) {
    const c = cost[k]!
    if (c === Number.POSITIVE_INFINITY) continue
    if (c < lo) lo = c
    if (c > hi) hi = c
  }
  return hi > lo ? hi - lo : 0
}

/**
 * Seeded randomness. xoshiro128** seeded through splitmix32: small, fast, and good enough
 * for simulation. Every source of randomness gets its own stream, derived from the run seed and
 * the source's name, so that what one source draws never shifts another: policies compared on
 * one seed meet the same arrivals, prices and preemptions (common random numbers).
 */
export interface Stream {
  /** uniform in [0, 1) */
  next(): number
  /** exponential with the given mean */
  exp(mean: number): number
  /** standard normal */
  normal(): number
  /** integer in [0, n) */
  int(n: number): number
  pick<T>(xs: readonly T[]): T
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** FNV-1a, to turn a source's name into part of its seed. */
function hashName(name: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return h >>> 0
}

export function createStream(seed: number, name: string): Stream {
  const init = splitmix32((seed >>> 0) ^ hashName(name) ^ Math.floor(seed / 2 ** 32))
  let a = init()
  let b = init()
  let c = init()
  let d = init()
  if ((a | b | c | d) === 0) a = 1
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotl(d, 11)
    return r / 4294967296
  }
  return {
    next,
    exp: (mean) => -mean * Math.log(1 - next()),
    normal: () => {
      const u = 1 - next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
    },
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  }
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k))

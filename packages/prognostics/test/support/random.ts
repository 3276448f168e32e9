import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { mersenne } from 'pure-rand/generator/mersenne'

/** A seeded source of uniform and standard normal draws, so tests and benches are reproducible. */
export interface Random {
  uniform(): number
  normal(): number
  exponential(rate: number): number
}

export function seeded(seed: number): Random {
  const rng = mersenne(seed)
  let spare: number | undefined
  const uniform = () => uniformFloat64(rng)
  return {
    uniform,
    normal() {
      if (spare !== undefined) {
        const s = spare
        spare = undefined
        return s
      }
      // Box-Muller; 1 - u keeps the logarithm finite.
      const r = Math.sqrt(-2 * Math.log(1 - uniform()))
      const theta = 2 * Math.PI * uniform()
      spare = r * Math.sin(theta)
      return r * Math.cos(theta)
    },
    exponential(rate) {
      return -Math.log(1 - uniform()) / rate
    },
  }
}

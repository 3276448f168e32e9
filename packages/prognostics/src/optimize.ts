/**
 * Nelder-Mead simplex minimisation (Nelder & Mead 1965, standard coefficients). Written here
 * because the npm `fmin` package cannot be imported as an ES module on Node 20; the ARIMA
 * fitter only needs a derivative-free minimiser over a handful of unconstrained parameters.
 */

export interface MinimizeInit {
  /** Initial simplex edge. */
  step?: number
  maxIterations?: number
  /** Stop when the spread of function values in the simplex falls below this. */
  tolerance?: number
}

export interface Minimum {
  x: number[]
  fx: number
}

export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  init: MinimizeInit = {},
): Minimum {
  const dim = x0.length
  if (dim === 0) return { x: [], fx: f([]) }
  const step = init.step ?? 0.5
  const maxIterations = init.maxIterations ?? 400 * dim
  const tolerance = init.tolerance ?? 1e-10
  const simplex: Minimum[] = [{ x: [...x0], fx: f(x0) }]
  for (let i = 0; i < dim; i++) {
    const x = [...x0]
    x[i] = x[i]! + step
    simplex.push({ x, fx: f(x) })
  }
  const along = (from: readonly number[], to: readonly number[], t: number) => from.map((v, i) => v + t * (to[i]! - v))

  for (let it = 0; it < maxIterations; it++) {
    simplex.sort((a, b) => a.fx - b.fx)
    const best = simplex[0]!
    const worst = simplex[dim]!
    if (Math.abs(worst.fx - best.fx) <= tolerance * (Math.abs(best.fx) + tolerance)) break
    const centroid = new Array<number>(dim).fill(0)
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j] = centroid[j]! + simplex[i]!.x[j]! / dim
    const reflected = along(centroid, worst.x, -1)
    const fr = f(reflected)
    if (fr < best.fx) {
      const expanded = along(centroid, worst.x, -2)
      const fe = f(expanded)
      simplex[dim] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr }
    } else if (fr < simplex[dim - 1]!.fx) {
      simplex[dim] = { x: reflected, fx: fr }
    } else {
      const outside = fr < worst.fx
      const contracted = along(centroid, outside ? reflected : worst.x, 0.5)
      const fc = f(contracted)
      if (fc < (outside ? fr : worst.fx)) {
        simplex[dim] = { x: contracted, fx: fc }
      } else {
        for (let i = 1; i <= dim; i++) {
          const x = along(best.x, simplex[i]!.x, 0.5)
          simplex[i] = { x, fx: f(x) }
        }
      }
    }
  }
  simplex.sort((a, b) => a.fx - b.fx)
  return simplex[0]!
}

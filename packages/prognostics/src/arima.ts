import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import { DEFAULT_LEVEL, MAX_ARIMA_ORDER, MAX_DIFFERENCES, PACF_LIMIT } from './constants.js'
import { ConstantSeriesError, InvalidHorizonError, InvalidLevelError, InvalidOrderError } from './errors.js'
import { nelderMead } from './optimize.js'
import { checkFinite, checkLength, mean } from './series.js'

export interface ArimaOrder {
  p: number
  d: number
  q: number
}

export interface SeasonalOrder {
  P: number
  D: number
  Q: number
  /** Season length in samples (24 for a daily rhythm sampled hourly). */
  period: number
}

export interface ArimaSpec {
  order: ArimaOrder
  seasonal?: SeasonalOrder
  /**
   * Fit a mean of the differenced series (a drift in levels when d + D = 1).
   * Default: when d + D ≤ 1.
   */
  includeMean?: boolean
}

export interface ArimaFitInit {
  /**
   * Samples of the differenced series the sum of squares is conditioned on (not scored).
   * Default: the model's own largest AR lag. Order selection passes the grid's largest lag so
   * that every candidate is scored on the same samples and AICs are comparable.
   */
  conditionOn?: number
}

/**
 * A fitted (seasonal) ARIMA: φ(B)Φ(Bˢ)(∇ᵈ∇ₛᴰ y − μ) = θ(B)Θ(Bˢ)ε, coefficients in the
 * textbook sign convention (y = φ₁y₋₁ + … + ε + θ₁ε₋₁ + …).
 */
export interface ArimaModel {
  spec: { order: ArimaOrder; seasonal: SeasonalOrder; includeMean: boolean }
  ar: number[]
  ma: number[]
  seasonalAr: number[]
  seasonalMa: number[]
  /** Mean of the differenced series (0 when not included). */
  mean: number
  /** Innovation variance: conditional sum of squares / scored samples. */
  sigma2: number
  logLikelihood: number
  aic: number
  /** Estimated parameters counted in the AIC (coefficients, mean, variance). */
  parameters: number
  /** Residuals scored by the fit. */
  nobs: number
  /** The series the model was fitted to. */
  history: readonly number[]
  /** One-step-ahead in-sample residuals; `residuals[i]` belongs to `history[residualOffset + i]`. */
  residuals: number[]
  residualOffset: number
}

/** A forecast path with a central prediction interval at `level`. */
export interface Forecast {
  mean: number[]
  lower: number[]
  upper: number[]
  /** Forecast standard deviation per step. */
  sd: number[]
  level: number
}

type Lags = { lag: number; coef: number }[]

function checkOrder(spec: ArimaSpec): { order: ArimaOrder; seasonal: SeasonalOrder; includeMean: boolean } {
  const seasonal = spec.seasonal ?? { P: 0, D: 0, Q: 0, period: 1 }
  const counts = [spec.order.p, spec.order.q, seasonal.P, seasonal.Q]
  const ok =
    counts.every((v) => Number.isInteger(v) && v >= 0 && v <= MAX_ARIMA_ORDER) &&
    [spec.order.d, seasonal.D].every((v) => Number.isInteger(v) && v >= 0 && v <= MAX_DIFFERENCES) &&
    Number.isInteger(seasonal.period) &&
    seasonal.period >= 1 &&
    (spec.seasonal === undefined || seasonal.period >= 2)
  if (!ok) throw new InvalidOrderError()
  const includeMean = spec.includeMean ?? spec.order.d + seasonal.D <= 1
  return { order: { ...spec.order }, seasonal: { ...seasonal }, includeMean }
}

/** Coefficients of a product of polynomials, each as [1, c₁, c₂, …] in powers of B. */
function polyMul(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0)
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] = out[i + j]! + a[i]! * b[j]!
  return out
}

/** 1 + sign·Σ cᵢ B^(i·stride). */
function lagPoly(coefs: readonly number[], stride: number, sign: number): number[] {
  const out = new Array<number>(coefs.length * stride + 1).fill(0)
  out[0] = 1
  coefs.forEach((c, i) => {
    out[(i + 1) * stride] = sign * c
  })
  return out
}

function differencingPoly(d: number, D: number, period: number): number[] {
  let poly = [1]
  for (let i = 0; i < d; i++) poly = polyMul(poly, [1, -1])
  for (let i = 0; i < D; i++) poly = polyMul(poly, lagPoly([1], period, -1))
  return poly
}

/** Apply a polynomial 1 + Σ cₖBᵏ to a series; the first (degree) samples are dropped. */
function applyPoly(poly: readonly number[], y: readonly number[]): number[] {
  const lag = poly.length - 1
  const out: number[] = []
  for (let t = lag; t < y.length; t++) {
    let v = 0
    for (let k = 0; k <= lag; k++) v += poly[k]! * y[t - k]!
    out.push(v)
  }
  return out
}

/** Nonzero terms of 1 + Σ cₖBᵏ as (lag, cₖ), for the recursions. */
function toLags(poly: readonly number[], sign: number): Lags {
  const lags: Lags = []
  for (let k = 1; k < poly.length; k++) if (poly[k] !== 0) lags.push({ lag: k, coef: sign * poly[k]! })
  return lags
}

/**
 * Partial autocorrelations in (−1, 1) to AR coefficients by the Durbin-Levinson recursion
 * (Monahan 1984): any such partials give a stationary AR polynomial, so the optimiser works
 * unconstrained on atanh(partials) and never leaves the stationary/invertible region.
 */
function pacfToAr(partials: readonly number[]): number[] {
  let phi: number[] = []
  for (let k = 0; k < partials.length; k++) {
    const r = partials[k]!
    const next = phi.map((v, j) => v - r * phi[k - 1 - j]!)
    next.push(r)
    phi = next
  }
  return phi
}

const toPartials = (x: readonly number[]) => x.map((v) => PACF_LIMIT * Math.tanh(v))

/** In-sample one-step residuals of the ARMA recursion; samples before `start` are conditioned on. */
function armaResiduals(z: readonly number[], ar: Lags, ma: Lags, start: number): number[] {
  const e = new Array<number>(z.length).fill(0)
  for (let t = start; t < z.length; t++) {
    let v = z[t]!
    for (const { lag, coef } of ar) v -= coef * z[t - lag]!
    for (const { lag, coef } of ma) if (t - lag >= start) v -= coef * e[t - lag]!
    e[t] = v
  }
  return e
}

interface Coefficients {
  ar: number[]
  ma: number[]
  seasonalAr: number[]
  seasonalMa: number[]
}

function splitParameters(x: readonly number[], order: ArimaOrder, seasonal: SeasonalOrder): Coefficients {
  let i = 0
  const take = (n: number) => {
    const part = x.slice(i, i + n)
    i += n
    return part
  }
  return {
    ar: pacfToAr(toPartials(take(order.p))),
    ma: pacfToAr(toPartials(take(order.q))).map((v) => -v),
    seasonalAr: pacfToAr(toPartials(take(seasonal.P))),
    seasonalMa: pacfToAr(toPartials(take(seasonal.Q))).map((v) => -v),
  }
}

function armaLags(c: Coefficients, period: number): { ar: Lags; ma: Lags } {
  const arPoly = polyMul(lagPoly(c.ar, 1, -1), lagPoly(c.seasonalAr, period, -1))
  const maPoly = polyMul(lagPoly(c.ma, 1, 1), lagPoly(c.seasonalMa, period, 1))
  return { ar: toLags(arPoly, -1), ma: toLags(maPoly, 1) }
}

/**
 * Fits a (seasonal) ARIMA by conditional sum of squares: the series is differenced, its mean
 * removed, and the one-step residuals of the ARMA recursion (pre-sample residuals zero) are
 * minimised with Nelder-Mead over a stationary and invertible parameterisation. The
 * log-likelihood is the Gaussian one concentrated in σ²; AIC = −2 logL + 2 × parameters.
 */
export function fitArima(values: readonly number[], spec: ArimaSpec, init: ArimaFitInit = {}): ArimaModel {
  checkFinite(values)
  const { order, seasonal, includeMean } = checkOrder(spec)
  const diffPoly = differencingPoly(order.d, seasonal.D, seasonal.period)
  const maxArLag = order.p + seasonal.P * seasonal.period
  const start = Math.max(init.conditionOn ?? maxArLag, maxArLag)
  const coefCount = order.p + order.q + seasonal.P + seasonal.Q
  const offset = diffPoly.length - 1
  checkLength(values, offset + start + Math.max(coefCount + 2, 8))
  const w = applyPoly(diffPoly, values)
  const mu = includeMean ? mean(w) : 0
  const z = w.map((v) => v - mu)
  const nobs = z.length - start
  let css0 = 0
  for (let t = start; t < z.length; t++) css0 += z[t]! ** 2
  if (!(css0 > 1e-12 * nobs)) throw new ConstantSeriesError()

  const objective = (x: readonly number[]) => {
    const lags = armaLags(splitParameters(x, order, seasonal), seasonal.period)
    const e = armaResiduals(z, lags.ar, lags.ma, start)
    let css = 0
    for (let t = start; t < z.length; t++) css += e[t]! ** 2
    return Math.log(css / nobs)
  }
  // A restart from the first optimum guards against Nelder-Mead stalling on a collapsed simplex.
  const first = nelderMead(objective, new Array<number>(coefCount).fill(0))
  const best = nelderMead(objective, first.x, { step: 0.1 })
  const coefs = splitParameters(best.x, order, seasonal)
  const lags = armaLags(coefs, seasonal.period)
  const e = armaResiduals(z, lags.ar, lags.ma, start)
  let css = 0
  for (let t = start; t < z.length; t++) css += e[t]! ** 2
  const sigma2 = css / nobs
  const logLikelihood = -(nobs / 2) * (Math.log(2 * Math.PI * sigma2) + 1)
  const parameters = coefCount + (includeMean ? 1 : 0) + 1
  return {
    spec: { order, seasonal, includeMean },
    ...coefs,
    mean: mu,
    sigma2,
    logLikelihood,
    aic: -2 * logLikelihood + 2 * parameters,
    parameters,
    nobs,
    history: [...values],
    residuals: e.slice(start),
    residualOffset: offset + start,
  }
}

/** ψ-weights of the full model in levels: y = Σ ψⱼ εₜ₋ⱼ, differencing folded into the AR side. */
export function psiWeights(model: ArimaModel, count: number): number[] {
  const { order, seasonal } = model.spec
  const arPoly = polyMul(
    polyMul(lagPoly(model.ar, 1, -1), lagPoly(model.seasonalAr, seasonal.period, -1)),
    differencingPoly(order.d, seasonal.D, seasonal.period),
  )
  const maPoly = polyMul(lagPoly(model.ma, 1, 1), lagPoly(model.seasonalMa, seasonal.period, 1))
  const psi = [1]
  for (let j = 1; j < count; j++) {
    let v = maPoly[j] ?? 0
    for (let k = 1; k <= Math.min(j, arPoly.length - 1); k++) v -= arPoly[k]! * psi[j - k]!
    psi.push(v)
  }
  return psi
}

export function checkHorizon(horizon: number): void {
  if (!Number.isInteger(horizon) || horizon < 1) throw new InvalidHorizonError()
}

/** z such that a central interval ±z·sd holds `level` of a normal. */
export function zFor(level: number): number {
  if (!(level > 0 && level < 1)) throw new InvalidLevelError()
  return normalQuantile(0.5 + level / 2, 0, 1)
}

export function withInterval(means: number[], sd: number[], level: number): Forecast {
  const z = zFor(level)
  return {
    mean: means,
    sd,
    lower: means.map((m, i) => m - z * sd[i]!),
    upper: means.map((m, i) => m + z * sd[i]!),
    level,
  }
}

/**
 * Forecasts `horizon` steps past the end of the history: the ARMA recursion on the differenced
 * series (future innovations zero, past ones the fit's residuals), integrated back to levels.
 * The interval is mean ± z·σ·√(Σ_{j<h} ψⱼ²), the textbook variance of the h-step error.
 */
export function forecastArima(model: ArimaModel, horizon: number, level = DEFAULT_LEVEL): Forecast {
  checkHorizon(horizon)
  zFor(level)
  const { order, seasonal } = model.spec
  const diffPoly = differencingPoly(order.d, seasonal.D, seasonal.period)
  const w = applyPoly(diffPoly, model.history)
  const z = w.map((v) => v - model.mean)
  const start = z.length - model.residuals.length
  const e = [...new Array<number>(start).fill(0), ...model.residuals]
  const lags = armaLags(model, seasonal.period)
  const y = [...model.history]
  for (let h = 0; h < horizon; h++) {
    const t = z.length
    let v = 0
    for (const { lag, coef } of lags.ar) v += coef * z[t - lag]!
    for (const { lag, coef } of lags.ma) if (t - lag >= start) v += coef * (e[t - lag] ?? 0)
    z.push(v)
    e.push(0)
    // Undo the differencing: y_t = w_t − Σ_{k≥1} c_k y_{t−k}.
    let next = v + model.mean
    const n = y.length
    for (let k = 1; k < diffPoly.length; k++) next -= diffPoly[k]! * y[n - k]!
    y.push(next)
  }
  const psi = psiWeights(model, horizon)
  let cumulative = 0
  const sd = psi.map((p) => {
    cumulative += p * p
    return Math.sqrt(model.sigma2 * cumulative)
  })
  return withInterval(y.slice(model.history.length), sd, level)
}

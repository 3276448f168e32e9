import { fitArima, forecastArima } from './src/arima.js'
import { seeded } from './test/support/random.js'

const rnd = seeded(1)
const y = [0]
for (let i = 1; i < 2000; i++) y.push(0.6 * y[i - 1]! + rnd.normal())
const m = fitArima(y, { order: { p: 1, d: 0, q: 0 } })
console.log(m.ar, m.sigma2, m.mean, m.aic)
const e = [0]
const ma: number[] = [0]
for (let i = 1; i < 2000; i++) {
  const n = rnd.normal()
  ma.push(n + 0.5 * e[i - 1]!)
  e.push(n)
}
const m2 = fitArima(ma, { order: { p: 0, d: 0, q: 1 } })
console.log(m2.ma, m2.sigma2)
console.log(forecastArima(m, 3))
const t0 = performance.now()
const s = Array.from(
  { length: 1200 },
  (_, t) => 3 * Math.sin((2 * Math.PI * t) / 24) + 1.5 * Math.sin((2 * Math.PI * t) / 168) + rnd.normal() + 0.02 * t,
)
const m3 = fitArima(s, { order: { p: 1, d: 0, q: 1 }, seasonal: { P: 0, D: 1, Q: 1, period: 168 } })
console.log(m3.ar, m3.ma, m3.seasonalMa, m3.sigma2, m3.mean, performance.now() - t0)

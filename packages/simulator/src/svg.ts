/** Plain SVG text for the report's plots: a scatter with a legend, and overlaid histograms. */

const W = 720
const H = 440
const M = { left: 70, right: 190, top: 40, bottom: 55 }
export const PALETTE = ['#7f7f7f', '#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd']

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(1) : x.toPrecision(2))

function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1
  const step = 10 ** Math.floor(Math.log10(span / n))
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => span / s <= n) ?? step * 10
  const out: number[] = []
  for (let v = Math.ceil(lo / nice) * nice; v <= hi + 1e-12; v += nice) out.push(v)
  return out
}

function frame(title: string, xLabel: string, yLabel: string, x: [number, number], y: [number, number]) {
  const pw = W - M.left - M.right
  const ph = H - M.top - M.bottom
  const sx = (v: number) => M.left + ((v - x[0]) / (x[1] - x[0] || 1)) * pw
  const sy = (v: number) => M.top + ph - ((v - y[0]) / (y[1] - y[0] || 1)) * ph
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.right / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
  ]
  for (const v of ticks(x[0], x[1])) {
    parts.push(`<line x1="${sx(v)}" y1="${M.top + ph}" x2="${sx(v)}" y2="${M.top + ph + 5}" stroke="#333"/>`)
    parts.push(`<text x="${sx(v)}" y="${M.top + ph + 18}" text-anchor="middle">${fmt(v)}</text>`)
  }
  for (const v of ticks(y[0], y[1])) {
    parts.push(`<line x1="${M.left - 5}" y1="${sy(v)}" x2="${M.left}" y2="${sy(v)}" stroke="#333"/>`)
    parts.push(`<line x1="${M.left}" y1="${sy(v)}" x2="${M.left + pw}" y2="${sy(v)}" stroke="#eee"/>`)
    parts.push(`<text x="${M.left - 8}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`)
  }
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`)
  parts.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`)
  return { parts, sx, sy, pw }
}

function legend(parts: string[], names: readonly string[]) {
  names.forEach((name, k) => {
    const y = M.top + 10 + k * 20
    parts.push(
      `<rect x="${W - M.right + 15}" y="${y - 9}" width="12" height="12" fill="${PALETTE[k % PALETTE.length]}"/>`,
    )
    parts.push(`<text x="${W - M.right + 33}" y="${y + 1}">${esc(name)}</text>`)
  })
}

function extent(values: number[], pad = 0.04): [number, number] {
  const finite = values.filter(Number.isFinite)
  let lo = Math.min(...finite)
  let hi = Math.max(...finite)
  if (!(hi > lo)) {
    lo -= 1
    hi += 1
  }
  const p = (hi - lo) * pad
  return [lo - p, hi + p]
}

export interface Series {
  name: string
  points: [number, number][]
}

export function scatter(title: string, xLabel: string, yLabel: string, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.points)
  const { parts, sx, sy } = frame(title, xLabel, yLabel, extent(all.map((p) => p[0])), extent(all.map((p) => p[1])))
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length]
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y)) {
        parts.push(
          `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.6" fill="${color}" fill-opacity="0.55"/>`,
        )
      }
    }
  })
  legend(
    parts,
    series.map((s) => s.name),
  )
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

/** Overlaid histograms over shared bins, with a line at zero. */
export function histograms(
  title: string,
  xLabel: string,
  series: readonly { name: string; values: number[] }[],
  bins = 30,
): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite)
  const [lo, hi] = extent([...all, 0], 0.02)
  const width = (hi - lo) / bins
  const counts = series.map((s) => {
    const c = new Array<number>(bins).fill(0)
    for (const v of s.values) if (Number.isFinite(v)) c[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1
    return c
  })
  const top = Math.max(1, ...counts.flat())
  const { parts, sx, sy } = frame(title, xLabel, 'scenarios', [lo, hi], [0, top * 1.05])
  counts.forEach((c, k) => {
    const color = PALETTE[(k + 3) % PALETTE.length]
    c.forEach((n, b) => {
      if (n === 0) return
      const x0 = sx(lo + b * width)
      const x1 = sx(lo + (b + 1) * width)
      parts.push(
        `<rect x="${x0.toFixed(1)}" y="${sy(n).toFixed(1)}" width="${(x1 - x0).toFixed(1)}" height="${(sy(0) - sy(n)).toFixed(1)}" fill="${color}" fill-opacity="0.45" stroke="${color}"/>`,
      )
    })
  })
  parts.push(
    `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(0)}" y2="${sy(top * 1.05)}" stroke="black" stroke-dasharray="4 3"/>`,
  )
  series.forEach((s, k) => {
    const y = M.top + 10 + k * 20
    parts.push(
      `<rect x="${W - M.right + 15}" y="${y - 9}" width="12" height="12" fill="${PALETTE[(k + 3) % PALETTE.length]}"/>`,
    )
    parts.push(`<text x="${W - M.right + 33}" y="${y + 1}">${esc(s.name)}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

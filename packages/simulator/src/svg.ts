/** Plain SVG text for the report's plots: a scatter with a legend, and histogram panels. */

export const W = 720
export const H = 440
export const M = { left: 70, right: 190, top: 40, bottom: 55 }
export const PALETTE = ['#7f7f7f', '#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#9467bd']

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const fmt = (x: number) =>
  Number.isInteger(Math.round(x * 1e6) / 1e6)
    ? Math.round(x).toString()
    : Math.abs(x) >= 1
      ? x.toFixed(1)
      : x.toPrecision(2)

/** Tick label with as many decimals as the tick step needs. */
function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  return v.toFixed(decimals)
}

function tickStep(lo: number, hi: number, n = 5): number {
  const span = hi - lo || 1
  const step = 10 ** Math.floor(Math.log10(span / n))
  return [1, 2, 5, 10].map((k) => k * step).find((s) => span / s <= n) ?? step * 10
}

/** Round tick values in [lo, hi] with their labels. */
function ticks(lo: number, hi: number, n = 5): { v: number; label: string }[] {
  const step = tickStep(lo, hi, n)
  const out: { v: number; label: string }[] = []
  for (let k = Math.ceil(lo / step); k * step <= hi + 1e-12; k++)
    out.push({ v: k * step, label: tickLabel(k * step, step) })
  return out
}

export function frame(title: string, xLabel: string, yLabel: string, x: [number, number], y: [number, number]) {
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
  for (const { v, label } of ticks(x[0], x[1])) {
    parts.push(`<line x1="${sx(v)}" y1="${M.top + ph}" x2="${sx(v)}" y2="${M.top + ph + 5}" stroke="#333"/>`)
    parts.push(`<text x="${sx(v)}" y="${M.top + ph + 18}" text-anchor="middle">${label}</text>`)
  }
  for (const { v, label } of ticks(y[0], y[1])) {
    parts.push(`<line x1="${M.left - 5}" y1="${sy(v)}" x2="${M.left}" y2="${sy(v)}" stroke="#333"/>`)
    parts.push(`<line x1="${M.left}" y1="${sy(v)}" x2="${M.left + pw}" y2="${sy(v)}" stroke="#eee"/>`)
    parts.push(`<text x="${M.left - 8}" y="${sy(v) + 4}" text-anchor="end">${label}</text>`)
  }
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`)
  parts.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`)
  return { parts, sx, sy, pw }
}

/** Hollow markers of a different shape per series, so overlapping series stay visible. */
function marker(k: number, x: number, y: number, color: string): string {
  const r = 3.2
  const at = (dx: number, dy: number) => `${(x + dx).toFixed(1)},${(y + dy).toFixed(1)}`
  const style = `fill="none" stroke="${color}" stroke-width="1.2" stroke-opacity="0.8"`
  switch (k % 5) {
    case 0:
      return `<rect x="${(x - r).toFixed(1)}" y="${(y - r).toFixed(1)}" width="${2 * r}" height="${2 * r}" ${style}/>`
    case 1:
      return `<polygon points="${at(0, -r)} ${at(r, r)} ${at(-r, r)}" ${style}/>`
    case 2:
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" ${style}/>`
    case 3:
      return `<path d="M${at(-r, -r)}L${at(r, r)}M${at(-r, r)}L${at(r, -r)}" ${style}/>`
    default:
      return `<path d="M${at(-r, 0)}L${at(r, 0)}M${at(0, -r)}L${at(0, r)}" ${style}/>`
  }
}

export function extent(values: number[], pad = 0.04): [number, number] {
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
    const color = PALETTE[k % PALETTE.length]!
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y)) parts.push(marker(k, sx(x), sy(y), color))
    }
  })
  series.forEach((s, k) => {
    const y = M.top + 10 + k * 20
    parts.push(marker(k, W - M.right + 21, y - 3, PALETTE[k % PALETTE.length]!))
    parts.push(`<text x="${W - M.right + 33}" y="${y + 1}">${esc(s.name)}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

/** One histogram panel per series, each over its own range, with a dashed line at zero and the median. */
export function histograms(
  title: string,
  xLabel: string,
  series: readonly { name: string; values: number[] }[],
  bins = 30,
): string {
  const panelH = 150
  const top = 40
  const gap = 40
  const left = 70
  const width = W - left - 30
  const height = top + series.length * (panelH + gap) + 20
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ]
  series.forEach((s, k) => {
    const y0 = top + k * (panelH + gap)
    const values = s.values.filter(Number.isFinite)
    const [lo, hi] = extent([...values, 0], 0.02)
    const binW = (hi - lo) / bins
    const counts = new Array<number>(bins).fill(0)
    for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / binW))]! += 1
    const maxCount = Math.max(1, ...counts)
    const sx = (v: number) => left + ((v - lo) / (hi - lo)) * width
    const sy = (n: number) => y0 + panelH - (n / maxCount) * (panelH - 10)
    const color = PALETTE[(k + 3) % PALETTE.length]
    const sorted = [...values].sort((a, b) => a - b)
    const med = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : Number.NaN
    parts.push(`<rect x="${left}" y="${y0}" width="${width}" height="${panelH}" fill="none" stroke="#333"/>`)
    parts.push(
      `<text x="${left + 6}" y="${y0 + 16}">${esc(s.name)}: ${values.length} scenarios, median ${fmt(med)}</text>`,
    )
    counts.forEach((n, b) => {
      if (n === 0) return
      const x0 = sx(lo + b * binW)
      parts.push(
        `<rect x="${x0.toFixed(1)}" y="${sy(n).toFixed(1)}" width="${(sx(lo + (b + 1) * binW) - x0).toFixed(1)}" height="${(sy(0) - sy(n)).toFixed(1)}" fill="${color}" fill-opacity="0.5" stroke="${color}"/>`,
      )
    })
    parts.push(
      `<line x1="${sx(0)}" y1="${y0}" x2="${sx(0)}" y2="${y0 + panelH}" stroke="black" stroke-dasharray="4 3"/>`,
    )
    for (const { v, label } of ticks(lo, hi)) {
      parts.push(`<text x="${sx(v)}" y="${y0 + panelH + 15}" text-anchor="middle">${label}</text>`)
    }
    parts.push(`<text x="${left - 8}" y="${sy(maxCount) + 4}" text-anchor="end">${maxCount}</text>`)
    parts.push(`<text x="${left - 8}" y="${y0 + panelH}" text-anchor="end">0</text>`)
  })
  parts.push(`<text x="${left + width / 2}" y="${height - 6}" text-anchor="middle">${esc(xLabel)}</text>`)
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

import { esc, extent, frame, M, PALETTE, W } from '../svg.js'

/** The service report's plots as plain SVG text: lines over time and stacked cost bars. */

export interface Line {
  name: string
  points: [number, number][]
}

const legend = (parts: string[], names: readonly string[], swatch: (k: number, x: number, y: number) => string) => {
  names.forEach((name, k) => {
    const y = M.top + 10 + k * 20
    parts.push(swatch(k, W - M.right + 12, y - 4))
    parts.push(`<text x="${W - M.right + 33}" y="${y + 1}">${esc(name)}</text>`)
  })
}

/** Step lines (a value holds until the next point), one colour and dash per series. */
export function lines(title: string, xLabel: string, yLabel: string, series: readonly Line[], y?: [number, number]) {
  const all = series.flatMap((s) => s.points)
  const { parts, sx, sy } = frame(
    title,
    xLabel,
    yLabel,
    extent(
      all.map((p) => p[0]),
      0,
    ),
    y ?? extent(all.map((p) => p[1])),
  )
  const dash = (k: number) => (k < PALETTE.length ? '' : ' stroke-dasharray="5 3"')
  series.forEach((s, k) => {
    if (s.points.length === 0) return
    let d = `M${sx(s.points[0]![0]).toFixed(1)},${sy(s.points[0]![1]).toFixed(1)}`
    for (let i = 1; i < s.points.length; i++) {
      d += `H${sx(s.points[i]![0]).toFixed(1)}V${sy(s.points[i]![1]).toFixed(1)}`
    }
    parts.push(`<path d="${d}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="1.4"${dash(k)}/>`)
  })
  legend(
    parts,
    series.map((s) => s.name),
    (k, x, yy) =>
      `<line x1="${x}" y1="${yy}" x2="${x + 16}" y2="${yy}" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="2"${dash(k)}/>`,
  )
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

export interface StackedBar {
  name: string
  parts: number[]
}

/** One vertical bar per item, its parts stacked in the order of `partNames`. */
export function stackedBars(title: string, yLabel: string, partNames: readonly string[], bars: readonly StackedBar[]) {
  const top = Math.max(1e-9, ...bars.map((b) => b.parts.reduce((a, x) => a + x, 0)))
  const { parts, sx, sy } = frame(title, 'policy', yLabel, [0, bars.length], [0, top * 1.05])
  const width = (sx(1) - sx(0)) * 0.7
  bars.forEach((b, i) => {
    let base = 0
    b.parts.forEach((v, k) => {
      const y0 = sy(base)
      const y1 = sy(base + v)
      parts.push(
        `<rect x="${(sx(i + 0.5) - width / 2).toFixed(1)}" y="${y1.toFixed(1)}" width="${width.toFixed(1)}" height="${Math.max(0, y0 - y1).toFixed(1)}" fill="${PALETTE[(k + 3) % PALETTE.length]}"/>`,
      )
      base += v
    })
    // Names run up the bar, so ten of them fit side by side.
    parts.push(
      `<text transform="translate(${(sx(i + 0.5) + 3).toFixed(1)} ${(sy(0) - 4).toFixed(1)}) rotate(-90)" font-size="10">${esc(b.name)}</text>`,
    )
  })
  legend(
    parts,
    partNames,
    (k, x, y) => `<rect x="${x}" y="${y - 6}" width="16" height="12" fill="${PALETTE[(k + 3) % PALETTE.length]}"/>`,
  )
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

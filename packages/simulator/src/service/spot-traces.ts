import { SpotTraceFormatError, SpotTraceNameError } from '../errors.js'

/**
 * The trace format of skypilot-org/spot-traces: one JSON file per zone and instance type,
 * `{ metadata: { gap_seconds }, data: [count, …], prices?: [usd/h, …] }`, where `data[k]` holds
 * from `k × gap` to `(k + 1) × gap`. In `availability/` files the count is how many instances a
 * launch of the probe's size could obtain; in `preemption/` files it is how many of the
 * launched instances are still running (relaunched after they are all gone). Both say how many
 * machines the pool would hold for us at that tick, up to the probe's size, so both load as
 * capacity over time.
 */
export type TraceKind = 'availability' | 'preemption'

export interface SpotTrace {
  /** where it came from, for messages */
  source: string
  kind: TraceKind
  zone: string
  /** catalog key, e.g. `v100_1` */
  accelerator: string
  gapSeconds: number
  counts: number[]
  /** spot price per hour at each tick, when the file has it */
  prices?: number[]
}

/** Zone and catalog key from a file name like `us-east-1a_v100_1.json` or `us-central1-a_c3-88.json`. */
export function parseTraceName(path: string): { zone: string; accelerator: string } {
  const base = path.split('/').pop() ?? path
  const m = /^([a-z0-9-]+?)_([a-z0-9-]+(?:_[0-9]+)?)\.json$/.exec(base)
  if (m === null) throw new SpotTraceNameError(path)
  return { zone: m[1]!, accelerator: m[2]! }
}

/** The kind from the path: the set keeps the two kinds in `availability/` and `preemption/`. */
export function traceKindOf(path: string): TraceKind {
  return /(^|\/)preemption\//.test(path) ? 'preemption' : 'availability'
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0
const isPrice = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0

/** Parses one file's text; `path` names the zone, the instance type and (by folder) the kind. */
export function parseSpotTrace(path: string, text: string): SpotTrace {
  const { zone, accelerator } = parseTraceName(path)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new SpotTraceFormatError(path, `not JSON (${(err as Error).message})`)
  }
  if (json === null || typeof json !== 'object') throw new SpotTraceFormatError(path, 'expected an object')
  const o = json as { metadata?: { gap_seconds?: unknown }; data?: unknown; prices?: unknown }
  const gap = o.metadata?.gap_seconds
  if (typeof gap !== 'number' || !(gap > 0) || !Number.isFinite(gap))
    throw new SpotTraceFormatError(path, 'metadata.gap_seconds must be a positive number')
  if (!Array.isArray(o.data) || o.data.length === 0)
    throw new SpotTraceFormatError(path, 'data must be a non-empty array')
  const bad = o.data.findIndex((x) => !isCount(x))
  if (bad >= 0) throw new SpotTraceFormatError(path, `data[${bad}] is not a non-negative integer count`)
  const trace: SpotTrace = {
    source: path,
    kind: traceKindOf(path),
    zone,
    accelerator,
    gapSeconds: gap,
    counts: o.data as number[],
  }
  if (o.prices !== undefined) {
    if (!Array.isArray(o.prices) || o.prices.length !== o.data.length)
      throw new SpotTraceFormatError(path, 'prices must be an array as long as data')
    const badPrice = o.prices.findIndex((x) => !isPrice(x))
    if (badPrice >= 0) throw new SpotTraceFormatError(path, `prices[${badPrice}] is not a non-negative number`)
    trace.prices = o.prices as number[]
  }
  return trace
}

/** A trace in the same format, for tests and for exporting a capacity path. */
export function formatSpotTrace(gapSeconds: number, counts: readonly number[], prices?: readonly number[]): string {
  return JSON.stringify(
    prices === undefined
      ? { metadata: { gap_seconds: gapSeconds }, data: counts }
      : { metadata: { gap_seconds: gapSeconds }, data: counts, prices },
  )
}

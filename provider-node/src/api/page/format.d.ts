// Types of the status page's pure formatting module (plain JS, served to the browser as is).

export interface PhaseSpan {
  kind: string
  startedAt: number
  endedAt: number | null
}

export interface PhaseRow {
  kind: string
  /** HH:MM:SS.mmm UTC */
  started: string
  /** empty for the terminal phase; '(running)' appended while it lasts */
  duration: string
  running: boolean
}

export function formatDuration(ms: number): string
export function formatAmount(decimal: string): string
export function formatTime(unixSeconds: number | null): string
export function formatContext(context: { kind: string; region?: string; zone?: string; spot: boolean }): string
export function formatRisk(risk: number): string
export function formatTimeToThreshold(ttt: { earliest: number; likely: number; latest: number } | null): string
export function phaseRows(phases: PhaseSpan[], nowMs: number): PhaseRow[]
export function failoverElapsed(phases: PhaseSpan[], nowMs: number): string
export function shortAddress(address: string): string
export function formatTokens(decimal: string, decimals: number | null): string
export function reputationRows(
  reputation: Record<string, string>,
  paymentDecimals: number | null,
): { key: string; label: string; value: string }[]
export function chartGeometry(
  points: [number, number][],
  threshold: number | null,
  width: number,
  height: number,
): { line: string; thresholdY: number | null; min: number; max: number; last: number | null }
export function formatSeriesValue(name: string, value: number): string

/**
 * One result object per command, rendered either for people (text, errors on stderr) or for
 * programs (`--json`: exactly one JSON object on stdout, errors included as `error`). Amounts
 * are bigint in results and decimal strings in JSON, addresses base58, hashes hex.
 */

import type { LeaseRunway, LeaseView } from './chain.js'
import type { ErrorReport } from './classify.js'
import type { DisputeResult } from './commands/dispute-open.js'
import type { DoctorResult } from './commands/doctor.js'
import type { GatewayResult } from './commands/gateway.js'
import type { LogsResult } from './commands/job-logs.js'
import type { MoveResult } from './commands/job-move.js'
import type { RunResult } from './commands/job-run.js'
import type { StatusResult } from './commands/job-status.js'
import type { StopResult } from './commands/job-stop.js'
import type { TopUpResult } from './commands/job-top-up.js'
import type { LeaseListResult } from './commands/lease-list.js'
import type { ReclaimResult } from './commands/lease-reclaim.js'
import type { PricesResult } from './commands/market-prices.js'
import type { ProvidersResult } from './commands/providers.js'
import type { ProviderFitResult } from './commands/providers-for.js'
import { disputeSentence, endingSentence, handoffSentence, isoSeconds as iso } from './ending.js'
import { describeMisfit } from './misfit.js'
import type { Offer } from './offers.js'

export type CommandResult =
  | ProvidersResult
  | ProviderFitResult
  | PricesResult
  | RunResult
  | MoveResult
  | StatusResult
  | LogsResult
  | TopUpResult
  | StopResult
  | LeaseListResult
  | ReclaimResult
  | DisputeResult
  | GatewayResult
  | DoctorResult
  | KeygenResult

/** `synkti keygen`: where the new wallet was written, and its address. */
export interface KeygenResult {
  kind: 'keygen'
  path: string
  address: string
}

/** What a command hands back: its result and, when it printed something but still failed, why. */
export interface Outcome {
  result: CommandResult
  failure?: Error
}

// --- JSON ------------------------------------------------------------------------------------

function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex')
  return value
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonValue)
}

export function errorJson(report: ErrorReport): {
  name: string
  message: string
  remedy: string
  issues?: unknown
  problems?: unknown
} {
  return {
    name: report.name,
    message: report.message,
    remedy: report.remedy,
    ...(report.issues !== undefined ? { issues: report.issues } : {}),
    ...(report.problems !== undefined ? { problems: report.problems } : {}),
  }
}

/** The single JSON object of a run: the result, with `error` when the run failed. */
export function renderJson(result: CommandResult | null, error?: ErrorReport): string {
  const body = { ...(result ?? {}), ...(error !== undefined ? { error: errorJson(error) } : {}) }
  return `${toJson(body)}\n`
}

// --- text ------------------------------------------------------------------------------------

/** Left-aligned columns, two spaces apart, headers included. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(headers), ...rows.map(line)].join('\n')
}

function gpuText(o: Offer): string {
  return `${o.capability.gpu.count}× ${o.capability.gpu.model} ${o.capability.gpu.vramGb}GB`
}

function providersText(r: ProvidersResult): string {
  const rows = r.providers.map((o) => [
    o.operator,
    gpuText(o),
    o.capability.region,
    o.capability.spot ? 'spot' : 'on-demand',
    String(o.pricePerSecond),
    String(o.staked),
    `${o.reputation.leasesCompleted}/${o.reputation.leasesFailed}/${o.reputation.disputesLost}`,
    String(o.load.jobs),
  ])
  const out = [
    `${r.providers.length} verified provider(s) in market ${r.market}`,
    ...(rows.length > 0
      ? [table(['OPERATOR', 'GPU', 'REGION', 'KIND', 'PRICE/S', 'STAKE', 'DONE/FAILED/LOST', 'JOBS'], rows)]
      : []),
    ...r.rejected.map((x) => `left out ${x.operator}: ${x.reason}`),
  ]
  return out.join('\n')
}

function fitText(r: ProviderFitResult): string {
  const fitting = r.providers.filter((p) => p.fits).length
  const stake = r.minStake === null ? '' : `, stake at least ${r.minStake}`
  const lines = [
    `${fitting} of ${r.providers.length} provider(s) in market ${r.market} fit ${r.name} (${r.spec}; cap ${r.cap}/s${stake})`,
  ]
  for (const p of r.providers) {
    const o = p.offer
    const verdict = p.fits
      ? `fits: ${o === null ? '' : `${gpuText(o)}, ${o.capability.region}, ${o.pricePerSecond}/s`}`
      : `does not fit: ${p.reasons.map(describeMisfit).join('; ')}`
    lines.push(`${p.operator}  ${verdict}`)
  }
  return lines.join('\n')
}

function pricesText(r: PricesResult): string {
  const rows = r.groups.map((g) => [
    `${g.gpuCount}× ${g.gpu}`,
    g.region,
    String(g.count),
    String(g.min),
    String(g.median),
    String(g.max),
  ])
  const head =
    rows.length === 0
      ? `no verified provider with an active account in market ${r.market}`
      : table(['GPU', 'REGION', 'PROVIDERS', 'MIN/S', 'MEDIAN/S', 'MAX/S'], rows)
  const left = r.leftOut.length === 0 ? [] : [`${r.leftOut.length} provider(s) left out (synkti providers says why)`]
  return [head, ...left].join('\n')
}

/** `active`, or for an ended lease why it ended (`ended: completed`). */
function leaseState(l: LeaseView): string {
  return l.outcome === null ? l.status : `ended: ${l.outcome}`
}

function leaseRows(leases: LeaseView[]): string[][] {
  return leases.map((l) => [
    l.address,
    leaseState(l),
    l.provider,
    String(l.deposited),
    String(l.remaining),
    String(l.pricePerSecond),
    iso(l.openedAt),
  ])
}

/** What the chain says happened to a lease beyond its status: its end, its dispute, its hand-offs. */
function leaseStory(l: LeaseView): string[] {
  return [
    ...(l.ending === null ? [] : [endingSentence(l.ending)]),
    ...(l.dispute === null ? [] : [disputeSentence(l.dispute)]),
    ...(l.handoffs === null ? [] : [handoffSentence(l.handoffs)]),
  ]
}

function leaseListText(r: LeaseListResult): string {
  if (r.leases.length === 0) return `no leases of ${r.consumer}${r.market === null ? '' : ` in market ${r.market}`}`
  const stories = r.leases.flatMap((l) => leaseStory(l).map((line) => `${l.address}: ${line}`))
  return [
    table(['LEASE', 'STATUS', 'PROVIDER', 'DEPOSITED', 'REMAINING', 'PRICE/S', 'OPENED'], leaseRows(r.leases)),
    ...(stories.length === 0 ? [] : ['', ...stories]),
  ].join('\n')
}

/** "1740 s, until 2026-12-03T11:02:00Z: 1800000 remaining less 60000 owed for 60 s served since the last settlement" */
function runwaySentence(w: LeaseRunway, status: LeaseView['status']): string {
  const lasts = `${w.secondsLeft} s${Number.isFinite(w.paidThrough) ? `, until ${iso(w.paidThrough)}` : ''}`
  if (!w.billing) {
    return `${lasts} of service once billed (${status === 'open' ? 'billing starts when the provider accepts' : 'billing stopped at the dispute'})`
  }
  return `${lasts}: ${w.available + w.accrued} remaining less ${w.accrued} owed for ${w.unsettledSec} s served since the last settlement`
}

function statusText(r: StatusResult): string {
  const l = r.lease
  const lines = [
    `lease     ${l.address} (${leaseState(l)}${l.endedAt === null ? '' : ` at ${iso(l.endedAt)}`})`,
    `provider  ${l.provider} (operator ${r.operator})${l.migrationCount > 0 ? `, after ${l.migrationCount} failover(s)` : ''}`,
    `escrow    deposited ${l.deposited}, spent ${l.spent}, remaining ${l.remaining} at ${l.pricePerSecond}/s; settled until ${iso(l.settledUntil)}`,
    ...(r.runway === null ? [] : [`runway    ${runwaySentence(r.runway, l.status)}`]),
    ...(l.ending === null ? [] : [`why       ${endingSentence(l.ending)}`]),
    ...(l.dispute === null ? [] : [`why       ${disputeSentence(l.dispute)}`]),
    ...(l.handoffs === null ? [] : [`handoffs  ${handoffSentence(l.handoffs)}`]),
  ]
  const node = r.node
  if (!node.reachable) {
    lines.push(`job       unknown: the provider could not be asked (${node.error})`)
  } else if (node.job === null) {
    lines.push('job       the provider lists no job for this lease')
  } else {
    const j = node.job
    lines.push(`job       ${j.state}, model ${j.model}, started ${iso(j.startedAt)}`)
    if (j.endpoint !== null) lines.push(`endpoint  ${j.endpoint}`)
    if (j.reason !== null) lines.push(`reason    ${j.reason}`)
    for (const f of node.failovers) {
      lines.push(`failover  ${f.trigger}: ${f.phase}${f.target === null ? '' : ` → ${f.target}`}`)
    }
  }
  return lines.join('\n')
}

function runText(r: RunResult): string {
  const head = `job ${r.name} on lease ${r.lease}, provider ${r.operator} at ${r.pricePerSecond}/s, deposit ${r.deposit}`
  if (r.endpoint !== null) return `${head}\n${r.state}\nendpoint ${r.endpoint}`
  return `${head}\nsubmitted; follow it with: synkti job status ${r.lease}`
}

function moveText(r: MoveResult): string {
  const old = r.old.closed
    ? `closed lease ${r.from}: refunded ${r.old.refund ?? 0}`
    : `lease ${r.from} was not closed (synkti job stop ${r.from})`
  const via = r.gateway === null ? [] : [`the gateway ${r.gateway} forwards to it (same URL)`]
  return [
    `moved lease ${r.from} to lease ${r.lease}, provider ${r.operator} at ${r.pricePerSecond}/s, deposit ${r.deposit}`,
    old,
    ...via,
    `endpoint ${r.endpoint}`,
  ].join('\n')
}

function doctorText(r: DoctorResult): string {
  const lines = [`synkti doctor (${r.cluster}, ${r.rpcUrl})`]
  for (const c of r.checks) {
    const mark = c.status === 'ok' ? 'ok     ' : c.status === 'failed' ? 'FAILED ' : 'skipped'
    lines.push(`${mark}  ${c.name.padEnd(7)}  ${c.observed}`)
    if (c.status === 'failed') lines.push(`${' '.repeat(18)}${c.error}; remedy: ${c.remedy}`)
  }
  return lines.join('\n')
}

export function renderText(result: CommandResult): string {
  switch (result.kind) {
    case 'providers':
      return providersText(result)
    case 'provider-fit':
      return fitText(result)
    case 'market-prices':
      return pricesText(result)
    case 'lease-list':
      return leaseListText(result)
    case 'job-status':
      return statusText(result)
    case 'job-run':
      return runText(result)
    case 'job-logs':
      // the lines were printed as they arrived; stdout holds nothing else
      return ''
    case 'job-top-up':
      return `topped up ${result.lease} by ${result.amount}: ${result.deposited} deposited in all\nsignature ${result.signature}`
    case 'job-stop':
      return result.via === 'reclaim'
        ? `reclaimed ${result.lease} (${result.outcome}): its provider had stopped attesting for longer than the market's gap, so nothing more was paid; refunded ${result.refund}\nsignature ${result.signature}`
        : `closed ${result.lease} (${result.outcome}): paid ${result.payout} for ${result.seconds} s, fee ${result.fee}, refunded ${result.refund}\nsignature ${result.signature}`
    case 'lease-reclaim':
      return `reclaimed ${result.lease} from ${result.provider} (stalled): refunded ${result.refund}\nsignature ${result.signature}`
    case 'dispute-open':
      return `dispute opened on ${result.lease}: ${result.frozen} frozen until the arbiter rules, bond ${result.bond} posted\nreason sha256 ${result.reasonHash}\nsignature ${result.signature}`
    case 'job-move':
      return moveText(result)
    case 'gateway':
      return `gateway for ${result.lease}${result.serving !== result.lease ? ` (serving ${result.serving} since a move)` : ''} stopped: ${result.stopped}`
    case 'doctor':
      return doctorText(result)
    case 'keygen':
      return `wrote ${result.path}\nwallet ${result.address} (fund it: npm run localnet -- faucet --to ${result.path} --sol 2 on localnet)`
  }
}

/** `error <Name>: message` and `remedy: …`, for stderr. */
export function renderErrorText(report: ErrorReport): string {
  const issues = (report.issues ?? []).map((i) => `  ${i.path === '' ? '(document)' : i.path}: ${i.message}`)
  const problems = (report.problems ?? []).map((p) => `  ${p.name}: ${p.message}`)
  return [`error ${report.name}: ${report.message}`, ...issues, ...problems, `remedy: ${report.remedy}`].join('\n')
}

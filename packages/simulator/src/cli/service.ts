import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { type FleetInit, fleetFromTraces, parseFleetFile } from '../service/data-fleet.js'
import { DEFAULT_SERVICE, type ServiceSpec } from '../service/engine.js'
import { loadSpotTraces } from '../service/load.js'
import { SERVICE_POLICIES, servicePolicyByName } from '../service/policies.js'
import { buildServiceReport } from '../service/report.js'
import {
  CLAIM_POLICY,
  capacityPerDollarVsOnDemand,
  DEFAULT_WINDOW_DAYS,
  DEFAULT_WINDOWS,
  runTraceSet,
  type TraceSetResult,
} from '../service/run.js'
import type { CliIo } from './io.js'
import { seedOption } from './options.js'

export interface ServiceCliOptions {
  root: string
  set: string[]
  replicas: number
  capacityScale?: number
  spotShare: number
  bandwidth: number
  windows: number
  windowDays: number
  seed: number
  policy?: string[]
  out?: string
  fleet?: string
  source?: string
}

const number =
  (name: string, ok: (n: number) => boolean, what: string) =>
  (value: string): number => {
    const n = Number(value)
    if (!ok(n)) throw new InvalidArgumentError(`${name} must be ${what}`)
    return n
  }
const positiveInt = (name: string) => number(name, (n) => Number.isInteger(n) && n >= 1, 'a positive integer')

/** `availability/1-node/aws-02-15-2023@1`: the set's folder under the root, and an optional capacity scale. */
export function parseSetSpec(spec: string): { path: string; scale?: number } {
  const [path, scale] = spec.split('@')
  if (path === undefined || path === '') throw new InvalidArgumentError(`set "${spec}": a folder under --root`)
  if (scale === undefined) return { path }
  const n = Number(scale)
  if (!(Number.isInteger(n) && n >= 1))
    throw new InvalidArgumentError(`set "${spec}": the scale after @ must be a positive integer`)
  return { path, scale: n }
}

export function serviceAction(io: CliIo, opts: ServiceCliOptions): void {
  const started = performance.now()
  const service: ServiceSpec = { ...DEFAULT_SERVICE, replicas: opts.replicas, bandwidthGbPerSecond: opts.bandwidth }
  const policies =
    opts.policy === undefined
      ? SERVICE_POLICIES
      : ['on-demand', ...opts.policy.filter((p) => p !== 'on-demand')].map(servicePolicyByName)
  const fleetFile: FleetInit =
    opts.fleet === undefined ? {} : parseFleetFile(readFileSync(opts.fleet, 'utf8'), opts.fleet)
  const results: TraceSetResult[] = []
  const notes: Record<string, string> = {}
  for (const spec of opts.set) {
    const { path, scale } = parseSetSpec(spec)
    const traces = loadSpotTraces([join(opts.root, path)], resolve(opts.root))
    // A 1-node probe that succeeds says "at least one"; the 16-node traces show a zone's
    // capacity is nearly all or nothing, so by default such a pool is read as holding N.
    const probes = traces.reduce((m, t) => t.counts.reduce((a, c) => Math.max(a, c), m), 0)
    const capacityScale = scale ?? fleetFile.capacityScale ?? (probes <= 1 ? (opts.capacityScale ?? opts.replicas) : 1)
    const name = scale === undefined ? path : `${path} @${scale}`
    notes[name] =
      probes <= 1
        ? `1-node probes × ${capacityScale}`
        : `counted (probes of up to ${probes})${capacityScale > 1 ? ` × ${capacityScale}` : ''}`
    const fleet = fleetFromTraces(traces, { spotShare: opts.spotShare, ...fleetFile, name, capacityScale })
    results.push(
      runTraceSet(fleet, { service, policies, windows: opts.windows, windowDays: opts.windowDays, seed: opts.seed }),
    )
    io.stderr(`${name}: done\n`)
  }
  const seconds = (performance.now() - started) / 1000
  if (opts.out === undefined) {
    for (const set of results) printSet(io, set)
    return
  }
  const report = buildServiceReport(results, {
    source: opts.source ?? `the spot traces under ${opts.root}`,
    seed: opts.seed,
    windows: opts.windows,
    windowDays: opts.windowDays,
    service,
    seconds,
    capacityNotes: notes,
  })
  mkdirSync(opts.out, { recursive: true })
  writeFileSync(join(opts.out, 'report.md'), report.markdown)
  for (const [name, text] of Object.entries(report.files)) writeFileSync(join(opts.out, name), text)
  io.stdout(
    `wrote ${join(opts.out, 'report.md')} and ${Object.keys(report.files).length} plots (${seconds.toFixed(1)} s)\n`,
  )
}

function printSet(io: CliIo, set: TraceSetResult) {
  const od = set.full.runs.find((r) => r.policy === 'on-demand')!
  io.stdout(`${set.name}: ${set.zones} zones, ${(set.horizon / 86_400).toFixed(1)} days\n`)
  const head = ['policy', 'cap/$ ×OD', '≥1 up', 'all up', 'longest s', 'migr', 'spend $']
  const rows = set.full.runs.map((r) => [
    r.policy === CLAIM_POLICY ? `${r.policy} *` : r.policy,
    capacityPerDollarVsOnDemand(r, od).toFixed(2),
    `${(100 * r.serving.anyUp).toFixed(3)}%`,
    `${(100 * r.serving.allUp).toFixed(2)}%`,
    r.serving.longestOutageSeconds.toFixed(0),
    String(r.migrations),
    r.spendUsd.toFixed(0),
  ])
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)))
  for (const r of [head, ...rows]) io.stdout(`${r.map((c, k) => c.padStart(widths[k]!)).join('  ')}\n`)
}

export function serviceCommand(io: CliIo, action = serviceAction): Command {
  return new Command('service')
    .description(
      'run a service of N replicas over spot-traces trace sets (skypilot-org/spot-traces format) and compare policies',
    )
    .requiredOption(
      '--root <dir>',
      'a checkout of the trace repository (paths under it say availability/ or preemption/)',
    )
    .requiredOption(
      '--set <folders...>',
      'trace set folders under --root, each optionally folder@k (read each count as k machines)',
    )
    .addOption(
      new Option('--replicas <n>', 'replicas the service needs')
        .argParser(positiveInt('replicas'))
        .default(DEFAULT_SERVICE.replicas),
    )
    .addOption(
      new Option(
        '--capacity-scale <n>',
        'machines a successful 1-node probe stands for (default: the replicas)',
      ).argParser(positiveInt('capacity-scale')),
    )
    .addOption(
      new Option('--spot-share <x>', 'spot price as a share of on-demand where a trace has no prices')
        .argParser(number('spot-share', (n) => n > 0 && n <= 1, 'in (0, 1]'))
        .default(0.3),
    )
    .addOption(
      new Option('--bandwidth <GB/s>', 'weights download bandwidth')
        .argParser(number('bandwidth', (n) => n > 0 && Number.isFinite(n), 'positive'))
        .default(DEFAULT_SERVICE.bandwidthGbPerSecond),
    )
    .addOption(
      new Option('--windows <n>', 'windows per set for the paired statistics')
        .argParser(number('windows', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'))
        .default(DEFAULT_WINDOWS),
    )
    .addOption(
      new Option('--window-days <n>', 'length of each window')
        .argParser(number('window-days', (n) => n > 0, 'positive'))
        .default(DEFAULT_WINDOW_DAYS),
    )
    .addOption(seedOption())
    .addOption(
      new Option('--policy <names...>', 'policies (on-demand is always run)').choices(
        SERVICE_POLICIES.map((p) => p.name),
      ),
    )
    .addOption(new Option('--source <text>', "the traces' origin, as the report names it"))
    .addOption(new Option('--fleet <file.json>', 'instance types, prices and providers as data (see the README)'))
    .addOption(new Option('--out <dir>', 'write report.md and SVG plots there instead of printing tables'))
    .action((opts: ServiceCliOptions) => action(io, opts))
}

import type { CloudKind, Machine, MachineState } from '@synkti/cloud'
import type { ProviderRow } from './chain.js'
import { formatAge, launchedAt, workerIndex } from './naming.js'

/** One machine as `fleet ls` shows it. */
export interface FleetRow {
  id: string
  name: string
  cloud: CloudKind
  type: string
  state: MachineState
  spot: boolean
  zone: string | null
  publicIp: string | null
  /** Seconds since launch; null when the name carries no launch stamp (made by other tools). */
  ageSec: number | null
  /** The provider index its name carries; null for machines of an older `up` or other tools. */
  index: number | null
  /** Its provider account on chain, when the chain was read (ls, down). */
  provider?: ProviderRow | null
}

export function fleetRow(m: Machine, now: Date): FleetRow {
  const launched = launchedAt(m.name)
  return {
    id: m.id,
    name: m.name,
    cloud: m.cloud,
    type: m.instanceType,
    state: m.state,
    spot: m.spot,
    zone: m.zone ?? null,
    publicIp: m.publicIp ?? null,
    ageSec: launched === undefined ? null : Math.max(0, Math.floor((now.getTime() - launched.getTime()) / 1000)),
    index: workerIndex(m.name) ?? null,
  }
}

const CLOUD_COLUMNS = ['ID', 'CLOUD', 'TYPE', 'STATE', 'SPOT', 'ZONE', 'AGE', 'INDEX'] as const
const CHAIN_COLUMNS = ['OPERATOR', 'PROVIDER', 'STAKED', 'LEASES', 'PRICE'] as const

/** `7xKX…sAsU`: enough of a key to tell a fleet's keys apart; --json has the whole key. */
export function shortKey(key: string): string {
  return key.length <= 10 ? key : `${key.slice(0, 4)}…${key.slice(-4)}`
}

function chainCells(p: ProviderRow | null | undefined): string[] {
  if (p === null || p === undefined) return ['-', '-', '-', '-', '-']
  const status = p.keyMatches === false ? `${p.status}(other-key)` : p.status
  return [
    p.operator === null ? '-' : shortKey(p.operator),
    status,
    p.staked ?? '-',
    p.openLeases === null ? '-' : String(p.openLeases),
    p.pricePerSecond ?? '-',
  ]
}

/**
 * A plain text table, columns padded to their widest cell (the way `kubectl get` prints). With
 * `chain`, each machine's provider account follows (operator, status, staked, open leases,
 * price), and `idle` accounts of the cluster that no machine serves get a row each (ID `-`).
 */
export function fleetTable(
  rows: readonly FleetRow[],
  chain?: { idle: readonly ProviderRow[]; cloud: CloudKind },
): string[] {
  const cells = rows.map((r) => [
    r.id,
    r.cloud,
    r.type,
    r.state,
    r.spot ? 'spot' : 'on-demand',
    r.zone ?? '-',
    r.ageSec === null ? '-' : formatAge(r.ageSec),
    r.index === null ? '-' : String(r.index),
    ...(chain !== undefined ? chainCells(r.provider) : []),
  ])
  for (const p of chain?.idle ?? []) {
    cells.push(['-', chain?.cloud ?? '-', '-', 'none', '-', '-', '-', String(p.index), ...chainCells(p)])
  }
  const columns: string[] = [...CLOUD_COLUMNS, ...(chain !== undefined ? CHAIN_COLUMNS : [])]
  const all = [columns, ...cells]
  const widths = columns.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)))
  return all.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  )
}

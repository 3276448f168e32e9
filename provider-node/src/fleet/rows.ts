import type { CloudKind, Machine, MachineState } from '@synkti/cloud'
import { formatAge, launchedAt } from './naming.js'

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
  }
}

const COLUMNS = ['ID', 'CLOUD', 'TYPE', 'STATE', 'SPOT', 'ZONE', 'AGE'] as const

/** A plain text table, columns padded to their widest cell (the way `kubectl get` prints). */
export function fleetTable(rows: readonly FleetRow[]): string[] {
  const cells = rows.map((r) => [
    r.id,
    r.cloud,
    r.type,
    r.state,
    r.spot ? 'spot' : 'on-demand',
    r.zone ?? '-',
    r.ageSec === null ? '-' : formatAge(r.ageSec),
  ])
  const all = [[...COLUMNS], ...cells]
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0)))
  return all.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  )
}

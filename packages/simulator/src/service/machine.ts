import type { FleetPool } from './data-fleet.js'

/** One machine of the service: a replica, or a move's replacement until it serves. */
export interface Machine {
  id: number
  pool: FleetPool
  launchedAt: number
  readyAt: number
  ready: boolean
  noticed: boolean
  released: boolean
  /** a return move's replacement: the machine it relieves once it serves */
  replaces: Machine | null
  replacedBy: Machine | null
}

import type { Pool } from './fleet.js'
import type { SimJob } from './world.js'

/** The simulation's mutable state: machines and where each job is in its life. */

export type Role = 'job' | 'spare'

export interface Machine {
  pool: Pool
  /** slot in a finite pool; -1 for cloud on-demand */
  slot: number
  role: Role
  job: JobState
  launchedAt: number
  readyAt: number
  ready: boolean
  released: boolean
  noticed: boolean
  /** boot, and weights + GPU load + health check, of this machine's startup */
  spawning: number
  health: number
  /** set when a spare is promoted: the failover switches routing instead of starting a machine */
  switched: boolean
}

/**
 * Where a job is in its life. A job serves in `serving`, and in `displaced` while its noticed
 * machine still runs (`current`); it needs the planner in `queued`, and in `displaced` until a
 * replacement (`next`) is chosen. Spares exist only while serving.
 */
export type JobPhase =
  | { kind: 'pending' }
  | { kind: 'queued'; since: number }
  | { kind: 'starting'; next: Machine }
  | { kind: 'serving'; current: Machine; spare: Machine | null }
  | { kind: 'displaced'; noticeAt: number; current: Machine | null; next: Machine | null; since: number }
  | { kind: 'done' }

export const isServing = (p: JobPhase): boolean =>
  p.kind === 'serving' || (p.kind === 'displaced' && p.current !== null)
export const needsPlan = (p: JobPhase): p is Extract<JobPhase, { kind: 'queued' | 'displaced' }> =>
  p.kind === 'queued' || (p.kind === 'displaced' && p.next === null)

export interface JobState {
  job: SimJob
  phase: JobPhase
  servingSince: number
  servedSeconds: number
  /** whether it ever served: downtime counts only after that */
  started: boolean
  downSince: number
  downSeconds: number
}

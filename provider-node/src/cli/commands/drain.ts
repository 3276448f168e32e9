import { rm, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { NodeConfig } from '../../node/config.js'
import { isAlive } from '../../node/job-records.js'
import { drainRequestPath } from '../../node/jobs-service.js'
import { NodeNotRunningError } from '../errors.js'
import { lockHolder } from '../lock.js'

/** How long `drain` waits beyond the node's own drain deadline for it to close its leases and exit. */
const DRAIN_GRACE_MS = 60_000
const POLL_MS = 200

export interface DrainResult {
  /** the node's process */
  pid: number
  stateDir: string
  /** whether it exited within its drain deadline and a minute more */
  stopped: boolean
}

/**
 * A stop meant to drain, unlike a restart (Ctrl-C, a plain kill, a service manager's restart:
 * the jobs run on for the next start to adopt): asks the node running on the config's state
 * directory to stop every job and close its lease as the operator (billing ends now), then to
 * stop; resolves once its process is gone. The request is a file the node reads when it stops
 * (`<stateDir>/drain-requested`), then SIGTERM.
 */
export async function drain(config: NodeConfig): Promise<DrainResult> {
  const holder = await lockHolder(config.stateDir)
  if (holder === null) throw new NodeNotRunningError(config.stateDir)
  const request = drainRequestPath(config.stateDir)
  await writeFile(request, `${JSON.stringify({ at: new Date().toISOString() })}\n`, { mode: 0o600 })
  try {
    process.kill(holder.pid, 'SIGTERM')
  } catch {
    await rm(request, { force: true })
    throw new NodeNotRunningError(config.stateDir)
  }
  const until = Date.now() + config.drainDeadlineMs + DRAIN_GRACE_MS
  while (isAlive(holder.pid) && Date.now() < until) await sleep(POLL_MS)
  return { pid: holder.pid, stateDir: config.stateDir, stopped: !isAlive(holder.pid) }
}

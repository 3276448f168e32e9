/**
 * Following a job until it serves: each poll asks the lease's current provider (see ask.ts);
 * a line is printed only when something changed (provider, job state, failover phase). The
 * loop is pure over its injected `ask`, `sleep` and `now`, so every branch is testable.
 */
import type { FailoverView, JobView } from '@synkti/jobs'
import { describeError } from './classify.js'
import { EXIT_CODES, JobFailedError, JobNotHealthyError } from './errors.js'

/** What one poll saw: who serves the lease, its job there (if listed) and its failover (if any). */
export interface Observation {
  operator: string
  job: JobView | undefined
  failover: FailoverView | undefined
}

const short = (address: string) => `${address.slice(0, 4)}…${address.slice(-4)}`

function describe(o: Observation): string {
  const on = `on ${short(o.operator)}`
  if (o.failover !== undefined && o.failover.phase !== 'restored' && o.failover.phase !== 'serving') {
    const target = o.failover.target === null ? '' : ` → ${short(o.failover.target)}`
    return `failover (${o.failover.trigger}): ${o.failover.phase}${target}`
  }
  const job = o.job
  if (job === undefined) return `waiting for the provider ${on} to start the job`
  switch (job.state) {
    case 'starting':
      return `starting ${job.model} ${on}`
    case 'healthy':
      return `healthy ${on}: ${job.endpoint ?? '(no endpoint yet)'}`
    case 'draining':
      return `draining ${on}`
    case 'handed-off':
      return `handed off ${on} to ${job.handedOffTo === null ? 'another provider' : short(job.handedOffTo)}`
    case 'stopped':
      return `stopped ${on}${job.reason === null ? '' : `: ${job.reason}`}`
    case 'failed':
      return `failed ${on}${job.reason === null ? '' : `: ${job.reason}`}`
  }
}

/** The line to print for `next`, or null when nothing a user cares about changed since `prev`. */
export function progressLine(prev: Observation | undefined, next: Observation): string | null {
  const line = describe(next)
  return prev !== undefined && describe(prev) === line ? null : line
}

export interface WaitInit {
  lease: string
  ask: () => Promise<Observation>
  onProgress: (line: string) => void
  sleep: (ms: number) => Promise<void>
  /** ms */
  now: () => number
  timeoutMs: number
  pollMs: number
}

/**
 * Polls until the job is healthy with an endpoint. A failed or stopped job ends the wait with
 * JobFailedError, the deadline with JobNotHealthyError. An unreachable provider is retried
 * until the deadline: during a failover the old node goes away before the lease moves.
 */
export async function waitHealthy(init: WaitInit): Promise<{ operator: string; job: JobView }> {
  const started = init.now()
  let prev: Observation | undefined
  let lastState = 'unknown'
  for (;;) {
    let seen: Observation | undefined
    try {
      seen = await init.ask()
    } catch (err) {
      const report = describeError(err)
      if (report.exitCode !== EXIT_CODES.network) throw err
      init.onProgress(`${report.name}: ${report.message} (retrying)`)
    }
    if (seen !== undefined) {
      const line = progressLine(prev, seen)
      if (line !== null) init.onProgress(line)
      prev = seen
      const job = seen.job
      lastState = job?.state ?? 'not started'
      if (job?.state === 'healthy' && job.endpoint !== null) return { operator: seen.operator, job }
      if (job?.state === 'failed' || job?.state === 'stopped') {
        throw new JobFailedError(init.lease, job.reason ?? job.state)
      }
    }
    if (init.now() - started >= init.timeoutMs) {
      throw new JobNotHealthyError(init.lease, Math.round(init.timeoutMs / 1000), lastState)
    }
    await init.sleep(init.pollMs)
  }
}

import { join } from 'node:path'
import type { NodeComponents, Startable } from './components.js'
import { JobRecords } from './job-records.js'

/**
 * The jobs' life around the node's own: at start, the jobs a previous run of this node started
 * and that still run are adopted (served again, not started twice); at stop, every job is
 * drained. The jobs themselves are the `JobManager` component every service shares.
 */
export class JobsService implements Startable {
  constructor(private readonly components: Pick<NodeComponents, 'config' | 'jobs' | 'log'>) {}

  async start(): Promise<void> {
    const { config, jobs, log } = this.components
    for (const record of await new JobRecords(join(config.stateDir, 'jobs')).load()) {
      if (jobs.adopt(record)) log({ event: 'job-adopted', lease: record.lease, pid: record.pid })
    }
  }

  async stop(): Promise<void> {
    await this.components.jobs[Symbol.asyncDispose]()
  }
}

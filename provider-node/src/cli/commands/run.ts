import type { NodeConfig } from '../../node/config.js'
import { type NodeEvent, ProviderNode } from '../../node/provider-node.js'
import { acquireNodeLock } from '../lock.js'
import type { Output } from '../output.js'

function line(out: Output, event: NodeEvent): string {
  if (out.json) return JSON.stringify({ at: new Date().toISOString(), ...event })
  const { event: name, ...rest } = event
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
  return `${new Date().toISOString().slice(11, 23)} ${name} ${fields}`
}

/**
 * Runs the node until SIGINT/SIGTERM, then stops it in order (API, P2P, loops): a restart, so
 * the jobs run on (each in its own process group, out of reach of a Ctrl-C at this terminal)
 * for the next `run` to adopt; after `synkti-provider drain` they are stopped and their leases
 * closed. A second signal exits at once.
 */
export async function run(config: NodeConfig, out: Output): Promise<void> {
  const log = (event: NodeEvent) => process.stdout.write(`${line(out, event)}\n`)
  // one node per state directory, refused before anything (P2P, API, jobs) starts
  const lock = await acquireNodeLock(config.stateDir)
  try {
    const node = await ProviderNode.start({ config, log })
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        log({ event: 'signal', signal })
        process.once(signal, () => process.exit(130))
        resolve()
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await node.stop({ leaveJobs: true })
  } finally {
    await lock.release()
  }
}

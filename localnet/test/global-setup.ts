import type { TestProject } from 'vitest/node'
import { startLocalnet } from '../src/ts/spawn.js'

declare module 'vitest' {
  export interface ProvidedContext {
    localnet: { rpcUrl: string; wsUrl: string }
  }
}

/** One localnet (free ports, temporary ledger) for this package's tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const net = await startLocalnet({ reset: true })
  project.provide('localnet', { rpcUrl: net.rpcUrl, wsUrl: net.wsUrl })
  return () => net.stop()
}

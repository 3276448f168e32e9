/**
 * Starts one localnet for the whole run through localnet's own spawner, or uses the RPC in
 * SYNKTI_RPC_URL (a solana-test-validator, verification level 4). Tests read the endpoint with
 * `inject('chain')`; without `synkti_warpClock` (any RPC but localnet) the clock tests are skipped.
 */
import type { TestProject } from 'vitest/node'

export interface ChainInfo {
  rpcUrl: string
  wsUrl: string
  /** Whether the RPC implements localnet's `synkti_warpClock`. */
  canWarp: boolean
}

declare module 'vitest' {
  export interface ProvidedContext {
    chain: ChainInfo
  }
}

interface Localnet {
  rpcUrl: string
  wsUrl: string
  stop(): Promise<void>
}
type StartLocalnet = (opts?: { port?: number; reset?: boolean; ledgerDir?: string }) => Promise<Localnet>

/** Away from 8899 so that a developer's own `npm run localnet` and this suite do not collide. */
const TEST_PORT = 18_899

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.SYNKTI_RPC_URL
  if (external !== undefined && external !== '') {
    const url = new URL(external)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.port = String(Number(url.port || 80) + 1)
    project.provide('chain', { rpcUrl: external, wsUrl: process.env.SYNKTI_WS_URL ?? url.toString(), canWarp: false })
    return async () => {}
  }
  // Imported by URL: the spawner belongs to localnet/, which this package does not depend on at build time.
  const spawner = new URL('../../../localnet/src/ts/spawn.ts', import.meta.url).href
  const { startLocalnet } = (await import(spawner)) as { startLocalnet: StartLocalnet }
  const localnet = await startLocalnet({ port: TEST_PORT, reset: true })
  project.provide('chain', { rpcUrl: localnet.rpcUrl, wsUrl: localnet.wsUrl, canWarp: true })
  return () => localnet.stop()
}

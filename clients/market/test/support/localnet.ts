/**
 * localnet's own spawner (localnet/src/ts/spawn.ts), imported by URL at run time: this package
 * does not depend on localnet/ at build time, only its tests and bench start a chain with it.
 */
export interface Localnet {
  rpcUrl: string
  wsUrl: string
  stop(): Promise<void>
}
export type StartLocalnet = (opts?: { port?: number; reset?: boolean; ledgerDir?: string }) => Promise<Localnet>

/** A fresh chain on a free port pair with a temporary ledger (removed by `stop()`). */
export async function startLocalnet(): Promise<Localnet> {
  const spawner = new URL('../../../../localnet/src/ts/spawn.ts', import.meta.url).href
  const { startLocalnet: start } = (await import(spawner)) as { startLocalnet: StartLocalnet }
  return start({ reset: true })
}

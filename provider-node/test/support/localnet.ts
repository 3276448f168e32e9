/**
 * A localnet of a test file's own, for the tests that move its clock or stop it under the node
 * (no other file may see that; the rest share the run's chain, support/chain.ts). localnet's
 * own spawner (localnet/src/ts/spawn.ts) is imported by URL at run time, as the market client's
 * test support does.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MarketClient } from '@synkti/market'
import type { Localnet, StartLocalnet } from '../../../clients/market/test/support/localnet.js'
import { Parties } from '../../../clients/market/test/support/parties.js'

export type { Localnet }

const spawner = new URL('../../../localnet/src/ts/spawn.ts', import.meta.url).href
/** Starts a chain: on `port` and `ledgerDir` when given (to start it again where it was), from an empty ledger with `reset`. */
export const { startLocalnet } = (await import(spawner)) as { startLocalnet: StartLocalnet }

/** A market client on `chain`. */
export function clientOn(chain: Localnet): MarketClient {
  return new MarketClient({ rpcUrl: chain.rpcUrl, wsUrl: chain.wsUrl })
}

/** A fresh chain of the file's own, with a market client and parties on it; the file stops it. */
export async function ownChain(): Promise<{ chain: Localnet; client: MarketClient; parties: Parties }> {
  const chain = await startLocalnet({ reset: true })
  const client = clientOn(chain)
  return { chain, client, parties: new Parties(client) }
}

/**
 * A fresh chain on a ledger directory of the file's own, so that the test can stop it and start
 * it again on the same `port` and ledger, and a state directory for the node; both directories
 * are named after `name`.
 */
export interface LedgerChain {
  chain: Localnet
  port: number
  ledgerDir: string
  stateDir: string
}

export async function ledgerChain(name: string): Promise<LedgerChain> {
  const ledgerDir = await mkdtemp(join(tmpdir(), `synkti-${name}-ledger-`))
  const stateDir = await mkdtemp(join(tmpdir(), `synkti-${name}-state-`))
  const chain = await startLocalnet({ ledgerDir, reset: true })
  return { chain, port: Number(new URL(chain.rpcUrl).port), ledgerDir, stateDir }
}

/** Stops the chain running now (the test may have started another) and removes both directories. */
export async function removeLedgerChain({ chain, ledgerDir, stateDir }: Partial<LedgerChain>): Promise<void> {
  await chain?.stop()
  for (const dir of [ledgerDir, stateDir]) if (dir !== undefined) await rm(dir, { recursive: true, force: true })
}

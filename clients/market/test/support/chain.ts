/** The chain of this run (test/global-setup.ts) and a client and parties on it. */
import { inject, it } from 'vitest'
import { MarketClient } from '../../src/index.js'
import { Parties, warpClock } from './parties.js'

export const chain = inject('chain')
export const client = new MarketClient({ rpcUrl: chain.rpcUrl, wsUrl: chain.wsUrl })
export const parties = new Parties(client)

/** Moves the chain clock; only localnet can (see global-setup). */
export const warp = (seconds: number) => warpClock(chain.rpcUrl, seconds)

/** A test that needs `synkti_warpClock`: skipped against another RPC (SYNKTI_RPC_URL). */
export const itWarps = (chain.canWarp ? it : it.skip) as typeof it

/** Lets `seconds` of chain time pass: a warp on localnet, a wait elsewhere. */
export async function passTime(seconds: number): Promise<void> {
  if (chain.canWarp) await warp(seconds)
  else await new Promise((resolve) => setTimeout(resolve, seconds * 1_000 + 500))
}

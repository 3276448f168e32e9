/**
 * Starts one localnet for the whole run through localnet's own spawner, or uses the RPC in
 * SYNKTI_RPC_URL (a solana-test-validator, verification level 4). Tests read the endpoint with
 * `inject('chain')`; an RPC without `synkti_warpClock` (any but localnet) skips the clock tests.
 */
import type { TestProject } from 'vitest/node'
import { startLocalnet } from './support/localnet.js'

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

/** Whether `rpcUrl` is a localnet (it knows `synkti_warpClock`; a warp of 0 s changes nothing). */
async function answersWarp(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'synkti_warpClock', params: [0] }),
    })
    const body = (await response.json()) as { result?: unknown }
    return body.result !== undefined
  } catch {
    return false
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.SYNKTI_RPC_URL
  if (external !== undefined && external !== '') {
    const url = new URL(external)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.port = String(Number(url.port || 80) + 1)
    const canWarp = await answersWarp(external)
    project.provide('chain', { rpcUrl: external, wsUrl: process.env.SYNKTI_WS_URL ?? url.toString(), canWarp })
    return async () => {}
  }
  const localnet = await startLocalnet()
  project.provide('chain', { rpcUrl: localnet.rpcUrl, wsUrl: localnet.wsUrl, canWarp: true })
  return () => localnet.stop()
}

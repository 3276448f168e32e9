import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { PublicKey } from '@solana/web3.js'
import type { LeaseEnded, TxResult } from '@synkti/market'
import type { Cast } from './story.js'

/**
 * What the end-to-end tests read or move on the side of the story: the chain clock (localnet's
 * `synkti_warpClock`), stake balances (the stake mint's conservation), and the jobs a killed
 * node leaves behind (the kernel does not stop a SIGKILLed parent's children).
 */

export class WarpFailedError extends Error {
  override name = 'WarpFailedError'
  constructor(
    readonly detail: string,
    message = `synkti_warpClock failed: ${detail}`,
  ) {
    super(message)
  }
}

/** Moves the localnet clock `seconds` ahead; returns the chain's new unix time. */
export async function warpClock(rpcUrl: string, seconds: number): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'synkti_warpClock', params: [seconds] }),
  })
  const body = (await response.json()) as { result?: { unixTimestamp: number }; error?: { message: string } }
  if (body.result === undefined) throw new WarpFailedError(body.error?.message ?? `HTTP ${response.status}`)
  return body.result.unixTimestamp
}

/** The chain's unix time now (a warp of zero). */
export const chainNow = (rpcUrl: string): Promise<number> => warpClock(rpcUrl, 0)

export interface StakeBalances {
  /** each provider's stake vault, by provider name */
  vaults: Record<string, bigint>
  /** the market's slash vault: the treasury's share of slashes */
  slashVault: bigint
  /** stake-mint accounts outside the providers (a consumer's, receiving slashed stake) */
  others: bigint[]
}

export async function stakeBalances(cast: Cast, others: PublicKey[] = []): Promise<StakeBalances> {
  const vaults: Record<string, bigint> = {}
  for (const p of cast.providers) {
    const { stakeVault } = await cast.world.client.fetchProvider(p.provider)
    vaults[p.spec.name] = await cast.world.balance(stakeVault)
  }
  const { slashVault } = await cast.world.client.fetchMarket(cast.world.market)
  return {
    vaults,
    slashVault: await cast.world.balance(slashVault),
    others: await Promise.all(others.map((a) => cast.world.balance(a))),
  }
}

export function stakeTotal(b: StakeBalances): bigint {
  const vaults = Object.values(b.vaults).reduce((a, x) => a + x, 0n)
  return vaults + b.slashVault + b.others.reduce((a, x) => a + x, 0n)
}

/**
 * SIGKILLs the jobs a provider's node recorded (`<state>/jobs/<lease>.json`) that still run, with
 * their process groups: a node stopped (jobs run on for its next start) or killed and never
 * started again would otherwise leave its stand-in or engine serving after the test. Returns the
 * pids it killed.
 */
export async function killRecordedJobs(
  configPath: string,
  markers: readonly string[] = ['standin-inference', 'synkti-engine'],
): Promise<number[]> {
  const dir = join(dirname(configPath), 'state', 'jobs')
  const names = await readdir(dir).catch(() => [] as string[])
  const killed: number[] = []
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const record = JSON.parse(await readFile(join(dir, name), 'utf8').catch(() => '{}')) as { pid?: unknown }
    if (typeof record.pid !== 'number') continue
    // a pid is reused once its process is gone: kill only what still runs the job's command
    const command = await readFile(`/proc/${record.pid}/cmdline`, 'utf8').catch(() => '')
    if (!markers.some((marker) => command.includes(marker))) continue
    for (const target of [-record.pid, record.pid]) {
      try {
        process.kill(target, 'SIGKILL')
      } catch {
        // not a group leader (a job of an earlier node), or already gone
      }
    }
    killed.push(record.pid)
  }
  return killed
}

export class EventMissingError extends Error {
  override name = 'EventMissingError'
  constructor(
    readonly event: string,
    readonly signature: string,
    message = `transaction ${signature} emitted no ${event} event`,
  ) {
    super(message)
  }
}

/** The `LeaseEnded` event of a transaction that ended a lease (reclaim, dispute ruling, close). */
export function leaseEnded(result: TxResult): LeaseEnded {
  const event = result.events.find((e) => e.name === 'LeaseEnded')
  if (event?.name !== 'LeaseEnded') throw new EventMissingError('LeaseEnded', result.signature)
  return event.data
}

/** What the chain says about this operator: RPC health, registration, stake, fee balance. */

import type { PublicKey } from '@solana/web3.js'
import type { MarketClient, Provider } from '@synkti/market'
import { ProbeTimeoutError } from '../errors.js'
import type { BalanceObservation, RegistrationObservation, RpcObservation } from '../types.js'

/** web3.js calls take no AbortSignal: race them, so a silent RPC costs `ms` and no more. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(what, ms)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** The reason a chain read failed, in one line: `ECONNREFUSED`, `no answer within 3000 ms`, … */
export function failureReason(err: unknown): string {
  if (err instanceof ProbeTimeoutError) return `no answer within ${err.timeoutMs} ms`
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code
    e = (e as { cause?: unknown }).cause
  }
  return err instanceof Error ? err.message : String(err)
}

export async function observeRpc(client: MarketClient, timeoutMs: number): Promise<RpcObservation> {
  const url = client.rpcUrl
  try {
    const [version, slot] = await withTimeout(
      Promise.all([client.connection.getVersion(), client.connection.getSlot()]),
      timeoutMs,
      `getVersion via ${url}`,
    )
    return { kind: 'reachable', url, version: version['solana-core'], slot }
  } catch (err) {
    return { kind: 'unreachable', url, reason: failureReason(err) }
  }
}

export interface RegistrationProbe {
  client: MarketClient
  market: PublicKey
  operator: PublicKey
  /** The provider account when the node knows it; otherwise the market is searched for this operator. */
  provider?: PublicKey
  timeoutMs: number
}

export async function observeRegistration(p: RegistrationProbe): Promise<RegistrationObservation> {
  const url = p.client.rpcUrl
  try {
    return await withTimeout(readRegistration(p), p.timeoutMs, `reading the registration via ${url}`)
  } catch (err) {
    if ((err as Error).name === 'AccountNotFoundError' && (err as { kind?: string }).kind === 'Market') {
      return { kind: 'market-missing', url, market: p.market.toBase58() }
    }
    return { kind: 'unreadable', url, reason: failureReason(err) }
  }
}

async function readRegistration(p: RegistrationProbe): Promise<RegistrationObservation> {
  const url = p.client.rpcUrl
  const market = await p.client.fetchMarket(p.market)
  let provider: Provider | undefined
  if (p.provider !== undefined) {
    provider = await p.client.fetchProvider(p.provider).catch((err: unknown) => {
      if ((err as Error).name === 'AccountNotFoundError') return undefined
      throw err
    })
    if (provider !== undefined && !provider.operator.equals(p.operator)) {
      return { kind: 'other-operator', url, market, provider, operator: p.operator.toBase58() }
    }
  } else {
    const all = await p.client.findProviders({ market: p.market, status: 'any' })
    provider = all.find((candidate) => candidate.operator.equals(p.operator))
  }
  return provider === undefined
    ? { kind: 'unregistered', url, market, operator: p.operator.toBase58() }
    : { kind: 'registered', url, market, provider }
}

export async function observeBalance(
  client: MarketClient,
  address: PublicKey,
  timeoutMs: number,
): Promise<BalanceObservation> {
  const url = client.rpcUrl
  try {
    const lamports = await withTimeout(client.connection.getBalance(address), timeoutMs, `getBalance via ${url}`)
    return { kind: 'read', url, address: address.toBase58(), lamports }
  } catch (err) {
    return { kind: 'unreadable', url, address: address.toBase58(), reason: failureReason(err) }
  }
}

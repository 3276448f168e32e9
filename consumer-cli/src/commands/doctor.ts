/**
 * `synkti doctor`: the Banker's check before spending anything. Every requirement of the other
 * commands is observed in order (keypair, RPC, SOL, market, payment tokens, peers); each says
 * what was seen and, when it fails, the named error and the one thing that fixes it. A check
 * whose prerequisite failed is skipped, not guessed.
 */
import { getAssociatedTokenAddressSync } from '@solana/spl-token'
import type { Keypair } from '@solana/web3.js'
import { type Market, RpcUnreachableError, tokenBalance } from '@synkti/market'
import { fetchMarketNamed, rpc } from '../chain.js'
import { describeError } from '../classify.js'
import { DOCTOR_RPC_TIMEOUT_MS, MIN_SOL_LAMPORTS } from '../constants.js'
import type { Deps } from '../context.js'
import { InsufficientSolError, NoPaymentTokensError, PreflightFailedError } from '../errors.js'

export type CheckName = 'keypair' | 'rpc' | 'sol' | 'market' | 'token' | 'peers'

export type Check =
  | { name: CheckName; status: 'ok'; observed: string }
  | { name: CheckName; status: 'failed'; observed: string; error: string; remedy: string }
  | { name: CheckName; status: 'skipped'; observed: string }

export interface DoctorResult {
  kind: 'doctor'
  cluster: string
  rpcUrl: string
  checks: Check[]
}

/** The JSON-RPC `getVersion`, bounded: an unreachable endpoint must fail in seconds. */
async function rpcVersion(url: string): Promise<string> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getVersion' }),
      signal: AbortSignal.timeout(DOCTOR_RPC_TIMEOUT_MS),
    })
    const body = (await response.json()) as { result?: { 'solana-core'?: string } }
    if (body.result === undefined) throw new Error(`HTTP ${response.status}, no getVersion result`)
    return body.result['solana-core'] ?? 'unknown version'
  } catch (err) {
    throw new RpcUnreachableError(url, err)
  }
}

type Probe<T> = () => Promise<{ value: T; observed: string }>

export async function run(
  _options: Record<string, never>,
  deps: Deps,
): Promise<{ result: DoctorResult; failure?: Error }> {
  const checks: Check[] = []
  /** Runs `probe` when every prerequisite passed; records the outcome; returns its value or undefined. */
  async function check<T>(name: CheckName, needs: unknown[], probe: Probe<T>): Promise<T | undefined> {
    if (needs.some((n) => n === undefined || n === false)) {
      checks.push({ name, status: 'skipped', observed: 'skipped: an earlier check failed' })
      return undefined
    }
    try {
      const { value, observed } = await probe()
      checks.push({ name, status: 'ok', observed })
      return value
    } catch (err) {
      const report = describeError(err)
      checks.push({ name, status: 'failed', observed: report.message, error: report.name, remedy: report.remedy })
      return undefined
    }
  }

  const url = deps.config.cluster.url
  const wallet = await check<Keypair>('keypair', [], async () => {
    const kp = await deps.wallet()
    return { value: kp, observed: `${kp.publicKey.toBase58()} (${deps.config.keypairPath})` }
  })
  const reachable = await check('rpc', [], async () => ({
    value: true,
    observed: `solana-core ${await rpcVersion(url)} at ${url}`,
  }))
  await check('sol', [wallet, reachable], async () => {
    const key = (wallet as Keypair).publicKey
    const lamports = BigInt(await rpc(deps.client, () => deps.client.connection.getBalance(key)))
    if (lamports < MIN_SOL_LAMPORTS) throw new InsufficientSolError(key.toBase58(), lamports, MIN_SOL_LAMPORTS, url)
    return { value: lamports, observed: `${Number(lamports) / 1e9} SOL` }
  })
  const market = await check<Market>('market', [reachable], async () => {
    const m = await fetchMarketNamed(deps.client, deps.market())
    return { value: m, observed: `${m.address.toBase58()} (payment mint ${m.mint.toBase58()})` }
  })
  await check('token', [wallet, market], async () => {
    const owner = (wallet as Keypair).publicKey
    const mint = (market as Market).mint
    const account = getAssociatedTokenAddressSync(mint, owner, true)
    const exists = (await rpc(deps.client, () => deps.client.connection.getAccountInfo(account))) !== null
    const balance = exists ? await rpc(deps.client, () => tokenBalance(deps.client.connection, account)) : 0n
    if (balance === 0n) throw new NoPaymentTokensError(owner.toBase58(), mint.toBase58(), account.toBase58())
    return { value: balance, observed: `${balance} base units in ${account.toBase58()}` }
  })
  await check('peers', [], async () => {
    const node = await deps.p2p()
    const connected = node.libp2p.getConnections().length
    return {
      value: connected,
      observed: `${connected} peer(s) connected through ${deps.config.bootstrap.length} bootstrap address(es)`,
    }
  })

  const result: DoctorResult = { kind: 'doctor', cluster: deps.config.cluster.moniker, rpcUrl: url, checks }
  const failed = checks.flatMap((c) => (c.status === 'failed' ? [{ name: c.name, remedy: c.remedy }] : []))
  return failed.length === 0 ? { result } : { result, failure: new PreflightFailedError(failed) }
}

/**
 * Deploying a market: the steps behind `npm run deploy` (migrations/deploy.ts), as functions so
 * the test suite can run them against localnet. Idempotent: every step first observes what
 * exists and only creates what is missing; a second run reports and changes nothing.
 */
import { createHash } from 'node:crypto'
import { getMint } from '@solana/spl-token'
import { Keypair, PublicKey } from '@solana/web3.js'
import {
  AccountNotFoundError,
  createMintInstructions,
  isNetworkFailure,
  type MarketClient,
  type MarketParams,
  marketAddress,
  PROGRAM_ID,
  RpcUnreachableError,
} from '@synkti/market'

export type Cluster = 'localnet' | 'devnet' | 'testnet' | 'mainnet-beta'

/** Genesis hashes of Solana's public clusters; anything else is a local chain. */
const GENESIS: Record<string, Cluster> = {
  '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d': 'mainnet-beta',
  EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG: 'devnet',
  '4uhcVJyU9pJkvQyS88uRDiswHXSCkY3zQawwpjk2NsNY': 'testnet',
}

export class WrongClusterError extends Error {
  override name = 'WrongClusterError'
  readonly remedy: string
  constructor(
    readonly expected: Cluster,
    readonly actual: Cluster,
    readonly url: string,
  ) {
    super(`${url} is ${actual}, not ${expected}`)
    this.remedy = `pass the URL of ${expected}, or --cluster ${actual}`
  }
}

export class MintsNotAllowedError extends Error {
  override name = 'MintsNotAllowedError'
  readonly remedy = 'pass the existing mints with --mint and --stake-mint'
  constructor(readonly cluster: Cluster) {
    super(`--create-mints is for localnet and devnet, not ${cluster}`)
  }
}

export class ProgramNotDeployedError extends Error {
  override name = 'ProgramNotDeployedError'
  readonly remedy = 'deploy the program first (anchor deploy), or start the local chain: npm run localnet'
  constructor(readonly url: string) {
    super(`the synkti-market program ${PROGRAM_ID.toBase58()} is not deployed at ${url}`)
  }
}

export class MissingMintsError extends Error {
  override name = 'MissingMintsError'
  readonly remedy = 'pass --mint and --stake-mint, or --create-mints on localnet/devnet'
  constructor() {
    super('no payment and stake mint given')
  }
}

export class InvalidMintError extends Error {
  override name = 'InvalidMintError'
  readonly remedy: string
  constructor(
    readonly mint: string,
    reason: string,
  ) {
    super(`mint ${mint} ${reason}`)
    this.remedy = 'pass the address of an SPL Token mint'
  }
}

/** The market exists with other rules; the program has no instruction to change them. */
export class MarketParamsMismatchError extends Error {
  override name = 'MarketParamsMismatchError'
  readonly remedy = 'keep the existing rules, or create the market from another creator key or payment mint'
  constructor(
    readonly market: string,
    readonly differences: string[],
  ) {
    super(`market ${market} exists with different rules: ${differences.join('; ')}`)
  }
}

export async function detectCluster(client: MarketClient): Promise<Cluster> {
  const genesis = await client.connection.getGenesisHash()
  return GENESIS[genesis] ?? 'localnet'
}

/**
 * The mint keypair for `label`, derived from the deployer's secret: a re-run finds the same
 * mints without a state file to keep.
 */
export function derivedMint(deployer: Keypair, label: 'payment' | 'stake'): Keypair {
  const seed = createHash('sha256').update(deployer.secretKey).update(`synkti-market ${label} mint`).digest()
  return Keypair.fromSeed(seed)
}

export interface DeployInput {
  deployer: Keypair
  params: MarketParams
  /** Expected cluster; checked against the RPC's genesis hash when given. */
  cluster?: Cluster
  createMints?: { decimals: number }
  mint?: PublicKey
  stakeMint?: PublicKey
}

export type Step = { what: string; address: string; action: 'created' | 'exists' }

export interface DeployReport {
  cluster: Cluster
  market: string
  mint: string
  stakeMint: string
  steps: Step[]
}

export async function deploy(client: MarketClient, input: DeployInput): Promise<DeployReport> {
  try {
    return await deploySteps(client, input)
  } catch (err) {
    throw isNetworkFailure(err) ? new RpcUnreachableError(client.rpcUrl, err) : err
  }
}

async function deploySteps(client: MarketClient, input: DeployInput): Promise<DeployReport> {
  const cluster = await detectCluster(client)
  if (input.cluster !== undefined && input.cluster !== cluster) {
    throw new WrongClusterError(input.cluster, cluster, client.rpcUrl)
  }
  const program = await client.connection.getAccountInfo(PROGRAM_ID)
  if (program === null || !program.executable) throw new ProgramNotDeployedError(client.rpcUrl)

  const steps: Step[] = []
  let { mint, stakeMint } = input
  if (input.createMints !== undefined) {
    if (cluster === 'mainnet-beta') throw new MintsNotAllowedError(cluster)
    mint = await ensureMint(client, input.deployer, 'payment', input.createMints.decimals, steps)
    stakeMint = await ensureMint(client, input.deployer, 'stake', input.createMints.decimals, steps)
  }
  if (mint === undefined || stakeMint === undefined) throw new MissingMintsError()
  await checkMint(client, mint)
  await checkMint(client, stakeMint)

  const market = marketAddress(input.deployer.publicKey, mint)
  try {
    const existing = await client.fetchMarket(market)
    const differences = paramDifferences(existing, input.params, stakeMint)
    if (differences.length > 0) throw new MarketParamsMismatchError(market.toBase58(), differences)
    steps.push({ what: 'market', address: market.toBase58(), action: 'exists' })
  } catch (err) {
    if (!(err instanceof AccountNotFoundError)) throw err
    await client.createMarket({ creator: input.deployer, mint, stakeMint, params: input.params })
    steps.push({ what: 'market', address: market.toBase58(), action: 'created' })
  }
  return { cluster, market: market.toBase58(), mint: mint.toBase58(), stakeMint: stakeMint.toBase58(), steps }
}

async function ensureMint(
  client: MarketClient,
  deployer: Keypair,
  label: 'payment' | 'stake',
  decimals: number,
  steps: Step[],
): Promise<PublicKey> {
  const mint = derivedMint(deployer, label)
  const what = `${label} mint`
  if ((await client.connection.getAccountInfo(mint.publicKey)) !== null) {
    steps.push({ what, address: mint.publicKey.toBase58(), action: 'exists' })
    return mint.publicKey
  }
  const ixs = await createMintInstructions(
    client.connection,
    deployer.publicKey,
    mint.publicKey,
    deployer.publicKey,
    decimals,
  )
  await client.send(ixs, [deployer, mint])
  steps.push({ what, address: mint.publicKey.toBase58(), action: 'created' })
  return mint.publicKey
}

async function checkMint(client: MarketClient, mint: PublicKey): Promise<void> {
  try {
    await getMint(client.connection, mint)
  } catch (err) {
    throw new InvalidMintError(mint.toBase58(), `is not a mint (${(err as Error).name})`)
  }
}

function paramDifferences(
  existing: MarketParams & { stakeMint: PublicKey },
  wanted: MarketParams,
  stakeMint: PublicKey,
): string[] {
  const out: string[] = []
  for (const key of Object.keys(wanted) as (keyof MarketParams)[]) {
    const [a, b] = [existing[key], wanted[key]]
    const same = a instanceof PublicKey && b instanceof PublicKey ? a.equals(b) : a === b
    if (!same) out.push(`${key} is ${String(a)}, wanted ${String(b)}`)
  }
  if (!existing.stakeMint.equals(stakeMint)) out.push(`stakeMint is ${existing.stakeMint.toBase58()}`)
  return out
}

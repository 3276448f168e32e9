import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import {
  fundTokenAccountInstructions,
  MarketClient,
  type MarketParams,
  serializeKeypair,
  tokenBalance,
} from '@synkti/market'
import { deploy } from '../../../migrations/deployment.js'

/**
 * A market on a running chain, made the way a user would: a deployer creates the mints and the
 * market (migrations/deployment.ts), and hands out tokens. Everyone's keys live in files under
 * one temporary directory, removed by `dispose()`.
 */

export const DECIMALS = 6

export interface World {
  rpcUrl: string
  client: MarketClient
  dir: string
  deployer: Keypair
  arbiter: Keypair
  treasury: Keypair
  market: PublicKey
  mint: PublicKey
  stakeMint: PublicKey
  params: MarketParams
  /** a new keypair written to `<dir>/<name>.json`, with SOL */
  party(name: string, sol?: number): Promise<{ keypair: Keypair; path: string }>
  /** mints `amount` of `mint` into `owner`'s associated account; returns that account */
  mintTo(owner: PublicKey, mint: PublicKey, amount: bigint): Promise<PublicKey>
  balance(account: PublicKey): Promise<bigint>
  dispose(): Promise<void>
}

export async function createWorld(rpcUrl: string, edit: (p: MarketParams) => void = () => {}): Promise<World> {
  const client = new MarketClient({ rpcUrl })
  const dir = await mkdtemp(join(tmpdir(), 'synkti-world-'))

  async function airdrop(key: PublicKey, sol: number): Promise<void> {
    const signature = await client.connection.requestAirdrop(key, sol * LAMPORTS_PER_SOL)
    const { blockhash, lastValidBlockHeight } = await client.connection.getLatestBlockhash()
    await client.connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight })
  }

  async function party(name: string, sol = 10): Promise<{ keypair: Keypair; path: string }> {
    const keypair = Keypair.generate()
    const path = join(dir, `${name}.json`)
    await writeFile(path, serializeKeypair(keypair), { mode: 0o600 })
    if (sol > 0) await airdrop(keypair.publicKey, sol)
    return { keypair, path }
  }

  const [deployer, arbiter, treasury] = await Promise.all([
    party('deployer'),
    party('arbiter', 1),
    party('treasury', 1),
  ])
  const params: MarketParams = {
    minStake: 1_000_000n,
    feeBps: 250,
    slashMultipleBps: 20_000,
    disputeBond: 100_000n,
    minCompletionPayment: 1_000n,
    disputeWindowSecs: 3_600,
    maxAttestationGapSecs: 600,
    exitCooldownSecs: 86_400,
    governanceDelaySecs: 3_600,
    arbiter: arbiter.keypair.publicKey,
    treasury: treasury.keypair.publicKey,
  }
  edit(params)
  const report = await deploy(client, { deployer: deployer.keypair, params, createMints: { decimals: DECIMALS } })

  async function mintTo(owner: PublicKey, mint: PublicKey, amount: bigint): Promise<PublicKey> {
    const authority = deployer.keypair.publicKey
    const { account, instructions } = fundTokenAccountInstructions(authority, owner, mint, amount, authority)
    await client.send(instructions, [deployer.keypair])
    return account
  }

  return {
    rpcUrl,
    client,
    dir,
    deployer: deployer.keypair,
    arbiter: arbiter.keypair,
    treasury: treasury.keypair,
    market: new PublicKey(report.market),
    mint: new PublicKey(report.mint),
    stakeMint: new PublicKey(report.stakeMint),
    params,
    party,
    mintTo,
    balance: (account) => tokenBalance(client.connection, account),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}

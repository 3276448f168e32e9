/**
 * Parties of a market on a real chain, as programs/synkti-market/tests/bank/fixtures.rs sets
 * them up: a creator with fresh mints, providers staked and registered, consumers funded.
 * Every party is a fresh keypair funded by airdrop, so tests never share state.
 */
import { randomBytes } from 'node:crypto'
import { Keypair, LAMPORTS_PER_SOL, type PublicKey } from '@solana/web3.js'
import {
  type Capabilities,
  createMintInstructions,
  feeVaultAddress,
  fundTokenAccountInstructions,
  type MarketClient,
  type MarketParams,
  marketAddress,
  providerAddress,
  type Reputation,
  stakeVaultAddress,
  tokenBalance,
} from '../../src/index.js'

export const DECIMALS = 6

export function defaultParams(arbiter: PublicKey, treasury: PublicKey): MarketParams {
  return {
    minStake: 1_000_000n,
    feeBps: 250,
    slashBps: 5_000,
    disputeWindowSecs: 3_600,
    maxAttestationGapSecs: 600,
    exitCooldownSecs: 86_400,
    arbiter,
    treasury,
  }
}

/** A provider's record before any settlement. */
export function zeroReputation(): Reputation {
  return {
    leasesCompleted: 0n,
    leasesFailed: 0n,
    failoversHandedOff: 0n,
    failoversTaken: 0n,
    disputesLost: 0n,
    disputesWon: 0n,
    secondsServed: 0n,
    earned: 0n,
  }
}

export function gpu(model = 'H100', region = 'eu-central-1'): Capabilities {
  return { gpuModel: model, gpuCount: 1, vramGb: 80, cloud: 'aws', region, zone: `${region}a`, spot: true }
}

export interface MarketFx {
  creator: Keypair
  arbiter: Keypair
  treasury: Keypair
  /** Mint authority of both mints. */
  mintAuthority: Keypair
  key: PublicKey
  mint: PublicKey
  stakeMint: PublicKey
  feeVault: PublicKey
  params: MarketParams
}

export interface ProviderFx {
  authority: Keypair
  operator: Keypair
  key: PublicKey
  stakeVault: PublicKey
  payout: PublicKey
  stakeWallet: PublicKey
}

export interface ConsumerFx {
  kp: Keypair
  token: PublicKey
  stakeToken: PublicKey
}

export class Parties {
  constructor(readonly client: MarketClient) {}

  async fund(key: PublicKey, sol = 10): Promise<void> {
    const connection = this.client.connection
    const signature = await connection.requestAirdrop(key, sol * LAMPORTS_PER_SOL)
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash()
    await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight })
  }

  async funded(sol = 10): Promise<Keypair> {
    const kp = Keypair.generate()
    await this.fund(kp.publicKey, sol)
    return kp
  }

  /** Two fresh mints (payment, stake) without a market. */
  async mints(payer: Keypair): Promise<{ mint: PublicKey; stakeMint: PublicKey }> {
    const mint = Keypair.generate()
    const stakeMint = Keypair.generate()
    const c = this.client.connection
    const ixs = [
      ...(await createMintInstructions(c, payer.publicKey, mint.publicKey, payer.publicKey, DECIMALS)),
      ...(await createMintInstructions(c, payer.publicKey, stakeMint.publicKey, payer.publicKey, DECIMALS)),
    ]
    await this.client.send(ixs, [payer, mint, stakeMint])
    return { mint: mint.publicKey, stakeMint: stakeMint.publicKey }
  }

  /** A market with fresh mints (the creator is their mint authority) and `default_params` changed by `edit`. */
  async market(edit: (p: MarketParams) => void = () => {}): Promise<MarketFx> {
    const [creator, arbiter, treasury] = await Promise.all([this.funded(), this.funded(1), this.funded(1)])
    const { mint, stakeMint } = await this.mints(creator)
    const params = defaultParams(arbiter.publicKey, treasury.publicKey)
    edit(params)
    await this.client.createMarket({ creator, mint, stakeMint, params })
    const key = marketAddress(creator.publicKey, mint)
    return {
      creator,
      arbiter,
      treasury,
      mintAuthority: creator,
      key,
      mint,
      stakeMint,
      feeVault: feeVaultAddress(key),
      params,
    }
  }

  /** A token account of `owner` for `mint` holding `amount` (associated address). */
  async tokenAccount(m: MarketFx, owner: PublicKey, mint: PublicKey, amount: bigint): Promise<PublicKey> {
    const { account, instructions } = fundTokenAccountInstructions(
      m.mintAuthority.publicKey,
      owner,
      mint,
      amount,
      m.mintAuthority.publicKey,
    )
    await this.client.send(instructions, [m.mintAuthority])
    return account
  }

  /** Registered at `price` per second with `stake` deposited (1_000_000_000 stake tokens in its wallet). */
  async provider(m: MarketFx, price: bigint, stake: bigint, caps = gpu()): Promise<ProviderFx> {
    const [authority, operator] = await Promise.all([this.funded(), this.funded(1)])
    const [payout, stakeWallet] = await Promise.all([
      this.tokenAccount(m, authority.publicKey, m.mint, 0n),
      this.tokenAccount(m, authority.publicKey, m.stakeMint, 1_000_000_000n),
    ])
    await this.client.registerProvider({
      authority,
      market: m.key,
      operator: operator.publicKey,
      capabilities: caps,
      pricePerSecond: price,
    })
    const key = providerAddress(m.key, authority.publicKey)
    if (stake > 0n) await this.client.depositStake({ authority, provider: key, amount: stake })
    return { authority, operator, key, stakeVault: stakeVaultAddress(key), payout, stakeWallet }
  }

  async consumer(m: MarketFx, funds: bigint): Promise<ConsumerFx> {
    const kp = await this.funded()
    const [token, stakeToken] = await Promise.all([
      this.tokenAccount(m, kp.publicKey, m.mint, funds),
      this.tokenAccount(m, kp.publicKey, m.stakeMint, 0n),
    ])
    return { kp, token, stakeToken }
  }

  /** The ordinary cast: a default market, one provider at 1_000/s staked 1_000_000, a consumer with 10_000_000. */
  async trio(): Promise<{ m: MarketFx; p: ProviderFx; c: ConsumerFx }> {
    const m = await this.market()
    const [p, c] = await Promise.all([this.provider(m, 1_000n, 1_000_000n), this.consumer(m, 10_000_000n)])
    return { m, p, c }
  }

  async openLease(c: ConsumerFx, p: ProviderFx, nonce: bigint, deposit: bigint, maxPrice = 10_000n) {
    return this.client.openLease({
      consumer: c.kp,
      provider: p.key,
      nonce,
      jobSpecHash: randomBytes(32),
      maxPricePerSecond: maxPrice,
      deposit,
    })
  }

  /** Opened and accepted; returns the lease address and the acceptance time. */
  async activeLease(c: ConsumerFx, p: ProviderFx, nonce: bigint, deposit: bigint) {
    const { lease } = await this.openLease(c, p, nonce, deposit)
    const { events } = await this.client.acceptLease({ operator: p.operator, lease })
    const accepted = events.find((e) => e.name === 'LeaseAccepted')
    if (accepted?.name !== 'LeaseAccepted') throw new Error('no LeaseAccepted event')
    return { lease, acceptedAt: accepted.data.acceptedAt }
  }

  balance(account: PublicKey): Promise<bigint> {
    return tokenBalance(this.client.connection, account)
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
  if (body.result === undefined) throw new Error(`synkti_warpClock failed: ${body.error?.message}`)
  return body.result.unixTimestamp
}

/**
 * Sets the chain clock to exactly `target` (≥ now). localnet's clock is wall time plus the warp
 * offset, so this starts right after a wall-clock second turns (localnet runs on this machine)
 * and leaves most of a second for the caller's next transaction to land at `target`.
 */
export async function warpTo(rpcUrl: string, target: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 20))
  const now = await warpClock(rpcUrl, 0)
  if (now > target) throw new Error(`chain time ${now} is already past ${target}`)
  const reached = await warpClock(rpcUrl, target - now)
  if (reached !== target) throw new Error(`warped to ${reached}, not ${target}: a wall-clock second turned`)
}

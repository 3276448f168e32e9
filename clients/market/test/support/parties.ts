/**
 * Parties of a market on a real chain, as programs/synkti-market/tests/bank/fixtures.rs sets
 * them up: a creator with fresh mints, providers staked and registered (authority and operator
 * both sign), consumers funded. Every party is a fresh keypair funded by airdrop, so tests never
 * share state.
 */
import { randomBytes } from 'node:crypto'
import { Keypair, LAMPORTS_PER_SOL, type PublicKey, type Signer } from '@solana/web3.js'
import {
  type Capabilities,
  createMintInstructions,
  earningsVaultAddress,
  feeVaultAddress,
  fundTokenAccountInstructions,
  type MarketClient,
  type MarketParams,
  type MigrationPolicy,
  marketAddress,
  providerAddress,
  type Receipt,
  type Reputation,
  type SignedReceipt,
  signReceipt,
  slashVaultAddress,
  stakeVaultAddress,
  type Tranche,
  tokenBalance,
} from '../../src/index.js'

export const DECIMALS = 6

/** fixtures.rs `default_params`: 2.5 % fee, slash 2× the disputed value, bond 100_000, 1 h window, 10 min gap. */
export function defaultParams(arbiter: PublicKey, treasury: PublicKey): MarketParams {
  return {
    minStake: 1_000_000n,
    feeBps: 250,
    slashMultipleBps: 20_000,
    disputeBond: 100_000n,
    minCompletionPayment: 1n,
    disputeWindowSecs: 3_600,
    maxAttestationGapSecs: 600,
    exitCooldownSecs: 86_400,
    governanceDelaySecs: 3_600,
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
    secondsVerified: 0n,
    secondsSelfAttested: 0n,
    earned: 0n,
  }
}

/** An empty slot of a held-pay array (two per provider and per lease). */
export const NO_TRANCHE: Tranche = { vestsAt: 0, payout: 0n, fee: 0n }

/** The program's money rule (settlement.rs `charge`): the fee rounds up, the provider gets the rest. */
export function charge(seconds: bigint, price: bigint, feeBps = 250n) {
  const gross = seconds * price
  const fee = (gross * feeBps + 9_999n) / 10_000n
  return { gross, fee, payout: gross - fee }
}

/** settlement.rs `vests_at`: the end of the next dispute-window bucket after `now`. */
export function vestsAt(now: number, window = 3_600): number {
  return (Math.floor(now / window) + 2) * window
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
  slashVault: PublicKey
  params: MarketParams
}

export interface ProviderFx {
  authority: Keypair
  operator: Keypair
  index: number
  key: PublicKey
  stakeVault: PublicKey
  earningsVault: PublicKey
  payout: PublicKey
  stakeWallet: PublicKey
}

export interface ConsumerFx {
  kp: Keypair
  token: PublicKey
  stakeToken: PublicKey
}

export interface ProviderOptions {
  caps?: Capabilities
  /** Register under this (already funded) authority: a fleet. */
  authority?: Keypair
  index?: number
}

export interface LeaseOptions {
  maxPrice?: bigint
  policy?: Partial<MigrationPolicy>
  receiptSigner?: PublicKey
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
      slashVault: slashVaultAddress(key),
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

  /**
   * Registered at `price` per second with `stake` deposited (1_000_000_000 stake tokens minted to
   * the authority's wallet first), under a fresh authority unless `opts.authority` (a fleet) is given.
   */
  async provider(m: MarketFx, price: bigint, stake: bigint, opts: ProviderOptions = {}): Promise<ProviderFx> {
    const [authority, operator] = await Promise.all([opts.authority ?? this.funded(), this.funded(1)])
    const index = opts.index ?? 0
    const [payout, stakeWallet] = await Promise.all([
      this.tokenAccount(m, authority.publicKey, m.mint, 0n),
      this.tokenAccount(m, authority.publicKey, m.stakeMint, 1_000_000_000n),
    ])
    const { provider: key } = await this.client.registerProvider({
      authority,
      operator,
      market: m.key,
      index,
      capabilities: opts.caps ?? gpu(),
      pricePerSecond: price,
    })
    if (!key.equals(providerAddress(m.key, authority.publicKey, index))) throw new Error('provider address differs')
    if (stake > 0n) await this.client.depositStake({ authority, provider: key, amount: stake })
    return {
      authority,
      operator,
      index,
      key,
      stakeVault: stakeVaultAddress(key),
      earningsVault: earningsVaultAddress(key),
      payout,
      stakeWallet,
    }
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

  /** Opens at the market's next id; a deposit must cover one attestation gap at the price (600 s by default). */
  openLease(c: ConsumerFx, p: ProviderFx, deposit: bigint, opts: LeaseOptions = {}) {
    return this.client.openLease({
      consumer: c.kp,
      provider: p.key,
      jobSpecHash: randomBytes(32),
      maxPricePerSecond: opts.maxPrice ?? 10_000n,
      deposit,
      ...(opts.policy !== undefined ? { policy: opts.policy } : {}),
      ...(opts.receiptSigner !== undefined ? { receiptSigner: opts.receiptSigner } : {}),
    })
  }

  /** Opened and accepted; returns the lease address and the acceptance time. */
  async activeLease(c: ConsumerFx, p: ProviderFx, deposit: bigint, opts: LeaseOptions = {}) {
    const { lease } = await this.openLease(c, p, deposit, opts)
    const { events } = await this.client.acceptLease({ operator: p.operator, lease })
    const accepted = events.find((e) => e.name === 'LeaseAccepted')
    if (accepted?.name !== 'LeaseAccepted') throw new Error('no LeaseAccepted event')
    return { lease, acceptedAt: accepted.data.acceptedAt }
  }

  /** The receipt signer's signed receipt for `from..until` of `lease` on `p`, as a gateway hands it over. */
  receipt(signer: Signer, lease: PublicKey, p: ProviderFx, from: number, until: number, requests = 42n): SignedReceipt {
    const receipt: Receipt = { from, until, requests, digest: new Uint8Array(32).fill(3) }
    const kp = Keypair.fromSecretKey(signer.secretKey)
    return { receipt, signature: signReceipt(kp, lease, p.key, receipt), signer: signer.publicKey }
  }

  /**
   * What `p` has earned net of fees, wherever it sits: paid out (receipt-backed or vested and
   * claimed), vested and unclaimed in the earnings vault, or held there until its window passes.
   */
  async earned(p: ProviderFx): Promise<bigint> {
    const [paid, account] = await Promise.all([this.balance(p.payout), this.client.fetchProvider(p.key)])
    return paid + account.unclaimed + account.held.reduce((sum, t) => sum + t.payout, 0n)
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

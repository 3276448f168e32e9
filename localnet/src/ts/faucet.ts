/**
 * The local chain's faucet: SOL (an airdrop from the bank's own faucet) and tokens of a market's
 * **test mints** (minted by their mint authority, the deployer's key). It works where you hold
 * that key: on localnet (and devnet) for a market created with `npm run deploy -- --create-mints`;
 * it can never mint tokens of a mint whose authority is someone else's, and it refuses mainnet.
 *
 * `npm run localnet -- faucet --to <address|keypair file> [--sol N] [--payment N] [--stake N]`
 * (scripts/localnet.mjs → `faucetCli`).
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import {
  AccountLayout,
  createAssociatedTokenAccountIdempotentInstruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MintLayout,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token'
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, Transaction } from '@solana/web3.js'

/** The Synkti program (`declare_id!`; a placeholder until the real deployment, see the root README). */
export const SYNKTI_PROGRAM_ID = new PublicKey('SYNKmkt111111111111111111111111111111111111')
/** Where `npm run localnet` creates, and `npm run deploy` reads, the deployer's key: the test mints' authority. */
export const DEFAULT_FAUCET_KEYPAIR = join(homedir(), '.config', 'solana', 'id.json')
/** The bank's faucet holds 1,000,000 SOL; one request may take at most this much. */
export const MAX_AIRDROP_SOL = 1_000
/** Below this the mint authority gets 1 SOL first (it pays the recipient's token account rent and fees). */
const PAYER_FLOOR_LAMPORTS = 10_000_000

const MAINNET_GENESIS = '5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d'
/** Anchor's account discriminator of `Market`: sha256("account:Market")[..8]. */
const MARKET_DISCRIMINATOR = createHash('sha256').update('account:Market').digest().subarray(0, 8)
/** Market layout: discriminator, creator, mint (payment), stake_mint (programs/synkti-market/src/state/market.rs). */
const MARKET_MINT_OFFSET = 8 + 32
const MARKET_STAKE_MINT_OFFSET = MARKET_MINT_OFFSET + 32

abstract class FaucetError extends Error {
  abstract readonly remedy: string
  /** usage 2, input 3, chain 4, network 5 (as the project's CLIs). */
  abstract readonly exitCode: number
}

export class FaucetUsageError extends FaucetError {
  override name = 'FaucetUsageError'
  readonly exitCode = 2
  readonly remedy =
    'npm run localnet -- faucet --to <address or keypair file> [--sol N] [--payment N] [--stake N] [--market <address>] [--url <rpc>] [--keypair <mint authority>]'
}

export class FaucetOnMainnetError extends FaucetError {
  override name = 'FaucetOnMainnetError'
  readonly exitCode = 3
  readonly remedy = 'the faucet is for localnet (and devnet test mints you deployed); on mainnet buy SOL and tokens'
  constructor(readonly url: string) {
    super(`${url} is mainnet-beta`)
  }
}

export class FaucetRpcUnreachableError extends FaucetError {
  override name = 'FaucetRpcUnreachableError'
  readonly exitCode = 5
  readonly remedy: string
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`no Solana RPC answers at ${url}`, { cause })
    this.remedy =
      url === 'http://127.0.0.1:8899'
        ? 'start the local chain in another terminal: npm run localnet'
        : `start it (npm run localnet -- --port <port>) or pass --url <rpc>`
  }
}

export class FaucetKeypairError extends FaucetError {
  override name = 'FaucetKeypairError'
  readonly exitCode = 3
  readonly remedy: string
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`the mint authority's keypair ${path} ${reason}`)
    this.remedy =
      path === DEFAULT_FAUCET_KEYPAIR
        ? `minting needs the key that deployed the market (npm run deploy -- --create-mints --keypair <file>): pass it with --keypair <file>; \`npm run localnet\` creates ${path} when it is missing`
        : 'pass the keypair file the market was deployed with: --keypair <file> (a JSON array of 64 bytes)'
  }
}

export class NotMintAuthorityError extends FaucetError {
  override name = 'NotMintAuthorityError'
  readonly exitCode = 3
  readonly remedy: string
  constructor(
    readonly mint: string,
    readonly authority: string | null,
    readonly key: string,
  ) {
    super(
      `mint ${mint}'s authority is ${authority ?? 'nobody (minting is closed)'}, not ${key}: the faucet mints only test mints whose authority you hold`,
    )
    this.remedy =
      authority === null
        ? 'no one can mint more of it: get tokens from someone who holds them'
        : `pass the keypair of ${authority} (the market's deployer) with --keypair <file>, or ask whoever holds it for tokens`
  }
}

export class FaucetMarketError extends FaucetError {
  override name = 'FaucetMarketError'
  readonly exitCode = 3
  constructor(
    message: string,
    readonly remedy: string,
  ) {
    super(message)
  }
}

export class FaucetTransactionError extends FaucetError {
  override name = 'FaucetTransactionError'
  readonly exitCode = 4
  readonly remedy = 'read the message; on localnet check that the chain is the one the market was deployed on'
}

export interface FaucetInit {
  rpcUrl: string
  /** The recipient: a wallet (tokens go to its associated token account, created if missing) or a token account of the mint. */
  to: PublicKey
  /** SOL to airdrop to `to`. */
  sol?: number
  /** Base units of the market's payment mint (0: only create the recipient's token account). */
  payment?: bigint
  /** Base units of the market's stake mint (0: only create the recipient's token account). */
  stake?: bigint
  /** The market whose mints to use; default: the only market whose mints `authority` controls. */
  market?: PublicKey
  /** Mint authority of the test mints (pays the recipient's token account). Needed only for tokens. */
  authority?: Keypair | (() => Promise<Keypair>)
}

export interface MintedTokens {
  mint: string
  /** The token account the tokens went to. */
  account: string
  amount: bigint
  balance: bigint
  signature: string
}

export interface FaucetReport {
  rpcUrl: string
  to: string
  market?: string
  sol?: { lamports: number; balance: number; signature: string }
  payment?: MintedTokens
  stake?: MintedTokens
}

export async function faucet(init: FaucetInit): Promise<FaucetReport> {
  const connection = new Connection(init.rpcUrl, 'confirmed')
  let genesis: string
  try {
    genesis = await connection.getGenesisHash()
  } catch (err) {
    throw new FaucetRpcUnreachableError(init.rpcUrl, err)
  }
  if (genesis === MAINNET_GENESIS) throw new FaucetOnMainnetError(init.rpcUrl)
  const report: FaucetReport = { rpcUrl: init.rpcUrl, to: init.to.toBase58() }

  if ((init.sol ?? 0) > 0) {
    const lamports = Math.round((init.sol ?? 0) * LAMPORTS_PER_SOL)
    const signature = await airdrop(connection, init.to, lamports)
    report.sol = { lamports, balance: await connection.getBalance(init.to), signature }
  }

  // An amount of 0 still creates the recipient's token account (e.g. a provider's payout account).
  const { payment, stake } = init
  if (payment !== undefined || stake !== undefined) {
    if (init.authority === undefined) throw new FaucetUsageError('minting tokens needs the mint authority (--keypair)')
    const authority = typeof init.authority === 'function' ? await init.authority() : init.authority
    const { market, mint, stakeMint } = await resolveMarket(connection, authority.publicKey, init.market)
    report.market = market.toBase58()
    if ((await connection.getBalance(authority.publicKey)) < PAYER_FLOOR_LAMPORTS) {
      await airdrop(connection, authority.publicKey, LAMPORTS_PER_SOL)
    }
    if (payment !== undefined) report.payment = await mintTo(connection, authority, mint, init.to, payment)
    if (stake !== undefined) report.stake = await mintTo(connection, authority, stakeMint, init.to, stake)
  }
  return report
}

async function airdrop(connection: Connection, to: PublicKey, lamports: number): Promise<string> {
  try {
    const signature = await connection.requestAirdrop(to, lamports)
    const latest = await connection.getLatestBlockhash()
    const { value } = await connection.confirmTransaction({ signature, ...latest })
    if (value.err !== null) throw new Error(JSON.stringify(value.err))
    return signature
  } catch (err) {
    throw new FaucetTransactionError(`airdrop of ${lamports} lamports to ${to.toBase58()} failed: ${message(err)}`, {
      cause: err,
    })
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function marketMints(data: Buffer): { mint: PublicKey; stakeMint: PublicKey } | null {
  if (data.length < MARKET_STAKE_MINT_OFFSET + 32 || !data.subarray(0, 8).equals(MARKET_DISCRIMINATOR)) return null
  return {
    mint: new PublicKey(data.subarray(MARKET_MINT_OFFSET, MARKET_MINT_OFFSET + 32)),
    stakeMint: new PublicKey(data.subarray(MARKET_STAKE_MINT_OFFSET, MARKET_STAKE_MINT_OFFSET + 32)),
  }
}

function mintAuthorityOf(data: Buffer): PublicKey | null {
  const mint = MintLayout.decode(data)
  return mint.mintAuthorityOption === 0 ? null : mint.mintAuthority
}

/** The market asked for, or the only one whose mints `authority` may mint. */
async function resolveMarket(
  connection: Connection,
  authority: PublicKey,
  market: PublicKey | undefined,
): Promise<{ market: PublicKey; mint: PublicKey; stakeMint: PublicKey }> {
  if (market !== undefined) {
    const info = await connection.getAccountInfo(market)
    const mints = info?.owner.equals(SYNKTI_PROGRAM_ID) ? marketMints(info.data) : null
    if (mints === null) {
      throw new FaucetMarketError(
        `${market.toBase58()} is not a market of the Synkti program on ${connection.rpcEndpoint}`,
        'pass the address `npm run deploy` printed for the market (or leave --market out)',
      )
    }
    return { market, ...mints }
  }
  const accounts = await connection.getProgramAccounts(SYNKTI_PROGRAM_ID, {
    filters: [{ memcmp: { offset: 0, encoding: 'base64', bytes: MARKET_DISCRIMINATOR.toString('base64') } }],
  })
  const markets = accounts.flatMap(({ pubkey, account }) => {
    const mints = marketMints(account.data)
    return mints === null ? [] : [{ market: pubkey, ...mints }]
  })
  const mintKeys = [...new Set(markets.flatMap((m) => [m.mint.toBase58(), m.stakeMint.toBase58()]))]
  const infos = await getMany(
    connection,
    mintKeys.map((k) => new PublicKey(k)),
  )
  const authorityOf = new Map(mintKeys.map((k, i) => [k, infos[i] ? mintAuthorityOf(infos[i].data) : null]))
  const mine = markets.filter((m) =>
    [m.mint, m.stakeMint].every((k) => authorityOf.get(k.toBase58())?.equals(authority) === true),
  )
  if (mine.length === 1 && mine[0] !== undefined) return mine[0]
  if (mine.length === 0) {
    throw new FaucetMarketError(
      `no market on ${connection.rpcEndpoint} has test mints whose authority is ${authority.toBase58()}`,
      'create one with this key: npm run deploy -- --create-mints (same --keypair), or pass --market <address> and --keypair <its deployer>',
    )
  }
  throw new FaucetMarketError(
    `${mine.length} markets have test mints of ${authority.toBase58()}: ${mine.map((m) => m.market.toBase58()).join(', ')}`,
    'say which: --market <address>',
  )
}

async function getMany(connection: Connection, keys: PublicKey[]) {
  const out = []
  for (let i = 0; i < keys.length; i += 100)
    out.push(...(await connection.getMultipleAccountsInfo(keys.slice(i, i + 100))))
  return out
}

/** Mints `amount` of `mint` to `to`: into it if it is a token account of the mint, else into its associated account. */
async function mintTo(
  connection: Connection,
  authority: Keypair,
  mint: PublicKey,
  to: PublicKey,
  amount: bigint,
): Promise<MintedTokens> {
  const mintInfo = await connection.getAccountInfo(mint)
  if (mintInfo === null || !mintInfo.owner.equals(TOKEN_PROGRAM_ID)) {
    throw new FaucetMarketError(
      `mint ${mint.toBase58()} does not exist`,
      'check --url: is this the chain the market is on?',
    )
  }
  const mintAuthority = mintAuthorityOf(mintInfo.data)
  if (mintAuthority === null || !mintAuthority.equals(authority.publicKey)) {
    throw new NotMintAuthorityError(mint.toBase58(), mintAuthority?.toBase58() ?? null, authority.publicKey.toBase58())
  }
  const target = await connection.getAccountInfo(to)
  const isTokenAccountOfMint =
    target?.owner.equals(TOKEN_PROGRAM_ID) &&
    target.data.length === AccountLayout.span &&
    AccountLayout.decode(target.data).mint.equals(mint)
  const account = isTokenAccountOfMint ? to : getAssociatedTokenAddressSync(mint, to, true)
  const tx = new Transaction()
  if (!isTokenAccountOfMint) {
    tx.add(createAssociatedTokenAccountIdempotentInstruction(authority.publicKey, account, to, mint))
  }
  if (amount > 0n) tx.add(createMintToInstruction(mint, account, authority.publicKey, amount))
  if (tx.instructions.length === 0) {
    const { value } = await connection.getTokenAccountBalance(account)
    return { mint: mint.toBase58(), account: account.toBase58(), amount, balance: BigInt(value.amount), signature: '' }
  }
  // A fresh blockhash per transaction (localnet's blockhashes expire fast under load: see its README).
  const latest = await connection.getLatestBlockhash()
  tx.recentBlockhash = latest.blockhash
  tx.feePayer = authority.publicKey
  tx.sign(authority)
  let signature: string
  try {
    signature = await connection.sendRawTransaction(tx.serialize())
    const { value } = await connection.confirmTransaction({ signature, ...latest })
    if (value.err !== null) throw new Error(JSON.stringify(value.err))
  } catch (err) {
    throw new FaucetTransactionError(`minting ${amount} of ${mint.toBase58()} failed: ${message(err)}`, { cause: err })
  }
  const { value } = await connection.getTokenAccountBalance(account)
  return { mint: mint.toBase58(), account: account.toBase58(), amount, balance: BigInt(value.amount), signature }
}

/** A keypair file as solana-keygen and `synkti-provider keygen` write it: a JSON array of 64 bytes. */
export async function loadFaucetKeypair(path: string): Promise<Keypair> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new FaucetKeypairError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`)
  }
  try {
    const bytes: unknown = JSON.parse(text)
    if (!Array.isArray(bytes) || bytes.length !== 64) throw new Error('not 64 bytes')
    return Keypair.fromSecretKey(Uint8Array.from(bytes as number[]))
  } catch {
    throw new FaucetKeypairError(path, 'is not a JSON array of 64 bytes')
  }
}

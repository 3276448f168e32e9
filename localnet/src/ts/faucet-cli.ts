/**
 * `npm run localnet -- faucet …`: the faucet (faucet.ts) as a command. Prints what it did, or
 * with --json one JSON object; errors as `error <Name>: message` and `remedy: …` on stderr
 * (`--json`: `{"error": {name, message, remedy}}` on stdout), exit codes as the project's CLIs
 * (2 usage, 3 bad input, 4 refused by the chain, 5 network).
 */
import { stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PublicKey } from '@solana/web3.js'
import {
  DEFAULT_FAUCET_KEYPAIR,
  type FaucetReport,
  FaucetUsageError,
  faucet,
  loadFaucetKeypair,
  MAX_AIRDROP_SOL,
} from './faucet.js'

export const FAUCET_HELP = `usage: npm run localnet -- faucet --to <address|keypair file> [--sol N] [--payment N] [--stake N]
                              [--market <address>] [--url <rpc>] [--keypair <file>] [--json]

Gives SOL and tokens of a market's test mints on the local chain (npm run localnet).

  --to <who>        a wallet address or a keypair file (tokens go to its associated token
                    account, created if missing), or a token account of the mint
  --sol <N>         SOL to airdrop (up to ${MAX_AIRDROP_SOL}), e.g. 2 or 0.5
  --payment <N>     base units of the market's payment mint (what leases are paid in)
  --stake <N>       base units of the market's stake mint (what providers stake)
                    (0 creates the token account without tokens, e.g. a payout account)
  --market <addr>   whose mints (default: the only market whose test mints --keypair controls)
  --url <rpc>       default http://127.0.0.1:8899 (localnet); devnet works for test mints you deployed
  --keypair <file>  the test mints' authority: the key the market was deployed with
                    (npm run deploy -- --create-mints); default ~/.config/solana/id.json

Tokens work only where you hold the mint authority (a market you deployed with --create-mints);
it never works on mainnet. Example:
  npm run localnet -- faucet --to ~/.config/solana/id.json --sol 2 --payment 10000000
`

const CLUSTERS: Record<string, string> = {
  localnet: 'http://127.0.0.1:8899',
  devnet: 'https://api.devnet.solana.com',
  testnet: 'https://api.testnet.solana.com',
}

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path
}

function baseUnits(flag: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined
  if (!/^(0|[1-9][0-9]{0,19})$/.test(value) || BigInt(value) >= 2n ** 64n) {
    throw new FaucetUsageError(`${flag} ${JSON.stringify(value)}: expected a whole number of base units`)
  }
  return BigInt(value)
}

function sol(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^[0-9]+(\.[0-9]{1,9})?$/.test(value) || !(n >= 0 && n <= MAX_AIRDROP_SOL)) {
    throw new FaucetUsageError(`--sol ${JSON.stringify(value)}: expected an amount of SOL from 0 to ${MAX_AIRDROP_SOL}`)
  }
  return n
}

/** A base58 address, or the public key of a keypair file. */
async function recipient(value: string): Promise<PublicKey> {
  const path = expandHome(value)
  const isFile = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  )
  if (isFile) return (await loadFaucetKeypair(path)).publicKey
  try {
    return new PublicKey(value)
  } catch {
    throw new FaucetUsageError(`--to ${JSON.stringify(value)}: not a base58 address nor a keypair file`)
  }
}

function text(r: FaucetReport): string {
  const lines = [`faucet on ${r.rpcUrl} → ${r.to}`]
  if (r.sol) lines.push(`  SOL      +${r.sol.lamports / 1e9} (balance ${r.sol.balance / 1e9} SOL)`)
  if (r.payment) {
    lines.push(
      `  payment  +${r.payment.amount} base units of ${r.payment.mint} into ${r.payment.account} (balance ${r.payment.balance})`,
    )
  }
  if (r.stake) {
    lines.push(
      `  stake    +${r.stake.amount} base units of ${r.stake.mint} into ${r.stake.account} (balance ${r.stake.balance})`,
    )
  }
  if (r.market) lines.push(`  market   ${r.market}`)
  return lines.join('\n')
}

function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

/** Runs the faucet command; returns the exit code. */
export async function faucetCli(argv: string[]): Promise<number> {
  const asJson = argv.includes('--json')
  try {
    const { values } = (() => {
      try {
        return parseArgs({
          args: argv,
          options: {
            to: { type: 'string' },
            sol: { type: 'string' },
            payment: { type: 'string' },
            stake: { type: 'string' },
            market: { type: 'string' },
            url: { type: 'string', short: 'u', default: 'localnet' },
            keypair: { type: 'string', short: 'k', default: DEFAULT_FAUCET_KEYPAIR },
            json: { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false },
          },
          strict: true,
        })
      } catch (err) {
        throw new FaucetUsageError((err as Error).message)
      }
    })()
    if (values.help) {
      process.stdout.write(FAUCET_HELP)
      return 0
    }
    const problems: string[] = []
    if (values.to === undefined) problems.push('--to is required')
    if (values.sol === undefined && values.payment === undefined && values.stake === undefined) {
      problems.push('ask for something: --sol, --payment or --stake')
    }
    if (problems.length > 0) throw new FaucetUsageError(problems.join('; '))
    const rpcUrl = CLUSTERS[values.url] ?? values.url
    if (!URL.canParse(rpcUrl)) throw new FaucetUsageError(`--url ${JSON.stringify(values.url)}: not a URL`)
    let market: PublicKey | undefined
    if (values.market !== undefined) {
      try {
        market = new PublicKey(values.market)
      } catch {
        throw new FaucetUsageError(`--market ${JSON.stringify(values.market)}: not a base58 address`)
      }
    }
    const keypairPath = expandHome(values.keypair)
    const solAmount = sol(values.sol)
    const payment = baseUnits('--payment', values.payment)
    const stake = baseUnits('--stake', values.stake)
    const report = await faucet({
      rpcUrl,
      to: await recipient(values.to as string),
      ...(solAmount !== undefined ? { sol: solAmount } : {}),
      ...(payment !== undefined ? { payment } : {}),
      ...(stake !== undefined ? { stake } : {}),
      ...(market !== undefined ? { market } : {}),
      authority: () => loadFaucetKeypair(keypairPath),
    })
    process.stdout.write(`${asJson ? json(report) : text(report)}\n`)
    return 0
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    const remedy = (e as { remedy?: unknown }).remedy
    const code = (e as { exitCode?: unknown }).exitCode
    if (asJson) {
      process.stdout.write(
        `${json({ error: { name: e.name, message: e.message, ...(typeof remedy === 'string' ? { remedy } : {}) } })}\n`,
      )
    } else {
      process.stderr.write(`error ${e.name}: ${e.message}\n`)
      if (typeof remedy === 'string') process.stderr.write(`remedy: ${remedy}\n`)
    }
    return typeof code === 'number' ? code : 1
  }
}

/**
 * `npm run deploy -- [options]`: create a market (and, on localnet/devnet, its mints).
 * `npm run deploy -- --help` prints the options (HELP below).
 *
 * Idempotent: a second run reports what exists and changes nothing.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PublicKey } from '@solana/web3.js'
import { DEFAULT_RPC_URL, loadKeypair, MarketClient, type MarketParams } from '@synkti/market'
import { rpcUrlOf as vocabularyRpcUrlOf } from '@synkti/vocabulary'
import { type Cluster, type DeployReport, deploy } from './deployment.js'

/** What `npm run deploy -- --help` prints. */
export const HELP = `Usage: npm run deploy -- [options]

Create a market of the synkti-market program (and, on localnet/devnet, its mints). Idempotent:
a second run reports what exists and changes nothing.

Options:
  -u, --url <moniker|url>  cluster: localnet, devnet, testnet, mainnet-beta (l, d, t, m) or an RPC URL
                           (default: localnet = ${DEFAULT_RPC_URL}, npm run localnet)
  -k, --keypair <file>     deployer = market creator (default: ~/.config/solana/id.json)
  --cluster <name>         expected cluster: localnet | devnet | testnet | mainnet-beta (checked)
  --params <file.json>     market rules: minStake, feeBps, slashMultipleBps, disputeBond,
                           minCompletionPayment, disputeWindowSecs, maxAttestationGapSecs,
                           exitCooldownSecs, governanceDelaySecs, arbiter, treasury, decimals
  --create-mints           create payment and stake mints (derived from the keypair; localnet/devnet)
  --mint <pk>              an existing payment mint instead
  --stake-mint <pk>        an existing stake mint instead
  --min-stake <n>  --fee-bps <n>  --slash-multiple-bps <n>  --dispute-bond <n>
  --min-completion-payment <n>  --dispute-window <s>  --attestation-gap <s>
  --exit-cooldown <s>  --governance-delay <s>  --decimals <n>
  --arbiter <pk>  --treasury <pk>
                           override single rules (flags win over --params)
  --json                   print the report as one JSON object
  -h, --help               this text

Example (localnet, the deployer's SOL from the faucet):
  npm run localnet -- faucet --to ~/.config/solana/id.json --sol 10
  npm run deploy -- --url localnet --create-mints
`

/** Flags that do not parse (unknown, missing a value, a stray argument): every one at once. Exit 2. */
export class UsageError extends Error {
  override name = 'UsageError'
  readonly remedy = 'see npm run deploy -- --help'
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? (problems[0] as string) : `${problems.length} problems: ${problems.join('; ')}`)
  }
}

/** `--url` that is neither a cluster moniker nor an http(s) URL. Exit 2. */
export class InvalidUrlError extends Error {
  override name = 'InvalidUrlError'
  readonly remedy = 'pass --url localnet, devnet, testnet, mainnet-beta (or l, d, t, m) or an http(s) URL'
  constructor(readonly value: string) {
    super(`--url ${JSON.stringify(value)} is neither a cluster moniker nor an http(s) URL`)
  }
}

/** `--url`: a cluster moniker (as `synkti -u` and `synkti-provider -u` take them) or an http(s) URL. */
export function rpcUrlOf(value: string): string {
  const url = vocabularyRpcUrlOf(value)
  if (url === undefined) throw new InvalidUrlError(value)
  return url
}

export class InvalidParamsError extends Error {
  override name = 'InvalidParamsError'
  readonly remedy = 'see the --params format in migrations/deploy.ts; amounts are integers, keys base58'
}

const DEFAULTS = {
  minStake: 1_000_000n,
  feeBps: 250,
  slashMultipleBps: 20_000,
  disputeBond: 1_000_000n,
  minCompletionPayment: 1_000n,
  disputeWindowSecs: 3_600,
  maxAttestationGapSecs: 600,
  exitCooldownSecs: 86_400,
  governanceDelaySecs: 86_400,
  decimals: 6,
}

const CLUSTERS: Cluster[] = ['localnet', 'devnet', 'testnet', 'mainnet-beta']

function integer(name: string, value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new InvalidParamsError(`${name} must be a whole number`)
  return n
}

function amount(name: string, value: unknown): bigint {
  try {
    const n = BigInt(value as string | number)
    if (n < 0n) throw new Error()
    return n
  } catch {
    throw new InvalidParamsError(`${name} must be a whole number of base units`)
  }
}

function key(name: string, value: unknown): PublicKey {
  try {
    return new PublicKey(value as string)
  } catch {
    throw new InvalidParamsError(`${name} must be a base58 public key`)
  }
}

async function readParamsFile(path: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new InvalidParamsError(`cannot read ${path}: ${(err as Error).message}`)
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
    return parsed as Record<string, unknown>
  } catch (err) {
    throw new InvalidParamsError(`${path} is not a JSON object: ${(err as Error).message}`)
  }
}

const OPTIONS = {
  url: { type: 'string', short: 'u' },
  keypair: { type: 'string', short: 'k' },
  cluster: { type: 'string' },
  params: { type: 'string' },
  'create-mints': { type: 'boolean', default: false },
  mint: { type: 'string' },
  'stake-mint': { type: 'string' },
  'min-stake': { type: 'string' },
  'fee-bps': { type: 'string' },
  'slash-multiple-bps': { type: 'string' },
  'dispute-bond': { type: 'string' },
  'min-completion-payment': { type: 'string' },
  'governance-delay': { type: 'string' },
  'dispute-window': { type: 'string' },
  'attestation-gap': { type: 'string' },
  'exit-cooldown': { type: 'string' },
  arbiter: { type: 'string' },
  treasury: { type: 'string' },
  decimals: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

type Flags = {
  -readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean
}

/**
 * The flags, or UsageError naming every one that does not parse (unknown, without its value,
 * given a value it takes none, a stray argument), not just the first.
 */
export function parseDeployArgs(argv: string[]): Flags {
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, tokens: true })
  const problems: string[] = []
  const values: Record<string, string | boolean> = {}
  for (const token of tokens) {
    if (token.kind === 'positional') {
      problems.push(`unexpected argument ${JSON.stringify(token.value)}`)
      continue
    }
    if (token.kind !== 'option') continue
    const spec = (OPTIONS as Record<string, { type: 'string' | 'boolean' }>)[token.name]
    if (spec === undefined) {
      problems.push(`unknown option '${token.rawName}'`)
    } else if (spec.type === 'string' && token.value === undefined) {
      problems.push(`option '${token.rawName}' needs a value`)
    } else if (spec.type === 'boolean' && token.value !== undefined) {
      problems.push(`option '${token.rawName}' takes no value`)
    } else {
      values[token.name] = spec.type === 'string' ? (token.value as string) : true
    }
  }
  if (problems.length > 0) throw new UsageError(problems)
  return values as Flags
}

export async function main(argv: string[]): Promise<DeployReport> {
  const flags = parseDeployArgs(argv)
  const values = {
    ...flags,
    url: rpcUrlOf(flags.url ?? DEFAULT_RPC_URL),
    keypair: flags.keypair ?? join(homedir(), '.config/solana/id.json'),
  }
  if (values.cluster !== undefined && !CLUSTERS.includes(values.cluster as Cluster)) {
    throw new InvalidParamsError(`--cluster must be one of ${CLUSTERS.join(', ')}`)
  }
  const deployer = await loadKeypair(values.keypair.replace(/^~(?=$|\/)/, homedir()))
  const file = values.params !== undefined ? await readParamsFile(values.params) : {}
  const pick = (flag: string | undefined, field: string) => flag ?? file[field]
  const params: MarketParams = {
    minStake: amount('minStake', pick(values['min-stake'], 'minStake') ?? DEFAULTS.minStake),
    feeBps: integer('feeBps', pick(values['fee-bps'], 'feeBps') ?? DEFAULTS.feeBps),
    slashMultipleBps: integer(
      'slashMultipleBps',
      pick(values['slash-multiple-bps'], 'slashMultipleBps') ?? DEFAULTS.slashMultipleBps,
    ),
    disputeBond: amount('disputeBond', pick(values['dispute-bond'], 'disputeBond') ?? DEFAULTS.disputeBond),
    minCompletionPayment: amount(
      'minCompletionPayment',
      pick(values['min-completion-payment'], 'minCompletionPayment') ?? DEFAULTS.minCompletionPayment,
    ),
    disputeWindowSecs: integer(
      'disputeWindowSecs',
      pick(values['dispute-window'], 'disputeWindowSecs') ?? DEFAULTS.disputeWindowSecs,
    ),
    maxAttestationGapSecs: integer(
      'maxAttestationGapSecs',
      pick(values['attestation-gap'], 'maxAttestationGapSecs') ?? DEFAULTS.maxAttestationGapSecs,
    ),
    exitCooldownSecs: integer(
      'exitCooldownSecs',
      pick(values['exit-cooldown'], 'exitCooldownSecs') ?? DEFAULTS.exitCooldownSecs,
    ),
    governanceDelaySecs: integer(
      'governanceDelaySecs',
      pick(values['governance-delay'], 'governanceDelaySecs') ?? DEFAULTS.governanceDelaySecs,
    ),
    arbiter: key('arbiter', pick(values.arbiter, 'arbiter') ?? deployer.publicKey.toBase58()),
    treasury: key('treasury', pick(values.treasury, 'treasury') ?? deployer.publicKey.toBase58()),
  }
  const decimals = integer('decimals', pick(values.decimals, 'decimals') ?? DEFAULTS.decimals)
  const client = new MarketClient({ rpcUrl: values.url })
  return deploy(client, {
    deployer,
    params,
    ...(values.cluster !== undefined ? { cluster: values.cluster as Cluster } : {}),
    ...(values['create-mints'] ? { createMints: { decimals } } : {}),
    ...(values.mint !== undefined ? { mint: key('mint', values.mint) } : {}),
    ...(values['stake-mint'] !== undefined ? { stakeMint: key('stake-mint', values['stake-mint']) } : {}),
  })
}

function print(report: DeployReport, json: boolean, out: (line: string) => void): void {
  if (json) {
    out(JSON.stringify(report))
    return
  }
  out(`synkti-market on ${report.cluster}`)
  for (const s of report.steps)
    out(`  ${s.action === 'created' ? 'created' : 'exists '}  ${s.what.padEnd(13)} ${s.address}`)
  const changed = report.steps.some((s) => s.action === 'created')
  out(changed ? '  done.' : '  nothing to do: everything exists.')
  out(`  market ${report.market} (export SYNKTI_MARKET=${report.market})`)
}

/** Exit 2 for flags that do not parse; 1 for any other failure, named, with its remedy. */
const USAGE_ERRORS = new Set(['UsageError', 'InvalidUrlError'])

export interface DeployIo {
  stdout(line: string): void
  stderr(line: string): void
}

/** `npm run deploy -- …` as a process runs it: help, the deployment, or a named error; returns the exit code. */
export async function cli(
  argv: string[],
  io: DeployIo = { stdout: (l) => console.log(l), stderr: (l) => console.error(l) },
): Promise<number> {
  const json = argv.includes('--json')
  try {
    // --help wins over anything else on the line, as in the CLIs
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(HELP.trimEnd())
      return 0
    }
    print(await main(argv), json, io.stdout)
    return 0
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    const remedy = (e as { remedy?: unknown }).remedy
    if (json) {
      io.stdout(
        JSON.stringify({
          error: { name: e.name, message: e.message, ...(typeof remedy === 'string' ? { remedy } : {}) },
        }),
      )
    } else {
      io.stderr(`error ${e.name}: ${e.message}`)
      if (typeof remedy === 'string') io.stderr(`remedy: ${remedy}`)
    }
    return USAGE_ERRORS.has(e.name) ? 2 : 1
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await cli(process.argv.slice(2))
}

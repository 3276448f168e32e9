/**
 * `npm run deploy -- [options]`: create a market (and, on localnet/devnet, its mints).
 *
 *   --url <rpc>            JSON-RPC endpoint (default http://127.0.0.1:8899, `npm run localnet`)
 *   --keypair <file>       deployer = market creator (default ~/.config/solana/id.json)
 *   --cluster <name>       expected cluster: localnet | devnet | testnet | mainnet-beta (checked)
 *   --params <file.json>   market rules (minStake, feeBps, slashMultipleBps, disputeBond,
 *                          minCompletionPayment, disputeWindowSecs, maxAttestationGapSecs,
 *                          exitCooldownSecs, governanceDelaySecs, arbiter, treasury, decimals)
 *   --create-mints         create payment and stake mints (derived from the keypair; localnet/devnet)
 *   --mint / --stake-mint  existing mints instead
 *   --min-stake --fee-bps --slash-multiple-bps --dispute-bond --min-completion-payment
 *   --dispute-window --attestation-gap --exit-cooldown --governance-delay
 *   --arbiter --treasury   override single rules
 *   --json                 print the report as one JSON object
 *
 * Idempotent: a second run reports what exists and changes nothing.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PublicKey } from '@solana/web3.js'
import { DEFAULT_RPC_URL, loadKeypair, MarketClient, type MarketParams } from '@synkti/market'
import { type Cluster, type DeployReport, deploy } from './deployment.js'

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

export async function main(argv: string[]): Promise<DeployReport> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: DEFAULT_RPC_URL },
      keypair: { type: 'string', default: join(homedir(), '.config/solana/id.json') },
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
      json: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.cluster !== undefined && !CLUSTERS.includes(values.cluster as Cluster)) {
    throw new InvalidParamsError(`--cluster must be one of ${CLUSTERS.join(', ')}`)
  }
  const deployer = await loadKeypair(values.keypair)
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

function print(report: DeployReport, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(report))
    return
  }
  console.log(`synkti-market on ${report.cluster}`)
  for (const s of report.steps)
    console.log(`  ${s.action === 'created' ? 'created' : 'exists '}  ${s.what.padEnd(13)} ${s.address}`)
  const changed = report.steps.some((s) => s.action === 'created')
  console.log(changed ? '  done.' : '  nothing to do: everything exists.')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2)
  main(argv)
    .then((report) => print(report, argv.includes('--json')))
    .catch((err: unknown) => {
      const e = err as Error & { remedy?: string }
      console.error(`${e.name}: ${e.message}`)
      if (e.remedy !== undefined) console.error(`  remedy: ${e.remedy}`)
      process.exitCode = 1
    })
}

/**
 * The `synkti` program: commander wiring only. Options are declared and parsed here (addresses,
 * amounts), then handed to `invoke`; `main` runs the command, renders its result and maps any
 * error to its report and exit code.
 */
import type { PublicKey } from '@solana/web3.js'
import { Command, CommanderError, Option } from 'commander'
import { describeError } from './classify.js'
import type * as disputeOpen from './commands/dispute-open.js'
import type * as gateway from './commands/gateway.js'
import type * as jobLogs from './commands/job-logs.js'
import type * as jobMove from './commands/job-move.js'
import type * as jobRun from './commands/job-run.js'
import type * as jobStatus from './commands/job-status.js'
import type * as jobStop from './commands/job-stop.js'
import type * as jobTopUp from './commands/job-top-up.js'
import type * as leaseReclaim from './commands/lease-reclaim.js'
import type * as marketPrices from './commands/market-prices.js'
import type * as providers from './commands/providers.js'
import { type GlobalFlags, parseAddress, parseAmount, resolveConfig, resolveKeypairPath } from './config.js'
import { DEFAULT_CLUSTER, DEFAULT_KEYPAIR_PATH, ENV } from './constants.js'
import type { Deps } from './context.js'
import { ConflictingOptionsError, EXIT_CODES, InvalidFilterError, UsageError } from './errors.js'
import { type Io, processIo } from './io.js'
import { type Outcome, renderErrorText, renderJson, renderText } from './output.js'
import { commandPath, UsageProblems } from './usage.js'

/** Each command's parsed options, by the words that name it. */
export interface CommandOptions {
  providers: providers.ProvidersOptions
  'market prices': marketPrices.PricesOptions
  'job run': jobRun.RunOptions
  'job status': jobStatus.StatusOptions
  'job logs': Omit<jobLogs.LogsOptions, 'onLine'>
  'job top-up': jobTopUp.TopUpOptions
  'job stop': jobStop.StopOptions
  'job move': Omit<jobMove.MoveOptions, 'stateDir'> & { stateDir?: string }
  'lease list': Record<string, never>
  'lease reclaim': leaseReclaim.ReclaimOptions
  'dispute open': disputeOpen.DisputeOptions
  gateway: Omit<gateway.GatewayOptions, 'onEvent' | 'interrupted' | 'stateDir'> & { stateDir?: string }
  doctor: Record<string, never>
  keygen: { outfile?: string }
}
export type CommandName = keyof CommandOptions

export type Invoke = <N extends CommandName>(name: N, options: CommandOptions[N], flags: GlobalFlags) => Promise<void>

const address = (what: string) => (value: string) => parseAddress(what, value)
const amount = (what: string) => (value: string) => parseAmount(what, value)
/** `host:port` on loopback: the gateway serves the consumer's own applications only. */
function parseListen(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':')
  const host = value.slice(0, at)
  const port = Number(value.slice(at + 1))
  if (at < 0 || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--listen must be host:port, got ${JSON.stringify(value)}`)
  }
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1' && host !== '[::1]') {
    throw new UsageError(`--listen must be a loopback address (127.0.0.1, ::1), got ${host}`)
  }
  return { host: host.replace(/^\[|\]$/g, ''), port }
}

/** A GPU model or region as provider records carry them (@synkti/p2p: 1 to 64 characters). */
const name = (what: string) => (value: string) => {
  if (value.length === 0 || value.length > 64 || value.trim() !== value) throw new InvalidFilterError(what, value)
  return value
}

/** `--for` takes the GPUs, regions and VRAM from the spec; `--min-stake` only means something with it. */
function providersOptions(o: {
  gpu?: string
  region?: string
  minVram?: number
  for?: string
  minStake?: bigint
}): providers.ProvidersOptions {
  if (o.for !== undefined) {
    const filters: [string, unknown][] = [
      ['--gpu', o.gpu],
      ['--region', o.region],
      ['--min-vram', o.minVram],
    ]
    const given = filters.find(([, value]) => value !== undefined)
    if (given !== undefined) {
      throw new ConflictingOptionsError(given[0], 'cannot go with --for: the spec says what the job needs', 'providers')
    }
    return { for: o.for, ...(o.minStake !== undefined ? { minStake: o.minStake } : {}) }
  }
  if (o.minStake !== undefined) throw new ConflictingOptionsError('--min-stake', 'needs --for <spec>', 'providers')
  return {
    ...(o.gpu !== undefined ? { gpu: o.gpu } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.minVram !== undefined ? { minVramGb: o.minVram } : {}),
  }
}

const positive = (what: string) => (value: string) => {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${what} must be a positive number, got ${JSON.stringify(value)}`)
  return n
}

const nonNegative = (what: string) => (value: string) => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`${what} must be a number of seconds, 0 or more, got ${JSON.stringify(value)}`)
  }
  return n
}

const count = (what: string) => (value: string) => {
  const n = Number(value)
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${what} must be a whole number, 0 or more, got ${JSON.stringify(value)}`)
  }
  return n
}

/** A share of a price: 0.2 is 20 %. */
const share = (what: string) => (value: string) => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) {
    throw new UsageError(
      `${what} must be a share from 0 up to (not including) 1, e.g. 0.2, got ${JSON.stringify(value)}`,
    )
  }
  return n
}

interface ReturnFlags {
  returnToSpot?: boolean
  spec?: string
  minSaving?: number
  hold?: number
  dwell?: number
  maxMoves?: number
  minStake?: bigint
  returnEvery?: number
}

/** `--return-to-spot` needs `--spec`; its limits mean nothing without it. */
function returnOptions(o: ReturnFlags): gateway.ReturnOptions | undefined {
  const limits: [string, unknown][] = [
    ['--spec', o.spec],
    ['--min-saving', o.minSaving],
    ['--hold', o.hold],
    ['--dwell', o.dwell],
    ['--max-moves', o.maxMoves],
    ['--min-stake', o.minStake],
    ['--return-every', o.returnEvery],
  ]
  if (o.returnToSpot !== true) {
    const given = limits.find(([, value]) => value !== undefined)
    if (given !== undefined) throw new ConflictingOptionsError(given[0], 'needs --return-to-spot', 'gateway')
    return undefined
  }
  if (o.spec === undefined) {
    throw new ConflictingOptionsError(
      '--return-to-spot',
      'needs --spec <file>: the job spec the lease was opened with',
      'gateway',
    )
  }
  return {
    spec: o.spec,
    ...(o.minSaving !== undefined ? { minSaving: o.minSaving } : {}),
    ...(o.hold !== undefined ? { holdSec: o.hold } : {}),
    ...(o.dwell !== undefined ? { dwellSec: o.dwell } : {}),
    ...(o.maxMoves !== undefined ? { maxMoves: o.maxMoves } : {}),
    ...(o.minStake !== undefined ? { minStake: o.minStake } : {}),
    ...(o.returnEvery !== undefined ? { everySec: o.returnEvery } : {}),
  }
}

/**
 * The command tree. Commander never exits the process nor prints errors itself (they become
 * UsageError reports in `main`); `write` receives help text. Subcommands inherit both settings,
 * so they are set before any is added.
 */
export function createProgram(run: Invoke, write: (text: string) => void = (t) => process.stdout.write(t)): Command {
  // every problem with the command line is gathered while it is parsed and reported before anything runs
  const usage = new UsageProblems()
  const v = <T>(parse: (value: string) => T) => usage.value(parse)
  const invoke: Invoke = (name, options, flags) => {
    // the global flags' own values (-u, --market, --bootstrap), with the rest; the environment's come later
    usage.gather(() => resolveConfig(flags, {}))
    usage.throwIfAny()
    return run(name, options, flags)
  }
  const program = new Command('synkti')
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: () => undefined })
    .description('Consumer CLI of the Synkti GPU marketplace: find providers, run jobs, settle on Solana')
    .addOption(
      new Option(
        '-u, --url <moniker|url>',
        'cluster: localnet, devnet, testnet, mainnet-beta (l, d, t, m) or an RPC URL',
      ).default(DEFAULT_CLUSTER),
    )
    .addOption(new Option('-k, --keypair <path>', 'wallet keypair file').default(DEFAULT_KEYPAIR_PATH))
    .addOption(new Option('--market <address>', `market account (or ${ENV.market})`))
    .addOption(
      new Option(
        '--bootstrap <multiaddr...>',
        `peers to join the network through (or ${ENV.bootstrap}, comma-separated)`,
      ),
    )
    .addOption(new Option('--json', 'print one JSON object on stdout'))
    .showSuggestionAfterError()

  const flagsOf = (cmd: Command) => cmd.optsWithGlobals() as GlobalFlags

  program
    .command('providers')
    .description('verified providers of the market: DHT records joined with on-chain state')
    .option('--gpu <model>', 'GPU model, e.g. H100', v(name('--gpu')))
    .option('--region <region>', 'region, e.g. eu-central', v(name('--region')))
    .option('--min-vram <gb>', 'minimum VRAM per GPU in GB', v(positive('--min-vram')))
    .option('--for <spec>', 'a job spec: whether each provider fits it, and why not')
    .option(
      '--min-stake <amount>',
      "with --for: the least stake you accept (the market's minimum applies anyway)",
      v(amount('--min-stake')),
    )
    .action((o: { gpu?: string; region?: string; minVram?: number; for?: string; minStake?: bigint }, cmd: Command) =>
      invoke('providers', usage.gather(() => providersOptions(o)) as providers.ProvidersOptions, flagsOf(cmd)),
    )

  program
    .command('market')
    .description('the market as a whole')
    .command('prices')
    .description('the going on-chain price per GPU model and region: min, median, max over verified providers')
    .option('--gpu <model>', 'only this GPU model, e.g. H100', v(name('--gpu')))
    .option('--region <region>', 'only this region, e.g. eu-central', v(name('--region')))
    .action((o: { gpu?: string; region?: string }, cmd: Command) =>
      invoke(
        'market prices',
        {
          ...(o.gpu !== undefined ? { gpu: o.gpu } : {}),
          ...(o.region !== undefined ? { region: o.region } : {}),
        },
        flagsOf(cmd),
      ),
    )

  const job = program.command('job').description('run and manage jobs (a job id is its lease address)')
  job
    .command('run <spec>')
    .description('validate a job spec, open an escrowed lease with a provider and submit the job')
    .option(
      '--provider <address>',
      'provider account or operator (default: the cheapest that fits)',
      v((value: string) => parseAddress('--provider', value).toBase58()),
    )
    .option(
      '--deposit <amount>',
      'escrow in base units (default: one hour at the provider price)',
      v(amount('--deposit')),
    )
    .option('--wait', 'follow the job until it is healthy and print its endpoint')
    .action((spec: string, o: { provider?: string; deposit?: bigint; wait?: boolean }, cmd: Command) =>
      invoke(
        'job run',
        {
          spec,
          wait: o.wait === true,
          ...(o.provider !== undefined ? { provider: o.provider } : {}),
          ...(o.deposit !== undefined ? { deposit: o.deposit } : {}),
        },
        flagsOf(cmd),
      ),
    )
  /** A subcommand of `parent` acting on one lease: `<id>` is parsed as an address. */
  const onLease = (parent: Command, name: string, description: string) =>
    parent
      .command(name)
      .argument('<id>', 'job id (the lease address)', v(address('job id')))
      .description(description)

  onLease(job, 'status', 'the lease on chain and the job as its current provider reports it').action(
    (id: PublicKey, _o: unknown, cmd: Command) => invoke('job status', { lease: id }, flagsOf(cmd)),
  )
  onLease(job, 'logs', "the job's log lines from its provider")
    .option('-f, --follow', 'keep reading until the provider ends the stream')
    .action((id: PublicKey, o: { follow?: boolean }, cmd: Command) =>
      invoke('job logs', { lease: id, follow: o.follow === true }, flagsOf(cmd)),
    )
  onLease(job, 'top-up', 'add escrow to a lease')
    .requiredOption('--amount <amount>', 'base units of the payment mint', v(amount('--amount')))
    .action((id: PublicKey, o: { amount: bigint }, cmd: Command) =>
      invoke('job top-up', { lease: id, amount: o.amount }, flagsOf(cmd)),
    )
  onLease(job, 'stop', 'close the lease: settle what was served, refund the rest').action(
    (id: PublicKey, _o: unknown, cmd: Command) => invoke('job stop', { lease: id }, flagsOf(cmd)),
  )
  onLease(
    job,
    'move',
    "move the job to another provider, make-before-break: a new lease, healthy first, then the traffic (through the lease's gateway, if one runs), then the old lease closed",
  )
    .requiredOption('--spec <file>', 'the job spec the lease was opened with (its hash is checked against the lease)')
    .option(
      '--to <address>',
      'provider account or operator (default: the cheapest that fits, other than this one)',
      v((value: string) => parseAddress('--to', value).toBase58()),
    )
    .option('--deposit <amount>', "the new lease's escrow (default: one hour at its price)", v(amount('--deposit')))
    .option(
      '--state-dir <dir>',
      'where gateways keep their state and locks (default: SYNKTI_STATE_DIR, ~/.local/state/synkti)',
    )
    .action((id: PublicKey, o: { spec: string; to?: string; deposit?: bigint; stateDir?: string }, cmd: Command) =>
      invoke(
        'job move',
        {
          lease: id,
          spec: o.spec,
          ...(o.to !== undefined ? { to: o.to } : {}),
          ...(o.deposit !== undefined ? { deposit: o.deposit } : {}),
          ...(o.stateDir !== undefined ? { stateDir: o.stateDir } : {}),
        },
        flagsOf(cmd),
      ),
    )

  const lease = program.command('lease').description('leases of your wallet')
  lease
    .command('list')
    .description('your leases (in --market, if set)')
    .action((_o: unknown, cmd: Command) => invoke('lease list', {}, flagsOf(cmd)))
  onLease(
    lease,
    'reclaim',
    "take back the escrow of a lease whose provider stopped attesting past the market's gap",
  ).action((id: PublicKey, _o: unknown, cmd: Command) => invoke('lease reclaim', { lease: id }, flagsOf(cmd)))

  const dispute = program.command('dispute').description('disputes with providers')
  onLease(dispute, 'open', "freeze the lease's unsettled escrow until the market's arbiter rules")
    .requiredOption('--reason <text>', 'what went wrong (its sha256 goes on chain)')
    .action((id: PublicKey, o: { reason: string }, cmd: Command) =>
      invoke('dispute open', { lease: id, reason: o.reason }, flagsOf(cmd)),
    )

  program
    .command('gateway')
    .argument('<id>', 'the lease (job id) to serve', v(address('lease')))
    .description(
      "the lease's own OpenAI-compatible endpoint on loopback: follows failovers, signs usage receipts, watches the escrow",
    )
    .option('--listen <host:port>', 'where to listen (loopback only)', '127.0.0.1:8080')
    .option(
      '--deadline <seconds>',
      'how long a request is held while no endpoint answers',
      v(positive('--deadline')),
      60,
    )
    .option('--warn-runway <seconds>', 'warn when the escrow lasts less than this', v(positive('--warn-runway')), 600)
    .option('--auto-top-up <amount>', 'top up by this much when the runway is short', v(amount('--auto-top-up')))
    .option('--max-spend <amount>', 'the most --auto-top-up may add in all', v(amount('--max-spend')))
    .option('--receipt-every <seconds>', 'how often served time is receipted', v(positive('--receipt-every')), 10)
    .option(
      '--state-dir <dir>',
      'where the per-lease state (top-ups spent, receipts) and locks live (default: SYNKTI_STATE_DIR, ~/.local/state/synkti)',
    )
    .option(
      '--return-to-spot',
      'move the job on its own, make-before-break, to a cheaper spot provider once one has been offered long enough',
    )
    .option('--spec <file>', 'with --return-to-spot: the job spec the lease was opened with (its hash is checked)')
    .option(
      '--min-saving <share>',
      "with --return-to-spot: the least share of the lease's price a move must save (default 0.2)",
      v(share('--min-saving')),
    )
    .option(
      '--hold <seconds>',
      'with --return-to-spot: how long a cheaper provider must be offered without a break (default 600)',
      v(nonNegative('--hold')),
    )
    .option(
      '--dwell <seconds>',
      'with --return-to-spot: how long the current provider must have served the lease (default 600)',
      v(nonNegative('--dwell')),
    )
    .option(
      '--max-moves <n>',
      "with --return-to-spot: the most moves it makes on its own, across restarts and moves (default: the lease's migration limit)",
      v(count('--max-moves')),
    )
    .option(
      '--min-stake <amount>',
      "with --return-to-spot: the least stake of a provider to move to (the market's minimum applies anyway)",
      v(amount('--min-stake')),
    )
    .option(
      '--return-every <seconds>',
      'with --return-to-spot: how often it looks at the market (default 30)',
      v(positive('--return-every')),
    )
    .action(
      (
        id: PublicKey,
        o: {
          listen: string
          deadline: number
          warnRunway: number
          autoTopUp?: bigint
          maxSpend?: bigint
          receiptEvery: number
          stateDir?: string
        } & ReturnFlags,
        cmd: Command,
      ) => {
        const { host, port } = usage.gather(() => parseListen(o.listen)) as { host: string; port: number }
        const returnToSpot = usage.gather(() => returnOptions(o)) as gateway.ReturnOptions | undefined
        return invoke(
          'gateway',
          {
            lease: id,
            host,
            port,
            deadlineSec: o.deadline,
            warnRunwaySec: o.warnRunway,
            receiptEverySec: o.receiptEvery,
            ...(o.autoTopUp !== undefined ? { autoTopUp: o.autoTopUp } : {}),
            ...(o.maxSpend !== undefined ? { maxSpend: o.maxSpend } : {}),
            ...(o.stateDir !== undefined ? { stateDir: o.stateDir } : {}),
            ...(returnToSpot !== undefined ? { returnToSpot } : {}),
          },
          flagsOf(cmd),
        )
      },
    )

  program
    .command('keygen')
    .description('create a wallet keypair file (solana-keygen format; never overwrites)')
    .option('-o, --outfile <path>', 'where to write it (default: the -k path, else ~/.config/solana/id.json)')
    .action((o: { outfile?: string }, cmd: Command) =>
      invoke('keygen', o.outfile !== undefined ? { outfile: o.outfile } : {}, flagsOf(cmd)),
    )

  program
    .command('doctor')
    .description('check keypair, RPC, SOL, market, payment tokens and peers; say how to fix each')
    .action((_o: unknown, cmd: Command) => invoke('doctor', {}, flagsOf(cmd)))

  usage.install(program)
  return program
}

/** Loads only the command that runs: libp2p and the chain client take seconds to import. */
async function execute<N extends CommandName>(
  name: N,
  options: CommandOptions[N],
  deps: Deps,
  io: Io,
): Promise<Outcome> {
  const o = options as CommandOptions[CommandName]
  switch (name) {
    case 'providers': {
      const { for: spec, minStake, ...filters } = o as CommandOptions['providers']
      if (spec === undefined) return { result: await (await import('./commands/providers.js')).run(filters, deps) }
      const fit = await import('./commands/providers-for.js')
      return { result: await fit.run({ spec, ...(minStake !== undefined ? { minStake } : {}) }, deps) }
    }
    case 'market prices':
      return {
        result: await (await import('./commands/market-prices.js')).run(o as CommandOptions['market prices'], deps),
      }
    case 'job run':
      return { result: await (await import('./commands/job-run.js')).run(o as CommandOptions['job run'], deps) }
    case 'job status':
      return (await import('./commands/job-status.js')).run(o as CommandOptions['job status'], deps)
    case 'job logs': {
      const onLine = deps.config.json ? undefined : (line: string) => io.stdout(`${line}\n`)
      const logs = await import('./commands/job-logs.js')
      return logs.run({ ...(o as CommandOptions['job logs']), ...(onLine ? { onLine } : {}) }, deps)
    }
    case 'job top-up':
      return { result: await (await import('./commands/job-top-up.js')).run(o as CommandOptions['job top-up'], deps) }
    case 'job stop':
      return { result: await (await import('./commands/job-stop.js')).run(o as CommandOptions['job stop'], deps) }
    case 'job move': {
      const { resolveStateDir } = await import('./gateway/state.js')
      const { stateDir, ...rest } = o as CommandOptions['job move']
      return (await import('./commands/job-move.js')).run(
        { ...rest, stateDir: resolveStateDir(stateDir, io.env) },
        deps,
      )
    }
    case 'lease list':
      return { result: await (await import('./commands/lease-list.js')).run({}, deps) }
    case 'lease reclaim':
      return {
        result: await (await import('./commands/lease-reclaim.js')).run(o as CommandOptions['lease reclaim'], deps),
      }
    case 'dispute open':
      return {
        result: await (await import('./commands/dispute-open.js')).run(o as CommandOptions['dispute open'], deps),
      }
    case 'gateway': {
      const { run, eventLine } = await import('./commands/gateway.js')
      const { resolveStateDir } = await import('./gateway/state.js')
      const { stateDir, ...rest } = o as CommandOptions['gateway']
      const interrupted = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
      const onEvent = deps.config.json
        ? (e: Parameters<typeof eventLine>[0]) => io.stdout(`${JSON.stringify(e)}\n`)
        : (e: Parameters<typeof eventLine>[0]) => io.stdout(`${eventLine(e)}\n`)
      return {
        result: await run({ ...rest, stateDir: resolveStateDir(stateDir, io.env), onEvent, interrupted }, deps),
      }
    }
    case 'doctor':
      return (await import('./commands/doctor.js')).run({}, deps)
    case 'keygen': {
      const { outfile } = o as CommandOptions['keygen']
      const path = outfile !== undefined ? resolveKeypairPath(outfile) : deps.config.keypairPath
      const { createKeypairFile } = await import('@synkti/market')
      return { result: { kind: 'keygen', ...(await createKeypairFile(path)) } }
    }
  }
  throw new Error(`unknown command ${name}`)
}

/** Runs the command, prints its outcome; errors propagate to `main`, which reports them. */
function runner(io: Io): { invoke: Invoke; exitCode: () => number } {
  let code: number = EXIT_CODES.ok
  const invoke: Invoke = async (name, options, flags) => {
    const config = resolveConfig(flags, io.env)
    const { createDeps } = await import('./context.js')
    await using deps = createDeps(config, io)
    const { result, failure } = await execute(name, options, deps, io)
    const report = failure === undefined ? undefined : describeError(failure)
    if (config.json) {
      io.stdout(renderJson(result, report))
    } else {
      const text = renderText(result)
      if (text !== '') io.stdout(`${text}\n`)
      if (report !== undefined) io.stderr(`${renderErrorText(report)}\n`)
    }
    code = report?.exitCode ?? EXIT_CODES.ok
  }
  return { invoke, exitCode: () => code }
}

/** Parses `argv` (as process.argv: node, script, args...), runs, prints; returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const run = runner(io)
  const program = createProgram(run.invoke, io.stdout)
  try {
    await program.parseAsync(argv)
    return run.exitCode()
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT_CODES.ok
      // a command that only groups others (`synkti job`) was given none of them
      if (err.code === 'commander.help') return report(missingCommand(program, argv.slice(2)), argv, io)
      return report(new UsageError(err.message.replace(/^error: /, '')), argv, io)
    }
    return report(err, argv, io)
  }
}

/** `synkti job` alone: which commands it groups. */
function missingCommand(program: Command, args: string[]): UsageError {
  let at = program
  for (const arg of args) at = at.commands.find((c) => c.name() === arg) ?? at
  const path = commandPath(at)
  const subcommands = at.commands.map((c) => c.name()).filter((n) => n !== 'help')
  return new UsageError(`${path} needs a command: ${subcommands.join(', ')}`, path)
}

function report(err: unknown, argv: string[], io: Io): number {
  const r = describeError(err)
  if (argv.includes('--json')) {
    io.stdout(renderJson(null, r))
  } else {
    io.stderr(`${renderErrorText(r)}\n`)
    if (!r.expected && io.env[ENV.debug] !== undefined && err instanceof Error) io.stderr(`${err.stack}\n`)
  }
  return r.exitCode
}

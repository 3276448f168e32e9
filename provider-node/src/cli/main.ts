import type { Capability, Cloud, Runtime } from '@synkti/planner'
import { Command, CommanderError, Option } from 'commander'
import {
  DEFAULT_CONFIG_PATH,
  DEFAULT_KEYPAIR_PATH,
  loadNodeConfig,
  type NodeConfig,
  saveNodeConfig,
} from '../node/config.js'
import { registerFleet } from './commands/fleet.js'
import type { UpdateResult } from './commands/provider-ops.js'
import { ExitNotConfirmedError, UsageError } from './errors.js'
import { CliValues } from './gather.js'
import { EXIT, type Output, print, reportError } from './output.js'
import { amount, expandHome, gpuLabel, positive, positiveAmount, publicKey, regionLabel, rpcUrl } from './values.js'

// Each command imports its work when it runs: the chain client, libp2p, the cloud SDKs and the
// inference engine cost seconds to load, and `--help`, `keygen` or a usage error need none of them.
const commands = {
  chainOps: () => import('./commands/chain-ops.js'),
  doctor: () => import('./commands/doctor.js'),
  keygen: () => import('./commands/keygen.js'),
  providerAccount: () => import('./commands/provider-account.js'),
  providerOps: () => import('./commands/provider-ops.js'),
  register: () => import('./commands/register.js'),
  run: () => import('./commands/run.js'),
  status: () => import('./commands/status.js'),
  drain: () => import('./commands/drain.js'),
}

async function marketClient(rpcUrl: string) {
  const { MarketClient } = await import('@synkti/market')
  return new MarketClient({ rpcUrl })
}

/** The config at `path` when one exists (register run again); a broken one is an error, never overwritten. */
async function existingConfig(path: string): Promise<NodeConfig | undefined> {
  try {
    return await loadNodeConfig(path)
  } catch (err) {
    if ((err as Error).name === 'NodeConfigMissingError') return undefined
    throw err
  }
}

/** After `update`: the config holds what the chain now holds (price, capabilities). */
async function syncConfig(path: string, r: UpdateResult): Promise<void> {
  const config = await loadNodeConfig(path)
  const { withChainCapabilities } = await commands.providerAccount()
  const capability = withChainCapabilities(config.capability, r.capabilities)
  const price = r.pricePerSecond.toString()
  if (price === config.pricePerSecond && JSON.stringify(capability) === JSON.stringify(config.capability)) return
  await saveNodeConfig(path, { ...config, pricePerSecond: price, capability })
}

interface Globals {
  url?: string
  keypair?: string
  config: string
  json: boolean
}

/**
 * `synkti-provider`: the provider daemon and its operator's tools. Solana CLI conventions:
 * -u/--url, -k/--keypair, --json on every command; named errors and non-zero exit codes.
 */
export function buildProgram(): Command {
  const program = new Command('synkti-provider')
    .description('Synkti provider node: observe where it runs, then serve leases')
    .option('-u, --url <rpc>', 'localnet, devnet, mainnet-beta or an RPC URL (default: the config, else localnet)')
    .option('-k, --keypair <path>', `operator keypair (default: the config, else ${DEFAULT_KEYPAIR_PATH})`)
    .option('-c, --config <path>', 'node config file', DEFAULT_CONFIG_PATH)
    .option('--json', 'print one JSON object (run: JSON lines)', false)
    // commander neither exits nor prints its errors: they become UsageError reports (exit 2) in
    // `main`; subcommands inherit both settings, so they are set before any is added
    .exitOverride()
    // nor its help in place of an error (a command that groups others, given none): the error names them
    .configureOutput({ outputError: () => undefined, writeErr: () => undefined })

  const globals = (cmd: Command): Globals => cmd.optsWithGlobals<Globals>()
  const out = (cmd: Command): Output => ({ json: globals(cmd).json })
  const configOf = async (cmd: Command): Promise<NodeConfig> => {
    const g = globals(cmd)
    const config = await loadNodeConfig(expandHome(g.config))
    return {
      ...config,
      ...(g.url !== undefined ? { rpcUrl: rpcUrl(g.url) } : {}),
      ...(g.keypair !== undefined ? { keypair: expandHome(g.keypair) } : {}),
    }
  }

  program
    .command('keygen')
    .description('create an operator keypair (never overwrites)')
    .option('-o, --outfile <path>', 'where to write it', DEFAULT_KEYPAIR_PATH)
    .action(async (o: { outfile: string }, cmd: Command) => {
      const { keygen } = await commands.keygen()
      print(out(cmd), await keygen(expandHome(o.outfile)), (r) => [`wrote ${r.path}`, `operator ${r.address}`])
    })

  program
    .command('register')
    .description(
      'register this operator in a market, stake, and write the node config; run again, it changes only what differs (on chain too)',
    )
    .requiredOption('--market <address>', 'market account')
    .requiredOption('--stake <amount>', 'total stake wanted, in stake-mint base units')
    .requiredOption('--price <amount>', 'price per second, in payment-mint base units')
    .requiredOption('--gpu <model>', 'GPU model, e.g. H100')
    .requiredOption('--vram <gb>', 'VRAM per GPU in GB')
    .option('--count <n>', 'GPUs (default: the config, else 1)')
    .requiredOption('--region <region>', 'e.g. eu-central (letters, digits, - _ ., at most 32 bytes)')
    .option('--zone <zone>', 'availability zone (default: the region)')
    .addOption(
      new Option('--cloud <cloud>', 'where the machine is (default: the config, else local)').choices([
        'aws',
        'hetzner',
        'ovh',
        'local',
      ]),
    )
    .option('--spot', 'the machine can be preempted')
    .option('--no-spot', 'the machine is not preemptible (default, unless the config says otherwise)')
    .option('--runtime <runtime...>', 'process, container, vllm (default: the config, else process)')
    .option('--disk <gb>', 'disk for models, GB (default: the config, else 100)')
    .option('-a, --authority <path>', 'cold wallet that owns the stake (default: the operator key)')
    .option('--state-dir <path>', 'failover journals and settlement queue (default: the config, else next to it)')
    .option('--allow-command <cmd...>', 'executables consumer jobs may run here (replaces the list; default: kept)')
    .option('--no-allow-command', 'allow no executable (empties the list)')
    .option('--listen <multiaddr...>', 'P2P listen addresses')
    .option('--bootstrap <multiaddr...>', 'P2P bootstrap peers')
    .option('--api-port <port>', 'HTTP API port on 127.0.0.1')
    .action(async (o: Record<string, string | string[] | boolean | undefined>, cmd: Command) => {
      const g = globals(cmd)
      const configPath = expandHome(g.config)
      const existing = await existingConfig(configPath)
      // every bad value at once, before anything is read from the chain
      const v = new CliValues()
      const url = v.take(() => rpcUrl(g.url ?? existing?.rpcUrl ?? 'localnet'))
      const before = existing?.capability
      const region = v.take(() => regionLabel('--region', String(o.region)))
      const model = v.take(() => gpuLabel('--gpu', String(o.gpu)))
      const count = typeof o.count === 'string' ? v.take(() => positive('--count', o.count as string)) : undefined
      const vramGb = v.take(() => positive('--vram', String(o.vram)))
      const zone = typeof o.zone === 'string' ? v.take(() => regionLabel('--zone', o.zone as string)) : undefined
      const diskGb = typeof o.disk === 'string' ? v.take(() => positive('--disk', o.disk as string)) : undefined
      const market = await v.takeAsync(() => publicKey('--market', String(o.market)))
      const pricePerSecond = v.take(() => positiveAmount('--price', String(o.price)))
      const stake = v.take(() => amount('--stake', String(o.stake)))
      v.check()
      const capability: Capability = {
        gpu: { model, count: count ?? before?.gpu.count ?? 1, vramGb },
        cloud: (o.cloud as Cloud | undefined) ?? before?.cloud ?? 'local',
        region,
        // a zone belongs to its region: kept only while the region stays
        zone: zone ?? (before !== undefined && before.region === region ? before.zone : region),
        spot: typeof o.spot === 'boolean' ? o.spot : (before?.spot ?? false),
        runtimes: (o.runtime as Runtime[] | undefined) ?? before?.runtimes ?? ['process'],
        cachedModels: before?.cachedModels ?? [],
        diskGb: diskGb ?? before?.diskGb ?? 100,
      }
      const { register } = await commands.register()
      const result = await register({
        client: await marketClient(url),
        rpcUrl: url,
        market,
        operatorPath: g.keypair !== undefined ? expandHome(g.keypair) : (existing?.keypair ?? DEFAULT_KEYPAIR_PATH),
        ...(typeof o.authority === 'string' ? { authorityPath: expandHome(o.authority) } : {}),
        capability,
        pricePerSecond,
        stake,
        configPath,
        ...(existing !== undefined ? { existing } : {}),
        ...(typeof o.stateDir === 'string' ? { stateDir: expandHome(o.stateDir) } : {}),
        node: {
          ...(o.allowCommand === false ? { allowCommands: [] } : {}),
          ...(Array.isArray(o.allowCommand) ? { allowCommands: o.allowCommand } : {}),
          ...(Array.isArray(o.listen) ? { listen: o.listen } : {}),
          ...(Array.isArray(o.bootstrap) ? { bootstrap: o.bootstrap } : {}),
          ...(typeof o.apiPort === 'string' ? { api: { host: '127.0.0.1', port: Number(o.apiPort) } } : {}),
        },
      })
      print(out(cmd), result, (r) => [
        `provider ${r.provider} (${r.registered === 'now' ? 'registered now' : 'already registered'}, ${r.status})`,
        `operator ${r.operator}, authority ${r.authority}`,
        r.updated.length > 0 ? `updated on chain: ${r.updated.join(', ')}` : 'on chain: nothing to update',
        `staked ${r.staked} (deposited ${r.deposited} now)`,
        `config ${r.config}`,
        `p2p ${r.listen.map((a) => `${a}/p2p/${r.peerId}`).join(' ')} (kept across restarts: peers bootstrap through it)`,
      ])
    })

  program
    .command('stake')
    .description('deposit more stake')
    .requiredOption('--amount <amount>', 'stake-mint base units')
    .option('-a, --authority <path>', 'the stake owner (default: the operator key)')
    .action(async (o: { amount: string; authority?: string }, cmd: Command) => {
      const config = await configOf(cmd)
      const { stake } = await commands.chainOps()
      const result = await stake(
        await marketClient(config.rpcUrl),
        config,
        positiveAmount('--amount', o.amount),
        o.authority && expandHome(o.authority),
      )
      print(out(cmd), result, (r) => `staked ${r.staked} (${r.signature})`)
    })

  program
    .command('update')
    .description("change the provider's price, capabilities or payout account on chain (and in the config)")
    .option('--price <amount>', 'price per second, in payment-mint base units')
    .option('--gpu <model>', 'GPU model, e.g. H100')
    .option('--vram <gb>', 'VRAM per GPU in GB')
    .option('--count <n>', 'GPUs')
    .option('--region <region>', 'e.g. eu-central (a new region without --zone is its own zone)')
    .option('--zone <zone>', 'availability zone')
    .addOption(new Option('--cloud <cloud>', 'where the machine is').choices(['aws', 'hetzner', 'ovh', 'local']))
    .option('--spot', 'the machine can be preempted')
    .option('--no-spot', 'the machine is not preemptible')
    .option(
      '--payout <address>',
      'a wallet (its payment-mint account, created if missing) or a payment-mint token account',
    )
    .option('-a, --authority <path>', "the provider's authority, which alone may change it (default: the operator key)")
    .action(async (o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const config = await configOf(cmd)
      const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined)
      const price = str('price')
      const gpu = str('gpu')
      const vram = str('vram')
      const count = str('count')
      const region = str('region')
      const zone = str('zone')
      const payout = str('payout')
      const cloud = str('cloud')
      const authority = str('authority')
      // every bad value at once, before anything is sent
      const v = new CliValues()
      const changes = {
        ...(price !== undefined ? { price: v.take(() => positiveAmount('--price', price)) } : {}),
        ...(gpu !== undefined ? { gpu: v.take(() => gpuLabel('--gpu', gpu)) } : {}),
        ...(vram !== undefined ? { vramGb: v.take(() => positive('--vram', vram)) } : {}),
        ...(count !== undefined ? { count: v.take(() => positive('--count', count)) } : {}),
        ...(region !== undefined ? { region: v.take(() => regionLabel('--region', region)) } : {}),
        ...(zone !== undefined ? { zone: v.take(() => regionLabel('--zone', zone)) } : {}),
        ...(cloud !== undefined ? { cloud: cloud as Cloud } : {}),
        ...(typeof o.spot === 'boolean' ? { spot: o.spot } : {}),
        ...(payout !== undefined ? { payout: await v.takeAsync(() => publicKey('--payout', payout)) } : {}),
        ...(authority !== undefined ? { authorityPath: expandHome(authority) } : {}),
      }
      v.check()
      const { update } = await commands.providerOps()
      const result = await update(await marketClient(config.rpcUrl), config, changes)
      await syncConfig(expandHome(globals(cmd).config), result)
      print(out(cmd), result, (r) => [
        r.changed.length > 0
          ? `provider ${r.provider}: updated ${r.changed.join(', ')}`
          : `provider ${r.provider}: nothing to change`,
        `price ${r.pricePerSecond}/s; ${r.capabilities.gpuCount}× ${r.capabilities.gpuModel} ${r.capabilities.vramGb} GB, ${r.capabilities.cloud} ${r.capabilities.region}/${r.capabilities.zone}${r.capabilities.spot ? ', spot' : ''}; payout ${r.payout}`,
      ])
    })

  program
    .command('pause')
    .description('take no new leases (open ones go on); resume undoes it')
    .action(async (_o: unknown, cmd: Command) => {
      const config = await configOf(cmd)
      const { pause } = await commands.providerOps()
      const result = await pause(await marketClient(config.rpcUrl), config)
      print(out(cmd), result, (r) => `provider ${r.provider} ${r.status} (${r.signature})`)
    })

  program
    .command('resume')
    .description('take leases again after a pause')
    .action(async (_o: unknown, cmd: Command) => {
      const config = await configOf(cmd)
      const { resume } = await commands.chainOps()
      const result = await resume(await marketClient(config.rpcUrl), config)
      print(out(cmd), result, (r) => `provider ${r.provider} active (${r.signature})`)
    })

  program
    .command('exit')
    .description('leave the market for good (begin_exit): no new leases; the stake can be withdrawn after the cooldown')
    .option('-a, --authority <path>', "the provider's authority (default: the operator key)")
    .option('--yes', 'confirm: an exit cannot be undone', false)
    .action(async (o: { authority?: string; yes: boolean }, cmd: Command) => {
      const config = await configOf(cmd)
      if (!o.yes) throw new ExitNotConfirmedError(config.provider)
      const { exit } = await commands.providerOps()
      const result = await exit(await marketClient(config.rpcUrl), config, o.authority && expandHome(o.authority))
      const at = (t: number) => new Date(t * 1000).toISOString()
      print(out(cmd), result, (r) => [
        `provider ${r.provider} exiting (${r.signature}); cooldown ends ${at(r.unlockAt)}`,
        ...r.blockers.map((b) => `  ${b}`),
        r.withdrawableAt === null
          ? 'withdraw: once the open leases have ended (synkti-provider withdraw says what still blocks)'
          : `withdraw from ${at(r.withdrawableAt)}: synkti-provider withdraw`,
      ])
    })

  program
    .command('withdraw')
    .description('take the stake back after exit and cooldown (finalizes lease records and vests held pay on the way)')
    .option('--amount <amount>', 'stake-mint base units (default: all)')
    .option('-a, --authority <path>', "the provider's authority (default: the operator key)")
    .action(async (o: { amount?: string; authority?: string }, cmd: Command) => {
      const config = await configOf(cmd)
      const { withdraw } = await commands.providerOps()
      const result = await withdraw(await marketClient(config.rpcUrl), config, {
        ...(o.amount !== undefined ? { amount: positiveAmount('--amount', o.amount) } : {}),
        ...(o.authority !== undefined ? { authorityPath: expandHome(o.authority) } : {}),
      })
      print(out(cmd), result, (r) => [
        `withdrew ${r.withdrawn} to ${r.destination}; ${r.staked} still staked`,
        ...(r.finalized.length > 0 ? [`finalized ${r.finalized.join(', ')}`] : []),
        ...(r.claimed > 0n ? [`claimed ${r.claimed} vested earnings`] : []),
      ])
    })

  program
    .command('doctor')
    .description('run the preflight check and print every item with its remedy')
    .addOption(
      new Option('--operation <op>', 'which operation to check')
        .choices(['start', 'accept-lease', 'spawn', 'migrate'])
        .default('start'),
    )
    .option('--spec <file>', 'a lease operation: check it for this job spec (as the consumer submits it)')
    .action(async (o: { operation: string; spec?: string }, cmd: Command) => {
      const { doctor } = await commands.doctor()
      const report = await doctor(await configOf(cmd), o.operation, o.spec && expandHome(o.spec))
      print(out(cmd), report.report, () => report.text)
      if (!report.report.ok) process.exitCode = EXIT.preflight
    })

  program
    .command('run')
    .description('start the node: P2P, jobs, failover, settlement, API')
    .option('--api-port <port>', 'HTTP API port (0: any)')
    .addOption(
      new Option('--context <kind>', 'skip detection').choices(['auto', 'aws', 'hetzner', 'ovh', 'workstation']),
    )
    .addOption(
      new Option('--role <role>', 'worker serves leases (e.g. on your own machine); deployer manages a fleet').choices([
        'auto',
        'worker',
        'deployer',
      ]),
    )
    .option('--imds-url <url>', 'instance metadata service (tests: amazon-ec2-metadata-mock)')
    .option('--bootstrap <multiaddr...>', 'P2P peers to join through (adds to the config)')
    .option('--listen <multiaddr...>', 'P2P listen addresses for this run (default: the config listen, kept)')
    .action(
      async (
        o: {
          listen?: string[]
          apiPort?: string
          context?: NodeConfig['context']
          role?: NodeConfig['role']
          imdsUrl?: string
          bootstrap?: string[]
        },
        cmd: Command,
      ) => {
        const base = await configOf(cmd)
        const config: NodeConfig = {
          ...base,
          ...(o.apiPort !== undefined ? { api: { ...base.api, port: Number(o.apiPort) } } : {}),
          ...(o.context !== undefined ? { context: o.context } : {}),
          ...(o.role !== undefined ? { role: o.role } : {}),
          ...(o.imdsUrl !== undefined ? { imdsUrl: o.imdsUrl } : {}),
          ...(o.bootstrap !== undefined ? { bootstrap: [...base.bootstrap, ...o.bootstrap] } : {}),
          ...(o.listen !== undefined ? { listen: o.listen } : {}),
        }
        const { run } = await commands.run()
        await run(config, out(cmd))
      },
    )

  program
    .command('status')
    .description('ask the running node (its HTTP API) for its own status')
    .action(async (_o: unknown, cmd: Command) => {
      const config = await configOf(cmd)
      const { status } = await commands.status()
      print(out(cmd), await status(config), (r) => r.text)
    })

  program
    .command('drain')
    .description(
      'stop the running node meant to drain: every job stopped, its lease closed (a plain stop leaves jobs running for the next start)',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const config = await configOf(cmd)
      const { drain } = await commands.drain()
      print(out(cmd), await drain(config), (r) =>
        r.stopped
          ? `drained and stopped the node (pid ${r.pid})`
          : `asked the node (pid ${r.pid}) to drain; it has not stopped yet`,
      )
    })

  registerFleet(program, { globals, configOf })
  return program
}

/** The words of the (sub)command `argv` names, e.g. `synkti-provider fleet up`, for a usage remedy. */
function commandPath(program: Command, args: string[]): string {
  const words = [program.name()]
  let at: Command = program
  // options and their values may come between the words: only subcommand names descend
  for (const arg of args) {
    const sub = at.commands.find((c) => c.name() === arg || c.aliases().includes(arg))
    if (sub === undefined) continue
    words.push(sub.name())
    at = sub
  }
  return words.join(' ')
}

/** The commands `path` (`synkti-provider fleet`) groups, comma-separated. */
function subcommandsOf(program: Command, path: string): string {
  let at = program
  for (const word of path.split(' ').slice(1)) at = at.commands.find((c) => c.name() === word) ?? at
  return at.commands
    .map((c) => c.name())
    .filter((n) => n !== 'help')
    .join(', ')
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram()
  const json = argv.includes('--json')
  try {
    await program.parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version are no failure; anything else commander refused is a usage error
      if (err.exitCode === 0) return
      const path = commandPath(program, argv.slice(2))
      // a command that only groups others (`synkti-provider fleet`) was given none of them
      const message =
        err.code === 'commander.help' ? `${path} needs a command: ${subcommandsOf(program, path)}` : err.message
      const usage = new UsageError(message.replace(/^error: /, ''), path)
      process.exitCode = reportError({ json }, usage)
      return
    }
    process.exitCode = reportError({ json }, err)
  }
}

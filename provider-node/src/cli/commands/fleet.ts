import type { CloudKind } from '@synkti/cloud'
import { type Command, Option } from 'commander'
import { DEFAULT_CLUSTER, DEFAULT_PACKAGE_SPEC } from '../../fleet/constants.js'
import type { NodeConfig } from '../../node/config.js'
import { type Output, print } from '../output.js'

/** What `buildProgram` shares with its command groups. */
export interface ProgramHelpers {
  globals: (cmd: Command) => { json: boolean; config: string }
  configOf: (cmd: Command) => Promise<NodeConfig>
}

export interface CloudOptions {
  cloud: CloudKind
  region?: string
  cluster: string
  endpoint?: string
}

export interface ChainOptions {
  /** Keypair file of the wallet the fleet's providers are registered under (ls/down: or its public key). */
  authority?: string
  keyDir?: string
}

export interface UpOptions extends CloudOptions, ChainOptions {
  count: string
  stake?: string
  price?: string
  operatorLamports?: string
  instanceType: string
  image: string
  zone?: string
  spot: boolean
  maxPrice?: string
  prune: boolean
  dryRun: boolean
  force: boolean
  sshKey?: string
  package: string
  keyCommand?: string
  gpu?: string
  vram?: string
  gpus?: string
  context?: NodeConfig['context']
  imdsUrl?: string
  role?: 'worker' | 'deployer'
}

function cloudCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(new Option('--cloud <cloud>', 'where the workers run').choices(['aws', 'hetzner', 'ovh']).default('aws'))
    .option('--region <region>', 'AWS region (default: AWS_REGION), Hetzner location, OVH region')
    .option('--cluster <name>', 'the cluster: every resource is tagged with it', DEFAULT_CLUSTER)
    .option('--endpoint <url>', "the cloud API's address (moto, a stand-in)")
}

/** The fleet commands' work (cloud SDKs, chain client), imported when one of them runs. */
const actions = () => import('./fleet-actions.js')

/**
 * `synkti-provider fleet up|ls|down`: the deployer's side of the node. From a workstation it
 * creates and destroys worker machines through `@synkti/cloud` and shows them; everything it
 * makes carries the cluster's tag, and `down` gives back exactly that.
 */
export function registerFleet(program: Command, helpers: ProgramHelpers): void {
  const out = (cmd: Command): Output => ({ json: helpers.globals(cmd).json })
  const fleet = program.command('fleet').description('create, list and destroy worker machines (deployer)')

  cloudCommand(fleet, 'up', 'bring the cluster to --count workers (launches what is missing)')
    .requiredOption('--count <n>', 'workers wanted in the cluster')
    .requiredOption('--instance-type <type>', 'g5.xlarge, cx22, l4-90, ...')
    .requiredOption('--image <image>', 'AMI id, Hetzner or OVH image name or id')
    .option('--zone <zone>', 'availability zone (AWS)')
    .option('--spot', 'one-time spot instances (AWS)', false)
    .option('--max-price <usd>', 'spot: highest hourly price, e.g. 0.55 (implies --spot)')
    .option('--prune', 'destroy machines beyond the target (surplus, other type or market)', false)
    .option('--dry-run', 'plan and print the user data; create nothing', false)
    .option('--force', 'deploy even when this machine is a worker', false)
    .option('--ssh-key <path>', 'OpenSSH public key for the workers (imported once per cluster)')
    .option('--package <spec>', 'npm spec the workers install', DEFAULT_PACKAGE_SPEC)
    .option(
      '--key-command <cmd>',
      'shell command on the worker that writes its own operator key ({index}, {operator}, {provider}, {cluster} filled in)',
    )
    .option(
      '-a, --authority <path>',
      "keypair that registers and stakes the workers' providers (default: the config's keypair)",
    )
    .option('--stake <amount>', "stake per worker's provider, stake-mint base units (default: the market's minimum)")
    .option('--price <amount>', "price per second of every worker (default: the config's)")
    .option(
      '--operator-lamports <n>',
      "SOL (lamports) each worker's operator key holds for its fees, topped up below half (default: 50000000)",
    )
    .option('--key-dir <path>', "where the workers' operator keys are kept (default: <config dir>/fleet/<cluster>)")
    .option('--gpu <model>', 'GPU model, when the instance type is not known')
    .option('--vram <gb>', 'VRAM per GPU in GB, with --gpu')
    .option('--gpus <n>', 'GPUs per machine, with --gpu')
    .addOption(
      new Option('--context <kind>', 'skip detection').choices(['auto', 'aws', 'hetzner', 'ovh', 'workstation']),
    )
    .option('--imds-url <url>', 'instance metadata service (tests)')
    .addOption(new Option('--role <role>', 'assert the role').choices(['worker', 'deployer']))
    .action(async (o: UpOptions, cmd: Command) => {
      const { up, upText } = await actions()
      print(out(cmd), await up(o, helpers, cmd), upText)
    })

  const chainOptions = (c: Command) =>
    c
      .option('-a, --authority <keypair or address>', "the fleet's authority (default: the config's keypair)")
      .option('--key-dir <path>', "the cluster's operator keys (default: <config dir>/fleet/<cluster>)")

  chainOptions(cloudCommand(fleet, 'ls', "list the cluster's machines and their provider accounts")).action(
    async (o: CloudOptions & ChainOptions, cmd: Command) => {
      const { adapterOf, chainSideOf, fleetList, lsText } = await actions()
      const chain = await chainSideOf(o, helpers, cmd)
      print(out(cmd), await fleetList(adapterOf(o), { chain }), lsText)
    },
  )

  chainOptions(cloudCommand(fleet, 'down', "destroy the cluster's machines (all, or --id), then its firewall and key"))
    .option('--id <id...>', 'only these machines (each must belong to the cluster)')
    .option('--pause', 'pause their provider accounts first (no new leases to an account without a machine)', false)
    .action(async (o: CloudOptions & ChainOptions & { id?: string[]; pause: boolean }, cmd: Command) => {
      const { adapterOf, chainSideOf, downText, fleetDown, loadAuthority } = await actions()
      const chain = await chainSideOf(o, helpers, cmd, o.pause)
      const pause = o.pause ? { authority: () => loadAuthority(chain.authorityPath ?? String(o.authority)) } : undefined
      print(
        out(cmd),
        await fleetDown(adapterOf(o), o.id ?? [], { chain, ...(pause !== undefined ? { pause } : {}) }),
        downText,
      )
    })
}

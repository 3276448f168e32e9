import { readFile } from 'node:fs/promises'
import type { CloudKind, Market } from '@synkti/cloud'
import { type Command, Option } from 'commander'
import { detectNodeContext } from '../../context/index.js'
import {
  DEFAULT_CLUSTER,
  DEFAULT_PACKAGE_SPEC,
  type FleetDownResult,
  type FleetListResult,
  type FleetTarget,
  FleetUpOnWorkerError,
  type FleetUpResult,
  fleetAdapter,
  fleetDown,
  fleetList,
  fleetTable,
  fleetUp,
  MissingRegionError,
  regionOf,
  renderUserData,
  workerConfig,
  workerGpus,
} from '../../fleet/index.js'
import type { NodeConfig } from '../../node/config.js'
import { InvalidCliValueError } from '../errors.js'
import { type Output, print } from '../output.js'
import { expandHome, positive } from '../values.js'

/** What `buildProgram` shares with its command groups. */
export interface ProgramHelpers {
  globals: (cmd: Command) => { json: boolean }
  configOf: (cmd: Command) => Promise<NodeConfig>
}

/** How long `fleet up` waits for a metadata service before calling this machine a workstation. */
const CONTEXT_PROBE_MS = 500

interface CloudOptions {
  cloud: CloudKind
  region?: string
  cluster: string
  endpoint?: string
}

interface UpOptions extends CloudOptions {
  count: string
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

function wholeNumber(option: string, value: string): number {
  if (!/^(0|[1-9][0-9]{0,5})$/.test(value)) throw new InvalidCliValueError(option, value, 'a whole number, 0 or more')
  return Number(value)
}

function gpuCount(value: string): number {
  const n = wholeNumber('--gpus', value)
  if (n === 0) throw new InvalidCliValueError('--gpus', value, 'at least 1')
  return n
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

function adapterOf(o: CloudOptions) {
  return fleetAdapter({
    cloud: o.cloud,
    cluster: o.cluster,
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
  })
}

/** A worker does not deploy more of itself: the role is observed (or configured) before any cloud call. */
async function refuseOnWorker(config: NodeConfig, o: UpOptions): Promise<void> {
  const context = o.context ?? config.context
  const imdsUrl = o.imdsUrl ?? config.imdsUrl
  const role = o.role ?? (config.role === 'auto' ? undefined : config.role)
  const node = await detectNodeContext({
    timeoutMs: CONTEXT_PROBE_MS,
    ...(context !== 'auto' ? { override: context } : {}),
    ...(imdsUrl !== undefined ? { metadataBaseUrl: imdsUrl } : {}),
    ...(role !== undefined ? { role } : {}),
  })
  if (node.role === 'worker' && !o.force) throw new FleetUpOnWorkerError(node.reason)
}

async function up(o: UpOptions, helpers: ProgramHelpers, cmd: Command): Promise<FleetUpResult & { userData?: string }> {
  const count = wholeNumber('--count', o.count)
  const config = await helpers.configOf(cmd)
  await refuseOnWorker(config, o)
  const region = regionOf({ cloud: o.cloud, ...(o.region !== undefined ? { region: o.region } : {}) })
  if (region === undefined) throw new MissingRegionError(o.cloud)
  const market: Market =
    o.spot || o.maxPrice !== undefined
      ? { kind: 'spot', ...(o.maxPrice !== undefined ? { maxPricePerHour: o.maxPrice } : {}) }
      : { kind: 'on-demand' }
  const target: FleetTarget = {
    cloud: o.cloud,
    cluster: o.cluster,
    region,
    count,
    instanceType: o.instanceType,
    image: o.image,
    market,
    ...(o.zone !== undefined ? { zone: o.zone } : {}),
  }
  const gpu = workerGpus(o.cloud, o.instanceType, {
    ...(o.gpu !== undefined ? { model: o.gpu } : {}),
    ...(o.vram !== undefined ? { vramGb: positive('--vram', o.vram) } : {}),
    ...(o.gpus !== undefined ? { count: gpuCount(o.gpus) } : {}),
  })
  const userData = renderUserData({
    config: workerConfig(config, target, gpu),
    target,
    packageSpec: o.package,
    ...(o.keyCommand !== undefined ? { keyCommand: o.keyCommand } : {}),
  })
  const sshPublicKey = o.sshKey === undefined ? undefined : (await readFile(expandHome(o.sshKey), 'utf8')).trim()
  const result = await fleetUp({
    adapter: adapterOf({ ...o, region }),
    target,
    userData,
    prune: o.prune,
    dryRun: o.dryRun,
    ...(sshPublicKey !== undefined ? { sshPublicKey } : {}),
  })
  return o.dryRun ? { ...result, userData } : result
}

function upText(r: FleetUpResult & { userData?: string }): string[] {
  const verb = r.dryRun ? 'would create' : 'created'
  const lines = [
    `${r.dryRun ? 'dry run: ' : ''}cluster ${r.cluster} on ${r.cloud} ${r.region}: ${r.desired} wanted, ${r.kept.length} kept, ${r.toCreate} ${verb}`,
  ]
  for (const m of r.created) {
    lines.push(`  created ${m.id} ${m.type} ${m.spot ? 'spot' : 'on-demand'} ${m.zone ?? ''}`.trimEnd())
  }
  for (const [kind, s] of [
    ['firewall', r.firewall],
    ['ssh key', r.sshKey],
  ] as const) {
    // a cluster without one that needs none this run: nothing to say
    if (s !== null && (s.id !== null || s.created))
      lines.push(`  ${kind} ${s.id ?? '(new)'}${s.created ? ` (${r.dryRun ? 'would be created' : 'created'})` : ''}`)
  }
  for (const e of r.extra) {
    const fate = e.destroyed
      ? 'destroyed'
      : r.dryRun
        ? 'would stay (pass --prune to destroy)'
        : 'kept (pass --prune to destroy)'
    lines.push(`  ${e.id} does not count (${e.reason}): ${fate}`)
  }
  lines.push(`note: ${r.keyNotice}`)
  if (r.userData !== undefined) lines.push('user data:', r.userData.trimEnd())
  return lines
}

function lsText(r: FleetListResult): string[] {
  if (r.machines.length === 0) return [`cluster ${r.cluster} on ${r.cloud}: no machines`]
  return fleetTable(r.machines)
}

function downText(r: FleetDownResult): string[] {
  if (r.destroyed.length === 0) return [`cluster ${r.cluster} on ${r.cloud}: nothing to destroy`]
  return [
    ...r.destroyed.map((ref) => {
      const m = r.machines.find((x) => x.id === ref.id)
      return `destroyed ${ref.kind} ${ref.id}${m !== undefined ? ` (${m.type}, was ${m.state})` : ''}`
    }),
    `cluster ${r.cluster} on ${r.cloud}: ${r.destroyed.length} resource(s) given back`,
  ]
}

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
    .option('--key-command <cmd>', 'shell command on the worker that writes its operator key (not the key)')
    .option('--gpu <model>', 'GPU model, when the instance type is not known')
    .option('--vram <gb>', 'VRAM per GPU in GB, with --gpu')
    .option('--gpus <n>', 'GPUs per machine, with --gpu')
    .addOption(
      new Option('--context <kind>', 'skip detection').choices(['auto', 'aws', 'hetzner', 'ovh', 'workstation']),
    )
    .option('--imds-url <url>', 'instance metadata service (tests)')
    .addOption(new Option('--role <role>', 'assert the role').choices(['worker', 'deployer']))
    .action(async (o: UpOptions, cmd: Command) => {
      print(out(cmd), await up(o, helpers, cmd), upText)
    })

  cloudCommand(fleet, 'ls', "list the cluster's machines").action(async (o: CloudOptions, cmd: Command) => {
    print(out(cmd), await fleetList(adapterOf(o)), lsText)
  })

  cloudCommand(fleet, 'down', "destroy the cluster's machines (all, or --id), then its firewall and key")
    .option('--id <id...>', 'only these machines (each must belong to the cluster)')
    .action(async (o: CloudOptions & { id?: string[] }, cmd: Command) => {
      print(out(cmd), await fleetDown(adapterOf(o), o.id ?? []), downText)
    })
}

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Keypair, PublicKey } from '@solana/web3.js'
import { earningsVaultAddress, providerAddress } from '@synkti/market'
import { killRecordedJobs } from './chain.js'
import { NODE, PROVIDER_BIN, REPO } from './paths.js'
import { nodeEvent, type Proc, type ProcessGroup, runJson } from './processes.js'
import type { World } from './world.js'

export interface ProviderSpec {
  name: string
  cloud: 'aws' | 'hetzner' | 'ovh' | 'local'
  region: string
  zone: string
  spot: boolean
  price: bigint
  gpu?: string
  vramGb?: number
  stake?: bigint
  /** the instance metadata service this node observes (amazon-ec2-metadata-mock) */
  imdsUrl?: string
  context?: 'aws' | 'hetzner' | 'ovh' | 'workstation'
  role?: 'worker' | 'deployer'
  /** models whose weights this provider has on disk */
  models?: string[]
  bootstrap?: string[]
}

export interface RunningProvider {
  spec: ProviderSpec
  proc: Proc
  operator: Keypair
  authority: Keypair
  provider: PublicKey
  /** where the provider's final pay lands (the authority's payment-token account) */
  payout: PublicKey
  /** the program's account for the provider's held (unvested) pay and unclaimed earnings */
  earningsVault: PublicKey
  peerId: string
  addrs: string[]
  apiUrl: string | null
  configPath: string
}

export class CommandFailedError extends Error {
  override name = 'CommandFailedError'
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly output: string,
    message = `${command} failed (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`,
  ) {
    super(message)
  }
}

export type RegisteredProvider = Omit<RunningProvider, 'proc' | 'peerId' | 'addrs' | 'apiUrl'>

/**
 * One provider, set up the way an operator does it: a hot operator key and a cold authority,
 * `synkti-provider register` (stake deposited by the authority), then `synkti-provider run`.
 */
export async function startProvider(group: ProcessGroup, world: World, spec: ProviderSpec): Promise<RunningProvider> {
  return runProvider(group, await registerProvider(world, spec))
}

export async function registerProvider(world: World, spec: ProviderSpec): Promise<RegisteredProvider> {
  const dir = join(world.dir, spec.name)
  await mkdir(dir, { recursive: true })
  const [operator, authority] = await Promise.all([
    world.party(`${spec.name}-operator`, 2),
    world.party(`${spec.name}-authority`, 2),
  ])
  const stake = spec.stake ?? 2_000_000n
  const [payout] = await Promise.all([
    world.mintTo(authority.keypair.publicKey, world.mint, 0n),
    world.mintTo(authority.keypair.publicKey, world.stakeMint, stake),
  ])
  const configPath = join(dir, 'provider.json')
  const register = await runJson(
    NODE,
    [
      PROVIDER_BIN,
      'register',
      '--json',
      '-u',
      world.rpcUrl,
      '-k',
      operator.path,
      '-a',
      authority.path,
      '-c',
      configPath,
      '--market',
      world.market.toBase58(),
      '--stake',
      String(stake),
      '--price',
      String(spec.price),
      '--gpu',
      spec.gpu ?? 'L4',
      '--vram',
      String(spec.vramGb ?? 24),
      '--region',
      spec.region,
      '--zone',
      spec.zone,
      '--cloud',
      spec.cloud,
      ...(spec.spot ? ['--spot'] : []),
      '--allow-command',
      'node',
      '--api-port',
      '0',
    ],
    { cwd: REPO },
  )
  if (register.code !== 0)
    throw new CommandFailedError(
      `synkti-provider register (${spec.name})`,
      register.code,
      register.stdout + register.stderr,
    )
  // weights on disk, where the preflight looks (<stateDir>/models/<org>/<name>)
  for (const model of spec.models ?? []) {
    await mkdir(join(dir, 'state', 'models', model), { recursive: true })
    await writeFile(join(dir, 'state', 'models', model, 'weights.bin'), 'stand-in weights')
  }
  return {
    spec,
    operator: operator.keypair,
    authority: authority.keypair,
    provider: providerAddress(world.market, authority.keypair.publicKey),
    payout,
    earningsVault: earningsVaultAddress(providerAddress(world.market, authority.keypair.publicKey)),
    configPath,
  }
}

/**
 * `synkti-provider run` on a registered provider; resolves once the node says it started
 * (within `startTimeoutMs`: many nodes starting at once on two cores need longer).
 */
export async function runProvider(
  group: ProcessGroup,
  registered: RegisteredProvider,
  startTimeoutMs = 60_000,
): Promise<RunningProvider> {
  const { spec, configPath } = registered
  // a stopped node leaves its jobs running for its next start: at the end they go too
  group.defer(async () => void (await killRecordedJobs(configPath)))
  const proc = group.start(
    spec.name,
    NODE,
    [
      PROVIDER_BIN,
      'run',
      '--json',
      '-c',
      configPath,
      ...(spec.context !== undefined ? ['--context', spec.context] : []),
      ...(spec.role !== undefined ? ['--role', spec.role] : []),
      ...(spec.imdsUrl !== undefined ? ['--imds-url', spec.imdsUrl] : []),
      ...(spec.bootstrap !== undefined && spec.bootstrap.length > 0 ? ['--bootstrap', ...spec.bootstrap] : []),
    ],
    { cwd: REPO },
  )
  const started = await proc.waitFor('started', nodeEvent('started'), startTimeoutMs)
  const api = proc.lines.find(nodeEvent('api'))
  return {
    ...registered,
    proc,
    peerId: started.peerId,
    addrs: started.addrs,
    apiUrl: api?.url ?? null,
  }
}

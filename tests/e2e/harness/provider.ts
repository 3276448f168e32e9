import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Keypair, PublicKey } from '@solana/web3.js'
import { providerAddress } from '@synkti/market'
import { NODE, PROVIDER_BIN, REPO } from './paths.js'
import { type Proc, type ProcessGroup, runJson } from './processes.js'
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
  bootstrap?: string[]
}

export interface RunningProvider {
  spec: ProviderSpec
  proc: Proc
  operator: Keypair
  authority: Keypair
  provider: PublicKey
  /** where the provider's earnings land (the authority's payment-token account) */
  payout: PublicKey
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

/**
 * One provider, set up the way an operator does it: a hot operator key and a cold authority,
 * `synkti-provider register` (stake deposited by the authority), then `synkti-provider run`.
 */
export async function startProvider(group: ProcessGroup, world: World, spec: ProviderSpec): Promise<RunningProvider> {
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
      NODE,
      '--api-port',
      '0',
      ...(spec.bootstrap !== undefined && spec.bootstrap.length > 0 ? ['--bootstrap', ...spec.bootstrap] : []),
    ],
    { cwd: REPO },
  )
  if (register.code !== 0)
    throw new CommandFailedError(
      `synkti-provider register (${spec.name})`,
      register.code,
      register.stdout + register.stderr,
    )
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
      ...(spec.imdsUrl !== undefined ? ['--imds-url', spec.imdsUrl] : []),
    ],
    { cwd: REPO },
  )
  const started = await proc.waitFor('started', (l) => l.event === 'started', 60_000)
  const api = proc.lines.find((l) => l.event === 'api')
  return {
    spec,
    proc,
    operator: operator.keypair,
    authority: authority.keypair,
    provider: providerAddress(world.market, authority.keypair.publicKey),
    payout,
    peerId: String(started.peerId),
    addrs: started.addrs as string[],
    apiUrl: api === undefined ? null : String(api.url),
    configPath,
  }
}

import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { Keypair, PublicKey } from '@solana/web3.js'
import { SMOLLM2 } from '@synkti/inference/spawn'
import { escrowAddress } from '@synkti/market'
import { keypairFromBytes, SynktiNode } from '@synkti/p2p'
import { startLocalnet } from '../../../localnet/src/ts/index.js'
import { findTool, freePort, smollm2Path, startTool } from '../../../packages/inference/test/support/tools.js'
import { Imds } from './aemm.js'
import { type RunningGateway, startGateway } from './gateway.js'
import { LoadGenerator, type LoadStats } from './load.js'
import { NODE, REPO, SYNKTI_BIN } from './paths.js'
import { type JsonLine, type NodeLine, nodeEvent, ProcessGroup, runJson } from './processes.js'
import {
  CommandFailedError,
  type ProviderSpec,
  type RunningProvider,
  registerProvider,
  runProvider,
} from './provider.js'
import { createWorld, type World } from './world.js'

/**
 * The whole story on loopback, as real processes: a local chain and a market; three providers
 * "on three clouds" (the AWS spot one watching amazon-ec2-metadata-mock); a consumer who finds
 * them over the DHT, opens a lease and runs an inference job; load; a spot interruption; the
 * failover to the planner's choice with the lease migrated on chain; the lease closed; and the
 * accounts: balances before and after, reputation, conservation. The demo prints it; the
 * end-to-end tests and the failover benchmark assert on it.
 */

export const MODEL = 'synkti/standin-1'
export const SPEC = 'consumer-cli/examples/llm.yaml'
const CONSUMER_FUNDS = 50_000_000n
export const DEPOSIT = 20_000_000n
/** The bucket of moto's S3 that holds the real model's weights under `sha256/<hash>` (assemble's `weights: 's3'`). */
export const WEIGHTS_BUCKET = 'synkti-weights'
/** What a provider's `engine-loaded` line says its weights came from, with `weights: 's3'`. */
export const WEIGHTS_FROM = `s3://${WEIGHTS_BUCKET}/sha256/`
const S3_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' }

export interface Cast {
  group: ProcessGroup
  world: World
  imds: Imds
  /** each AWS provider's instance metadata by provider name: `imds` unless assembled with `imdsPerProvider` */
  imdsOf: Map<string, Imds>
  providers: RunningProvider[]
  consumer: { keypair: Keypair; path: string; token: PublicKey }
  /** the consumer's in-process P2P client, for the harness's own looks at the nodes' signed status */
  p2p: SynktiNode
  /** moto's S3 endpoint that holds the real model's weights (assembled with `weights: 's3'`) */
  weightsUrl?: string
  stop(): Promise<void>
}

export type Progress = (line: string) => void

export const DEMO_PROVIDERS: Omit<ProviderSpec, 'bootstrap' | 'imdsUrl'>[] = [
  {
    name: 'aws-spot',
    cloud: 'aws',
    region: 'eu-central',
    zone: 'eu-central-1a',
    spot: true,
    price: 800n,
    context: 'aws',
  },
  {
    name: 'hetzner',
    cloud: 'hetzner',
    region: 'eu-central',
    zone: 'fsn1',
    spot: false,
    price: 1_000n,
    context: 'workstation',
    role: 'worker',
  },
  {
    name: 'ovh',
    cloud: 'ovh',
    region: 'eu-west',
    zone: 'gra7',
    spot: false,
    price: 1_300n,
    context: 'workstation',
    role: 'worker',
  },
]

/** Chain, market, IMDS mock, providers (registered, staked, running) and a funded consumer. */
export async function assemble(
  progress: Progress,
  options: {
    providers?: Omit<ProviderSpec, 'bootstrap' | 'imdsUrl'>[]
    attestationGapSecs?: number
    /** one IMDS mock per AWS provider (one mock serves one machine); default: all share `imds` */
    imdsPerProvider?: boolean
    /** nodes started side by side after the first (default: all); fewer keeps two cores responsive */
    startConcurrency?: number
    /** how long each node may take to say it started (default 60 s) */
    startTimeoutMs?: number
    /**
     * 's3': start moto's S3 on loopback, put SmolLM2's weights there once (under `sha256/<hash>`
     * in WEIGHTS_BUCKET) and name it as every provider's `weightsSources` before it runs; the
     * providers' caches start empty, so each fetches the weights by hash when it runs a model job.
     * Default: no weights sources (stand-in jobs).
     */
    weights?: 's3'
  } = {},
): Promise<Cast> {
  const group = new ProcessGroup()
  try {
    progress('starting localnet (the program on a real Solana bank, JSON-RPC on 127.0.0.1)')
    progress('(built on first use: the Solana crates take 20-45 minutes once; later starts take seconds)')
    const chain = await startLocalnet({ reset: true })
    group.defer(() => chain.stop())
    progress(`localnet at ${chain.rpcUrl}; creating mints and a market`)
    const world = await createWorld(chain.rpcUrl, (p) => {
      p.maxAttestationGapSecs = options.attestationGapSecs ?? 20
    })
    group.defer(() => world.dispose())
    progress(`market ${world.market.toBase58()}`)
    const weightsUrl = options.weights === 's3' ? await startWeightsStore(group, progress) : undefined
    const imds = await Imds.start(group, spotMetadata('eu-central-1a'))
    progress(`instance metadata (amazon-ec2-metadata-mock) at ${imds.url}`)
    const specs = options.providers ?? DEMO_PROVIDERS
    const imdsOf = new Map<string, Imds>()
    for (const spec of specs.filter((s) => s.context === 'aws')) {
      const own = options.imdsPerProvider === true && imdsOf.size > 0
      imdsOf.set(spec.name, own ? await Imds.start(group, spotMetadata(spec.zone)) : imds)
    }
    if (options.imdsPerProvider === true) progress(`one instance metadata mock per AWS provider (${imdsOf.size})`)
    progress(`registering ${specs.length} providers (synkti-provider register: operator key, stake by the authority)`)
    const registered = await Promise.all(
      specs.map((spec) => {
        const own = imdsOf.get(spec.name)
        return registerProvider(world, { ...spec, models: [MODEL], ...(own !== undefined ? { imdsUrl: own.url } : {}) })
      }),
    )
    if (weightsUrl !== undefined) {
      for (const r of registered) {
        const config = JSON.parse(await readFile(r.configPath, 'utf8')) as Record<string, unknown>
        config.weightsSources = [
          { kind: 's3', bucket: WEIGHTS_BUCKET, endpoint: weightsUrl, region: 'us-east-1', forcePathStyle: true },
        ]
        await writeFile(r.configPath, JSON.stringify(config, null, 2))
      }
      progress(`each provider's weightsSources: ${WEIGHTS_FROM} at ${weightsUrl}; their caches are empty`)
    }
    const [first, ...rest] = registered
    if (first === undefined) throw new Error('no providers')
    // the first node is everyone's bootstrap peer; the others start side by side
    const startTimeoutMs = options.startTimeoutMs ?? 60_000
    const providers: RunningProvider[] = [await runProvider(group, first, startTimeoutMs)]
    const bootstrap = providers[0]?.addrs.slice(0, 1) ?? []
    const batch = options.startConcurrency ?? rest.length
    for (let i = 0; i < rest.length; i += batch) {
      const starting = rest.slice(i, i + batch)
      providers.push(
        ...(await Promise.all(
          starting.map((r) => runProvider(group, { ...r, spec: { ...r.spec, bootstrap } }, startTimeoutMs)),
        )),
      )
    }
    for (const p of providers) {
      progress(
        `${p.spec.name} running (synkti-provider run): operator ${p.operator.publicKey.toBase58()}, api ${p.apiUrl}`,
      )
    }
    const consumer = await world.party('consumer', 5)
    const token = await world.mintTo(consumer.keypair.publicKey, world.mint, CONSUMER_FUNDS)
    const p2p = await SynktiNode.create({
      privateKey: await keypairFromBytes(consumer.keypair.secretKey),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: providers.flatMap((p) => p.addrs.slice(0, 1)),
      dhtMode: 'client',
    })
    group.defer(() => p2p.stop())
    return {
      group,
      world,
      imds,
      imdsOf,
      providers,
      consumer: { ...consumer, token },
      p2p,
      ...(weightsUrl !== undefined ? { weightsUrl } : {}),
      stop: () => group.stopAll(),
    }
  } catch (err) {
    await group.stopAll()
    throw err
  }
}

/**
 * moto's S3 on loopback, stopped with `group`, holding SmolLM2's weights at `sha256/<hash>` in
 * WEIGHTS_BUCKET; the nodes' S3 clients find its credentials where the AWS SDK looks, in the
 * environment they inherit. Resolves to its endpoint.
 */
async function startWeightsStore(group: ProcessGroup, progress: Progress): Promise<string> {
  const port = await freePort()
  const moto = await startTool(findTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], port, {
    readyPath: '/moto-api/',
    readyTimeoutMs: 30_000,
  })
  group.defer(() => moto.stop())
  const s3 = new S3Client({
    endpoint: moto.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
  })
  try {
    await s3.send(new CreateBucketCommand({ Bucket: WEIGHTS_BUCKET }))
    // a Buffer, not a stream: moto decodes an aws-chunked upload very slowly
    await s3.send(
      new PutObjectCommand({
        Bucket: WEIGHTS_BUCKET,
        Key: `sha256/${SMOLLM2.sha256}`,
        Body: await readFile(smollm2Path()),
      }),
    )
  } finally {
    s3.destroy()
  }
  process.env.AWS_ACCESS_KEY_ID = S3_CREDENTIALS.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS.secretAccessKey
  progress(`${SMOLLM2.name} (${SMOLLM2.sha256.slice(0, 12)}…) in ${WEIGHTS_FROM} of moto's S3 at ${moto.url}`)
  return moto.url
}

/** The metadata of a g6.xlarge spot instance in `zone`, as the mock serves it. */
function spotMetadata(zone: string): Record<string, string> {
  return {
    'instance-life-cycle': 'spot',
    'instance-type': 'g6.xlarge',
    'placement/availability-zone': zone,
    'placement/region': 'eu-central-1',
  }
}

/**
 * `synkti <args> --json` as the consumer (or as another consumer whose keypair file is
 * `consumerPath`); the parsed result, or CommandFailedError.
 */
export async function synkti(
  cast: Cast,
  args: string[],
  timeoutMs = 120_000,
  consumerPath = cast.consumer.path,
): Promise<JsonLine> {
  const result = await runSynkti(cast, args, timeoutMs, consumerPath)
  if (result.code !== 0 || result.json === null) {
    throw new CommandFailedError(`synkti ${args.join(' ')}`, result.code, result.stdout + result.stderr)
  }
  return result.json
}

/**
 * The consumer's own state (gateway state files and locks, moves) lives in the cast's temporary
 * directory, never in the home directory of whoever runs the tests.
 */
export function consumerStateDir(cast: Cast): string {
  return join(cast.world.dir, 'consumer-state')
}

/** `synkti <args> --json` as `consumerPath`, against the cast's chain, market and peers: whatever it exits with. */
export function runSynkti(
  cast: Cast,
  args: string[],
  timeoutMs: number,
  consumerPath = cast.consumer.path,
): ReturnType<typeof runJson> {
  return runJson(
    NODE,
    [
      SYNKTI_BIN,
      ...args,
      '--json',
      '-u',
      cast.world.rpcUrl,
      '-k',
      consumerPath,
      '--market',
      cast.world.market.toBase58(),
      '--bootstrap',
      ...cast.providers.flatMap((p) => p.addrs.slice(0, 1)),
    ],
    { cwd: REPO, timeoutMs, env: { SYNKTI_STATE_DIR: consumerStateDir(cast) } },
  )
}

export interface Balances {
  consumer: bigint
  /** each provider's payout account plus its earnings vault (held pay, unvested fees, unclaimed) */
  providers: Record<string, bigint>
  feeVault: bigint
  escrow: bigint
}

export async function balances(cast: Cast, lease?: PublicKey): Promise<Balances> {
  const { world } = cast
  const feeVault = (await world.client.fetchMarket(world.market)).feeVault
  const escrow = lease === undefined ? null : escrowAddress(lease)
  const providers: Record<string, bigint> = {}
  for (const p of cast.providers) {
    providers[p.spec.name] = (await world.balance(p.payout)) + (await world.balance(p.earningsVault))
  }
  return {
    consumer: await world.balance(cast.consumer.token),
    providers,
    feeVault: await world.balance(feeVault),
    escrow: escrow === null ? 0n : await world.balance(escrow).catch(() => 0n),
  }
}

export function total(b: Balances): bigint {
  return b.consumer + Object.values(b.providers).reduce((a, x) => a + x, 0n) + b.feeVault + b.escrow
}

export interface PhaseTiming {
  phase: string
  ms: number
}

export interface FailoverResult {
  from: string
  to: string | null
  outcome: string
  phases: PhaseTiming[]
  /** notice seen by the node → replacement healthy */
  noticeToHealthyMs: number
  /** the stand-in's own start on the taker (spawn → healthy), subtracted for the overhead */
  replacementStartMs: number
}

/**
 * Interrupts the spot provider through its IMDS and follows its failover to the end:
 * phases and their durations as the node logged them.
 */
export async function preempt(cast: Cast, progress: Progress, victim = cast.providers[0]): Promise<FailoverResult> {
  if (victim === undefined) throw new Error('no provider to preempt')
  const from = victim.proc.lines.length
  await interrupt(cast, progress, victim)
  const end = await victim.proc.waitFor('failover end', nodeEvent('failover-end'), 150_000, from)
  return failoverResult(cast, victim, end)
}

/** Posts a spot interruption notice to `victim`'s instance metadata; resolves once the node saw it. */
export async function interrupt(cast: Cast, progress: Progress, victim: RunningProvider): Promise<void> {
  const from = victim.proc.lines.length
  await (cast.imdsOf.get(victim.spec.name) ?? cast.imds).interrupt()
  progress(`spot interruption notice posted to ${victim.spec.name}'s instance metadata`)
  const notice = await victim.proc.waitFor('spot notice', nodeEvent('spot-interruption'), 30_000, from)
  progress(`${victim.spec.name} saw the notice (${notice.action} at ${notice.at}); failing over`)
}

/** A `failover-end` line of `victim`, with the phases' durations and the replacement's own start. */
export function failoverResult(cast: Cast, victim: RunningProvider, end: NodeLine<'failover-end'>): FailoverResult {
  const phases = end.phases.flatMap((p) => (p.endedAt === null ? [] : [{ phase: p.kind, ms: p.endedAt - p.startedAt }]))
  const target = end.target ?? null
  const taker = cast.providers.find((p) => p.operator.publicKey.toBase58() === target)
  const replacementStartMs = taker === undefined ? 0 : (jobStartMs(taker, end.lease) ?? 0)
  const started = end.phases[0]?.startedAt ?? 0
  const healthyPhase = end.phases.find((p) => p.kind === 'health')
  return {
    from: victim.spec.name,
    to: taker?.spec.name ?? target,
    outcome: end.phase,
    phases,
    noticeToHealthyMs: healthyPhase?.endedAt != null ? healthyPhase.endedAt - started : Number.NaN,
    replacementStartMs,
  }
}

/** Starting → healthy of `lease`'s job in `provider`'s own event lines (ms), or null. */
export function jobStartMs(provider: RunningProvider, lease: string): number | null {
  const job = provider.proc.lines.filter(nodeEvent('job', (l) => l.lease === lease))
  const starting = job.find((l) => l.state === 'starting')
  const healthy = job.find((l) => l.state === 'healthy')
  if (starting === undefined || healthy === undefined) return null
  return Date.parse(healthy.at) - Date.parse(starting.at)
}

/** A `synkti gateway` for `lease`, run by the cast's consumer. */
export function gateway(cast: Cast, lease: string, options: Parameters<typeof startGateway>[2] = {}): RunningGateway {
  return startGateway(
    {
      group: cast.group,
      rpcUrl: cast.world.rpcUrl,
      market: cast.world.market.toBase58(),
      consumerPath: cast.consumer.path,
      stateDir: consumerStateDir(cast),
      bootstrap: cast.providers.flatMap((p) => p.addrs.slice(0, 1)),
    },
    lease,
    options,
  )
}

export type GatewayLoad = LoadGenerator & { gateway: RunningGateway }

/**
 * Load against the lease's job through the consumer's gateway (one URL wherever the job runs;
 * it signs receipts for what it was served). `stats.endpoints` are the machines the gateway
 * forwarded to. The gateway ends by itself when the lease does. `model`: what the requests name
 * (the stand-in's by default; SMOLLM2.name for a model job).
 */
export function load(cast: Cast, lease: string, ratePerSec = 5, model = MODEL): GatewayLoad {
  const gw = gateway(cast, lease)
  const generator = new LoadGenerator({
    resolve: () => gw.url,
    servedBy: gw.endpoint,
    model,
    ratePerSec,
    // the gateway holds a request through a failover for up to its own deadline (60 s)
    timeoutMs: 90_000,
  })
  generator.start()
  return Object.assign(generator, { gateway: gw })
}

export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | null | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => null)
    if (value !== null && value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(250)
  }
}

export type { LoadStats }

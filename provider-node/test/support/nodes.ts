import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Keypair } from '@solana/web3.js'
import { SMOLLM2 } from '@synkti/inference/spawn'
import { isModelJob, type JobSpec, jobSpecHash, type ModelJobSpec, parseJobSpec } from '@synkti/jobs'
import { serializeKeypair } from '@synkti/market'
import { keypairFromBytes, SynktiNode } from '@synkti/p2p'
import type { Capability } from '@synkti/planner'
import { type NodeConfig, nodeConfigSchema } from '../../src/node/config.js'
import { MODEL, STANDIN_BIN } from '../helpers.js'
import { type ConsumerFx, chain, type MarketFx, type ProviderFx } from './chain.js'

export function capability(over: Partial<Capability> = {}): Capability {
  return {
    gpu: { model: 'H100', count: 1, vramGb: 80 },
    cloud: 'aws',
    region: 'eu-central-1',
    zone: 'eu-central-1a',
    spot: true,
    runtimes: ['process'],
    cachedModels: [],
    diskGb: 200,
    ...over,
  }
}

export async function keypairFile(dir: string, name: string, kp: Keypair): Promise<string> {
  const path = join(dir, `${name}.json`)
  await writeFile(path, serializeKeypair(kp), { mode: 0o600 })
  return path
}

/** A node config for a registered provider fixture, state in a fresh temporary directory. */
export async function nodeConfig(m: MarketFx, p: ProviderFx, over: Partial<NodeConfig> = {}): Promise<NodeConfig> {
  const dir = await mkdtemp(join(tmpdir(), 'synkti-node-'))
  // the stand-in's "weights": the preflight finds the model on disk, as it would a real one
  await mkdir(join(dir, 'models', MODEL), { recursive: true })
  await writeFile(join(dir, 'models', MODEL, 'weights.bin'), 'standin')
  return nodeConfigSchema.parse({
    keypair: await keypairFile(dir, 'operator', p.operator),
    rpcUrl: chain.rpcUrl,
    market: m.key.toBase58(),
    provider: p.key.toBase58(),
    stateDir: join(dir, 'state'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    api: { host: '127.0.0.1', port: 0 },
    capability: capability(),
    pricePerSecond: '1000',
    context: 'workstation',
    role: 'worker',
    modelDir: join(dir, 'models'),
    allowCommands: [process.execPath],
    ...over,
  })
}

/** The consumer `c` on P2P: a DHT client on a free local port that joins through `bootstrap`. */
export async function consumerPeer(c: ConsumerFx, bootstrap: string[]): Promise<SynktiNode> {
  return SynktiNode.create({
    privateKey: await keypairFromBytes(c.kp.secretKey),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap,
    dhtMode: 'client',
  })
}

/** The stand-in inference server as a consumer's job spec. */
export function standinSpec(over: Record<string, unknown> = {}): JobSpec {
  return parseJobSpec({
    version: 1,
    name: 'standin',
    run: { kind: 'command', command: process.execPath, args: [STANDIN_BIN, '--port', '{port}', '--model', '{model}'] },
    model: { name: MODEL, sizeGb: 1, vramGb: 16 },
    gpus: { count: 1 },
    priceCap: { perSecond: '5000' },
    spotAllowed: true,
    health: { path: '/health', readyTimeoutSec: 20 },
    failover: { policy: 'migrate', maxDowntimeSec: 60 },
    ...over,
  })
}

/** SmolLM2 as a managed-model job (`run.kind: model`): the node runs synkti-engine on the weights by hash. */
export function modelSpec(
  weights: { sha256?: string; sizeBytes?: number } = {},
  over: Record<string, unknown> = {},
): ModelJobSpec {
  const spec = parseJobSpec({
    version: 1,
    name: 'smollm2',
    run: { kind: 'model', engine: 'auto' },
    model: {
      name: SMOLLM2.name,
      sha256: weights.sha256 ?? SMOLLM2.sha256,
      sizeBytes: weights.sizeBytes ?? SMOLLM2.sizeBytes,
      format: 'gguf',
      vramGb: 1,
    },
    gpus: { count: 1 },
    priceCap: { perSecond: '5000' },
    spotAllowed: true,
    health: { path: '/health', readyTimeoutSec: 120 },
    failover: { policy: 'migrate', maxDowntimeSec: 120 },
    ...over,
  })
  if (!isModelJob(spec)) throw new Error('not a model job')
  return spec
}

export { jobSpecHash }

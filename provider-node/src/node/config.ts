import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { capabilitySchema, DEFAULT_RPC_URL } from '@synkti/vocabulary'
import * as z from 'zod'
import { InvalidNodeConfigError, NodeConfigMissingError } from './errors.js'
import { DEFAULT_LISTEN_ADDRESSES } from './listen.js'

/**
 * The node's config file (JSON). `synkti-provider register` writes it; `run` and `doctor` read
 * it, and flags override single values. Everything the node needs to observe itself and act
 * is here: no hidden defaults beyond the ones named below.
 */

const address = z.string().min(32).max(44)

/**
 * An S3-compatible object store holding weights as `<prefix><sha256>` (S3, R2, Hetzner Object
 * Storage; moto's S3 in tests). Credentials come from the AWS SDK's usual sources (environment,
 * shared files, instance role), never from this file.
 */
export const s3WeightsSourceSchema = z.strictObject({
  kind: z.literal('s3'),
  bucket: z.string().min(1).max(255),
  /** the store's URL; default AWS */
  endpoint: z.url().optional(),
  region: z.string().min(1).max(64).optional(),
  /** key prefix; default `sha256/` */
  prefix: z.string().max(512).optional(),
  /** `endpoint/bucket/key` URLs, which most S3-compatible stores want */
  forcePathStyle: z.boolean().optional(),
})
export const weightsSourceConfigSchema = z.discriminatedUnion('kind', [s3WeightsSourceSchema])
export type WeightsSourceConfig = z.infer<typeof weightsSourceConfigSchema>

export const nodeConfigSchema = z.strictObject({
  /** operator keypair (hot key; also the libp2p identity) */
  keypair: z.string().min(1),
  rpcUrl: z.url().default(DEFAULT_RPC_URL),
  market: address,
  /** the provider account (PDA) this operator serves; written by `register` */
  provider: address,
  /** failover journals, settlement queue, logs */
  stateDir: z.string().min(1),
  /**
   * P2P listen multiaddrs, kept so the node's address outlives a restart (consumers and peers
   * keep it as their bootstrap address): `register` writes a port chosen once; a config without
   * one listens on the documented default, 127.0.0.1:4001; `run --listen` overrides for a run
   */
  listen: z.array(z.string()).default([...DEFAULT_LISTEN_ADDRESSES]),
  announce: z.array(z.string()).default([]),
  bootstrap: z.array(z.string()).default([]),
  api: z
    .strictObject({ host: z.string().default('127.0.0.1'), port: z.int().min(0).max(65_535).default(7070) })
    .default({ host: '127.0.0.1', port: 7070 }),
  /** what this machine offers, as declared by the operator (verified where a probe exists) */
  capability: capabilitySchema,
  pricePerSecond: z.string().regex(/^[1-9][0-9]*$/),
  /** `auto` observes; the others are the override flag */
  context: z.enum(['auto', 'aws', 'hetzner', 'ovh', 'workstation']).default('auto'),
  /** `auto`: a worker on a cloud machine, a deployer on a workstation; `worker` serves leases on one's own machine */
  role: z.enum(['auto', 'worker', 'deployer']).default('auto'),
  /** the instance metadata service (AWS IMDS; amazon-ec2-metadata-mock in tests and the demo) */
  imdsUrl: z.url().optional(),
  spotPollMs: z.int().positive().default(2_000),
  /** executables a consumer's `command` job may run on this machine (images need a container engine) */
  allowCommands: z.array(z.string().min(1)).default([]),
  /** the engine image jobs run with (the preflight checks that its daemon answers) */
  containerEngine: z.enum(['docker', 'podman']).default('docker'),
  /** working directory of process jobs */
  jobCwd: z.string().optional(),
  /** where model weights live (default <stateDir>/models) */
  modelDir: z.string().optional(),
  /** a Hugging Face-compatible hub asked for the named weights of command jobs that are not on disk; none: they must be local */
  weightsSource: z.url().optional(),
  /**
   * where a model job's weights (named by sha256) are fetched from when the model cache
   * (`<modelDir>/sha256/<hex>`) lacks them, tried in order; none: they must be in the cache
   */
  weightsSources: z.array(weightsSourceConfigSchema).max(16).default([]),
  /** attest at most this often (seconds); default: half the market's maximum gap */
  settlementIntervalSec: z.int().positive().optional(),
  /** warn when a served lease's escrow pays for fewer seconds than this; default 600 (the gateway's) */
  runwayWarnSec: z.int().positive().optional(),
  /** read every served lease's escrow this often (ms); default 5 000 */
  runwayPollMs: z.int().positive().optional(),
  /** each preflight probe (RPC, tools, hub) waits at most this long */
  preflightTimeoutMs: z.int().positive().default(10_000),
  /** how long a draining job may finish in-flight requests */
  drainDeadlineMs: z.int().positive().default(30_000),
})

export type NodeConfig = z.infer<typeof nodeConfigSchema>
export type NodeConfigInput = z.input<typeof nodeConfigSchema>

/** Where model weights live: `modelDir`, default `<stateDir>/models` (a model job's by hash under `sha256/`). */
export function modelDir(config: Pick<NodeConfig, 'modelDir' | 'stateDir'>): string {
  return config.modelDir ?? join(config.stateDir, 'models')
}

export const DEFAULT_CONFIG_PATH = join(homedir(), '.config', 'synkti', 'provider.json')
export const DEFAULT_KEYPAIR_PATH = join(homedir(), '.config', 'solana', 'id.json')

export function parseNodeConfig(path: string, document: unknown): NodeConfig {
  const result = nodeConfigSchema.safeParse(document)
  if (!result.success) {
    throw new InvalidNodeConfigError(
      path,
      result.error.issues.map((i) => `${i.path.map(String).join('.') || '(document)'}: ${i.message}`),
    )
  }
  const base = dirname(resolve(path))
  // Relative paths in a config file mean: relative to the file, not to wherever `run` started.
  const at = (p: string) => resolve(base, p.startsWith('~/') ? join(homedir(), p.slice(2)) : p)
  const config = result.data
  return {
    ...config,
    keypair: at(config.keypair),
    stateDir: at(config.stateDir),
    ...(config.jobCwd !== undefined ? { jobCwd: at(config.jobCwd) } : {}),
    ...(config.modelDir !== undefined ? { modelDir: at(config.modelDir) } : {}),
  }
}

export async function loadNodeConfig(path: string): Promise<NodeConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NodeConfigMissingError(path)
    throw err
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (err) {
    throw new InvalidNodeConfigError(path, [`not JSON: ${(err as Error).message}`])
  }
  return parseNodeConfig(path, document)
}

/** Written whole to a temporary file, then renamed: a crash never leaves half a config. */
export async function saveNodeConfig(path: string, config: NodeConfigInput): Promise<void> {
  nodeConfigSchema.parse(config)
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
  await rename(tmp, path)
}

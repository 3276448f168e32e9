import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2'
import type { Keypair } from '@solana/web3.js'
import { serializeKeypair } from '@synkti/market'
import { vi } from 'vitest'
import { findTool, freePort, type RunningTool, startTool } from '../../../packages/cloud/test/support/tools.js'
import { buildProgram } from '../../src/cli/main.js'
import { defaultKeyDir } from '../../src/fleet/index.js'
import { chain, type MarketFx, parties } from '../support/chain.js'
import { deployerDocument } from './fixtures.js'

export const REGION = 'us-east-1'
/** One of moto's bundled images; AMI validation is on. */
export const AMI = 'ami-03cf127a'

/** `--cloud aws --region … --cluster … --endpoint …`: where every fleet command in these tests acts. */
export const awsAt = (cluster: string, endpoint: string) => [
  '--cloud',
  'aws',
  '--region',
  REGION,
  '--cluster',
  cluster,
  '--endpoint',
  endpoint,
]

/** `fleet up` of g5.xlarge workers from a workstation (nothing probed), JSON out. */
export function fleetUpArgs(
  at: { config: string; endpoint: string; cluster: string; count: number },
  ...more: string[]
): string[] {
  return [
    '-c',
    at.config,
    '--json',
    'fleet',
    'up',
    ...awsAt(at.cluster, at.endpoint),
    '--count',
    String(at.count),
    '--instance-type',
    'g5.xlarge',
    '--image',
    AMI,
    '--context',
    'workstation',
    ...more,
  ]
}

/** moto's EC2 on 127.0.0.1, validating AMIs and instance types as EC2 does (as packages/cloud's tests run it). */
export async function startMoto(): Promise<RunningTool> {
  const port = await freePort()
  return startTool(findTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], port, {
    readyPath: '/moto-api/',
    env: { MOTO_ENABLE_AMI_VALIDATION: 'true', MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true' },
  })
}

/** A cloud API that records every request and answers none usefully: proof that nothing was sent. */
export async function startRecorder(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = []
  const server = createServer((req: IncomingMessage, res) => {
    requests.push(`${req.method} ${req.url}`)
    res.statusCode = 500
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A deployer's node config on disk, optionally with other values (e.g. `role: 'worker'`). */
export function configFile(over: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-'))
  const path = join(dir, 'provider.json')
  writeFileSync(path, JSON.stringify({ ...deployerDocument, ...over }))
  return path
}

export interface FleetChainFx {
  /** The deployer's config: this market, the localnet's RPC, `keypair` = the authority's file. */
  config: string
  market: MarketFx
  authority: Keypair
  authorityFile: string
  /** The cluster's key directory `up` uses by default. */
  keyDir(cluster: string): string
}

/**
 * A market on the test localnet and a deployer whose config's keypair is a funded authority
 * holding `stakeTokens` stake-mint tokens (default 100 times the minimum stake): what `fleet up`
 * registers and stakes the workers' providers with. One per test that counts indexes.
 */
export async function fleetChain(
  opts: { stakeTokens?: bigint; over?: Record<string, unknown> } = {},
): Promise<FleetChainFx> {
  const market = await parties.market()
  const authority = await parties.funded()
  const stakeTokens = opts.stakeTokens ?? market.params.minStake * 100n
  if (stakeTokens > 0n) await parties.tokenAccount(market, authority.publicKey, market.stakeMint, stakeTokens)
  const dir = mkdtempSync(join(tmpdir(), 'fleet-chain-'))
  const authorityFile = join(dir, 'authority.json')
  writeFileSync(authorityFile, serializeKeypair(authority), { mode: 0o600 })
  const config = join(dir, 'provider.json')
  writeFileSync(
    config,
    JSON.stringify({
      ...deployerDocument,
      keypair: './authority.json',
      market: market.key.toBase58(),
      rpcUrl: chain.rpcUrl,
      ...opts.over,
    }),
  )
  return { config, market, authority, authorityFile, keyDir: (cluster) => defaultKeyDir(config, cluster) }
}

export interface CliRun {
  stdout: string
  error: (Error & Record<string, unknown>) | undefined
  /** stdout as the one JSON object `--json` prints. */
  json<T = Record<string, unknown>>(): T
}

/** Runs `synkti-provider <args>` in this process (the real commander program), capturing stdout. */
export async function cli(args: string[]): Promise<CliRun> {
  const chunks: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk))
    return true
  })
  let error: CliRun['error']
  try {
    await buildProgram().parseAsync(args, { from: 'user' })
  } catch (err) {
    error = err as CliRun['error']
  } finally {
    spy.mockRestore()
  }
  const stdout = chunks.join('')
  return { stdout, error, json: () => JSON.parse(stdout) }
}

const AWS_CREDENTIAL_SOURCES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
]

/** moto accepts any key; the SDK's default chain finds these in the environment. */
export function stubAwsCredentials(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing')
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing')
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true')
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true')
}

/** Nothing anywhere in the default chain (env, files, containers; IMDS disabled: it is not 127.0.0.1). */
export function noAwsCredentials(): NodeJS.ProcessEnv {
  for (const name of AWS_CREDENTIAL_SOURCES) vi.stubEnv(name, undefined)
  const empty = {
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  }
  for (const [k, v] of Object.entries(empty)) vi.stubEnv(k, v)
  const env = { ...process.env }
  for (const name of AWS_CREDENTIAL_SOURCES) delete env[name]
  return env
}

/** moto read directly, not through the adapter, so an adapter bug cannot hide what exists. */
export async function motoInstances(motoUrl: string, cluster: string, region = REGION) {
  const raw = new EC2Client({
    region,
    endpoint: motoUrl,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
  const out = await raw.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:synkti:cluster', Values: [cluster] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
    }),
  )
  const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])
  const userData = async (id: string) => {
    const attr = await raw.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }))
    return Buffer.from(attr.UserData?.Value ?? '', 'base64').toString('utf8')
  }
  return { instances, userData }
}

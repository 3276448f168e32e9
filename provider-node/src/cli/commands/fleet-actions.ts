// The fleet commands' work, loaded only when one of them runs: it brings the cloud SDKs and the
// chain client, which `synkti-provider --help` and every other command do without.
import { readFile } from 'node:fs/promises'
import { type Keypair, PublicKey } from '@solana/web3.js'
import type { Market } from '@synkti/cloud'
import { loadKeypair, MarketClient } from '@synkti/market'
import type { Command } from 'commander'
import { detectNodeContext } from '../../context/index.js'
import {
  assertKeyCommand,
  type ChainAction,
  type ChainSideInit,
  chainCapabilities,
  defaultKeyDir,
  FleetAuthorityMissingError,
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
  type ProviderRow,
  regionOf,
  renderUserData,
  type WorkerSlot,
  workerConfig,
  workerGpus,
} from '../../fleet/index.js'
import type { NodeConfig } from '../../node/config.js'
import { InvalidCliValueError } from '../errors.js'
import { amount, expandHome, positive, publicKey } from '../values.js'
import type { ChainOptions, CloudOptions, ProgramHelpers, UpOptions } from './fleet.js'

function wholeNumber(option: string, value: string): number {
  if (!/^(0|[1-9][0-9]{0,5})$/.test(value)) throw new InvalidCliValueError(option, value, 'a whole number, 0 or more')
  return Number(value)
}

function gpuCount(value: string): number {
  const n = wholeNumber('--gpus', value)
  if (n === 0) throw new InvalidCliValueError('--gpus', value, 'at least 1')
  return n
}

/** How long `fleet up` waits for a metadata service before calling this machine a workstation. */
const CONTEXT_PROBE_MS = 500

export function adapterOf(o: CloudOptions) {
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

/** The authority's keypair (it signs registrations and deposits); a missing file is FleetAuthorityMissingError. */
export async function loadAuthority(path: string): Promise<Keypair> {
  try {
    return await loadKeypair(path)
  } catch (err) {
    if ((err as Error).name === 'KeypairFileMissingError') throw new FleetAuthorityMissingError(path)
    throw err
  }
}

/** ls/down only read: `--authority` may be the public key itself, else its keypair file (default: the config's keypair). */
async function authorityKey(value: string): Promise<PublicKey> {
  if (/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(value)) return new PublicKey(value)
  return (await loadAuthority(expandHome(value))).publicKey
}

function keyDirOf(o: ChainOptions & { cluster: string }, cmd: Command, helpers: ProgramHelpers): string {
  return o.keyDir !== undefined
    ? expandHome(o.keyDir)
    : defaultKeyDir(expandHome(helpers.globals(cmd).config), o.cluster)
}

export async function up(
  o: UpOptions,
  helpers: ProgramHelpers,
  cmd: Command,
): Promise<FleetUpResult & { userData?: string }> {
  const count = wholeNumber('--count', o.count)
  if (o.keyCommand !== undefined) assertKeyCommand(o.keyCommand)
  const stake = o.stake === undefined ? undefined : amount('--stake', o.stake)
  const operatorLamports =
    o.operatorLamports === undefined ? undefined : Number(amount('--operator-lamports', o.operatorLamports))
  const config = await helpers.configOf(cmd)
  const price = o.price === undefined ? BigInt(config.pricePerSecond) : amount('--price', o.price)
  if (price === 0n) throw new InvalidCliValueError('--price', String(o.price), 'at least 1 base unit per second')
  const market = await publicKey('market (config)', config.market)
  await refuseOnWorker(config, o)
  const region = regionOf({ cloud: o.cloud, ...(o.region !== undefined ? { region: o.region } : {}) })
  if (region === undefined) throw new MissingRegionError(o.cloud)
  const spotMarket: Market =
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
    market: spotMarket,
    ...(o.zone !== undefined ? { zone: o.zone } : {}),
  }
  const gpu = workerGpus(o.cloud, o.instanceType, {
    ...(o.gpu !== undefined ? { model: o.gpu } : {}),
    ...(o.vram !== undefined ? { vramGb: positive('--vram', o.vram) } : {}),
    ...(o.gpus !== undefined ? { count: gpuCount(o.gpus) } : {}),
  })
  const authority = await loadAuthority(o.authority !== undefined ? expandHome(o.authority) : config.keypair)
  const configFor = { ...config, pricePerSecond: price.toString() }
  const userData = (worker: WorkerSlot) =>
    renderUserData({
      config: workerConfig(configFor, target, gpu, worker.provider ?? undefined),
      target,
      worker,
      packageSpec: o.package,
      ...(o.keyCommand !== undefined ? { keyCommand: o.keyCommand } : {}),
    })
  const sshPublicKey = o.sshKey === undefined ? undefined : (await readFile(expandHome(o.sshKey), 'utf8')).trim()
  const result = await fleetUp({
    adapter: adapterOf({ ...o, region }),
    target,
    userData,
    chain: {
      client: new MarketClient({ rpcUrl: config.rpcUrl }),
      market,
      authority,
      keyDir: keyDirOf(o, cmd, helpers),
      capabilities: chainCapabilities(target, gpu),
      pricePerSecond: price,
      ...(stake !== undefined ? { stake } : {}),
      ...(operatorLamports !== undefined ? { operatorLamports } : {}),
    },
    prune: o.prune,
    dryRun: o.dryRun,
    ...(sshPublicKey !== undefined ? { sshPublicKey } : {}),
  })
  if (!o.dryRun) return result
  // The first machine to launch (else the first kept), as it would boot.
  const first = result.workers.find((w) => w.account !== 'keep') ?? result.workers[0]
  const slot: WorkerSlot = {
    cluster: o.cluster,
    index: first?.index ?? result.indexes[0] ?? 0,
    provider: first?.provider ?? null,
    operator: first?.operator ?? null,
  }
  return { ...result, userData: userData(slot) }
}

/**
 * Where ls/down look on chain: the config's market and RPC, the authority's public key, the
 * cluster's key directory. No config: the chain side is skipped (and said so), unless `strict`.
 */
export async function chainSideOf(
  o: CloudOptions & ChainOptions,
  helpers: ProgramHelpers,
  cmd: Command,
  strict = false,
): Promise<ChainSideInit & { authorityPath?: string }> {
  let config: NodeConfig
  try {
    config = await helpers.configOf(cmd)
  } catch (err) {
    if (strict || (err as Error).name !== 'NodeConfigMissingError') throw err
    const e = err as Error & { remedy?: string }
    return {
      skipped: { name: e.name, message: e.message, ...(typeof e.remedy === 'string' ? { remedy: e.remedy } : {}) },
    }
  }
  const value = o.authority ?? config.keypair
  const keyDir = keyDirOf(o, cmd, helpers)
  const client = new MarketClient({ rpcUrl: config.rpcUrl })
  const market = await publicKey('market (config)', config.market)
  try {
    return { read: { client, market, authority: await authorityKey(value), keyDir }, authorityPath: expandHome(value) }
  } catch (err) {
    if (strict) throw err
    const e = err as Error & { remedy?: string }
    return {
      skipped: { name: e.name, message: e.message, ...(typeof e.remedy === 'string' ? { remedy: e.remedy } : {}) },
    }
  }
}

function actionText(a: ChainAction, dry: boolean): string {
  const verb = (now: string, would: string) => (dry ? would : now)
  switch (a.kind) {
    case 'create-payout-account':
      return `${verb('created', 'would create')} payout account ${a.account}`
    case 'register':
      return `${verb('registered', 'would register')} provider ${a.provider} (index ${a.index})${a.newKey ? ' with a new operator key' : ''}`
    case 'update': {
      const what = [a.capabilities ? 'capabilities' : '', a.pricePerSecond ? 'price' : ''].filter(Boolean).join(' and ')
      return `${verb('updated', 'would update')} ${what} of index ${a.index}`
    }
    case 'resume':
      return `${verb('resumed', 'would resume')} provider ${a.provider} (index ${a.index})`
    case 'deposit':
      return `${verb('deposited', 'would deposit')} ${a.amount} stake to index ${a.index}`
    case 'fund-operator':
      return `${verb('sent', 'would send')} ${a.lamports} lamports to operator ${a.operator ?? '(new key)'} (index ${a.index}) for its fees`
  }
}

export function upText(r: FleetUpResult & { userData?: string }): string[] {
  const verb = r.dryRun ? 'would create' : 'created'
  const lines = [
    `${r.dryRun ? 'dry run: ' : ''}cluster ${r.cluster} on ${r.cloud} ${r.region}: ${r.desired} wanted, ${r.kept.length} kept, ${r.toCreate} ${verb}`,
  ]
  for (const m of r.created) {
    const parts = [m.id, m.type, m.spot ? 'spot' : 'on-demand', m.zone, m.index === null ? null : `index ${m.index}`]
    lines.push(`  created ${parts.filter((p) => p !== null).join(' ')}`)
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
  for (const w of r.workers) {
    const how = { keep: 'kept machine', reuse: 'existing account, new machine', register: 'new account' }[w.account]
    lines.push(
      `  worker ${w.index}: provider ${w.provider}, operator ${w.operator ?? '(new key)'} (${how}${w.keyFile !== null ? `; key ${w.keyFile}` : ''})`,
    )
  }
  if (r.chain !== null) {
    for (const a of r.chain.actions) lines.push(`  chain: ${actionText(a, r.dryRun)}`)
    if (r.chain.actions.length === 0) lines.push(`  chain: nothing to do (authority ${r.chain.authority})`)
  }
  lines.push(`note: ${r.keyNotice}`)
  if (r.userData !== undefined) lines.push('user data:', r.userData.trimEnd())
  return lines
}

export function lsText(r: FleetListResult): string[] {
  const chainOk = r.chain !== null && r.chain.error === null
  const lines =
    r.machines.length === 0 && r.idle.length === 0
      ? [`cluster ${r.cluster} on ${r.cloud}: no machines`]
      : fleetTable(r.machines, chainOk ? { idle: r.idle, cloud: r.cloud } : undefined)
  if (r.chain?.error) lines.push(`chain: not shown (${r.chain.error.name}: ${r.chain.error.message})`)
  return lines
}

function providerText(p: ProviderRow): string {
  if (p.status === 'missing') return `  provider ${p.address} (index ${p.index}): no account`
  return `  provider ${p.address} (index ${p.index}) stays on chain: ${p.status}, staked ${p.staked}, ${p.openLeases} open lease(s)`
}

export function downText(r: FleetDownResult): string[] {
  if (r.destroyed.length === 0 && r.left.length === 0) return [`cluster ${r.cluster} on ${r.cloud}: nothing to destroy`]
  const lines = [
    ...r.paused.map((p) => `paused provider ${p.provider} (index ${p.index})`),
    ...r.destroyed.map((ref) => {
      const m = r.machines.find((x) => x.id === ref.id)
      const index = m?.index !== null && m?.index !== undefined ? `, index ${m.index}` : ''
      return `destroyed ${ref.kind} ${ref.id}${m !== undefined ? ` (${m.type}, was ${m.state}${index})` : ''}`
    }),
    `cluster ${r.cluster} on ${r.cloud}: ${r.destroyed.length} resource(s) given back`,
    ...r.left.map(providerText),
  ]
  if (r.chain?.error) lines.push(`chain: not shown (${r.chain.error.name}: ${r.chain.error.message})`)
  lines.push(`note: ${r.notice}`)
  return lines
}

export { fleetDown, fleetList }

import { join } from 'node:path'
import { type Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js'
import { NODE_STATUS_VERSION, type NodeStatus, parseNodeStatus } from '@synkti/jobs'
import { chainNow, type LeaseEnded, type Verdict } from '@synkti/market'
import {
  canonicalBytes,
  encodeSignedProviderRecord,
  type HandoffDecision,
  type HandoffOffer,
  type JsonObject,
  keypairFromBytes,
  type ProviderRecord,
  providerRecordKey,
  providerRecordKeyString,
  SIGNING_DOMAIN,
  SynktiNode,
  signProviderRecord,
} from '@synkti/p2p'
import { type FailoverState, FailoverStore, loadNodeConfig } from '@synkti/provider-node'
import { leaseEnded } from './chain.js'
import type { JsonLine } from './processes.js'
import { type ProviderSpec, type RegisteredProvider, type RunningProvider, registerProvider } from './provider.js'
import { type Cast, MODEL, runSynkti, waitUntil } from './story.js'

/**
 * Hostile parties for the adversarial run, each built from the same parts an honest one uses
 * (the CLI, the market client, @synkti/p2p's SynktiNode and its protocol handlers) and bent in
 * one place: what an attacker controls is its own keys and what it sends, never another
 * party's process. Every refusal they meet is noted with its name in a `Refusals` ledger, so
 * the test can say that none went unnamed.
 */

// ── refusals ────────────────────────────────────────────────────────────────

export interface Refusal {
  /** the hostile act, in words */
  attack: string
  /** who refused it (the program, the CLI, a node, the DHT's validators) */
  by: string
  /** the refusal's name: an error's `name` or a structured kind; empty = unnamed */
  name: string
  detail?: string
}

/** Every refusal the run saw, by name: a refusal without one is a finding in itself. */
export class Refusals {
  readonly all: Refusal[] = []

  note(attack: string, by: string, name: string | undefined | null, detail?: string): string {
    const refusal = { attack, by, name: name ?? '', ...(detail !== undefined ? { detail } : {}) }
    this.all.push(refusal)
    return refusal.name
  }

  /** A named refusal is a PascalCase error name or a kebab-case kind (Misfit, drop reason). */
  unnamed(): Refusal[] {
    return this.all.filter((r) => !/^[A-Z][A-Za-z0-9]+$/.test(r.name) && !/^[a-z]+(-[a-z]+)*$/.test(r.name))
  }

  table(): string {
    return this.all.map((r) => `  ${r.attack} → ${r.by}: ${r.name || '(unnamed)'}`).join('\n')
  }
}

// ── the CLI as a hostile consumer runs it ──────────────────────────────────

export interface Attempt {
  code: number | null
  /** the one JSON object `--json` prints, result or `{ error: { name, message, remedy } }` */
  json: JsonLine | null
  output: string
}

/**
 * `synkti <args> --json` run as the consumer whose keypair file is `consumerPath`, whatever it
 * exits with: a refusal is the point here, so its JSON (with the error's name) comes back
 * instead of being thrown (story.ts's `synkti` throws on a non-zero exit).
 */
export async function attempt(cast: Cast, args: string[], consumerPath: string, timeoutMs = 180_000): Promise<Attempt> {
  const result = await runSynkti(cast, args, timeoutMs, consumerPath)
  return { code: result.code, json: result.json, output: result.stdout + result.stderr }
}

/** The error name a failed `--json` run reported, or null. */
export function errorName(a: Attempt): string | null {
  const error = a.json?.error as { name?: unknown } | undefined
  return typeof error?.name === 'string' ? error.name : null
}

export interface Party {
  name: string
  keypair: Keypair
  path: string
  /** its payment-mint account */
  token: PublicKey
}

/** A consumer with its own keys and `funds` of the payment mint (hostile ones are kept apart from the honest one). */
export async function fundedParty(cast: Cast, name: string, funds: bigint): Promise<Party> {
  const party = await cast.world.party(name, 5)
  const token = await cast.world.mintTo(party.keypair.publicKey, cast.world.mint, funds)
  return { name, ...party, token }
}

// ── the arbiter ────────────────────────────────────────────────────────────

/**
 * The lease's arbiter rules as it would with the market client. A disputer that never held the
 * stake mint has no stake-mint account; the client creates it in the ruling's own transaction,
 * so a hostile consumer cannot hold the ruling up that way.
 */
export async function arbiterRules(cast: Cast, lease: PublicKey, verdict: Verdict): Promise<LeaseEnded> {
  const { client, arbiter } = cast.world
  return leaseEnded(await client.resolveDispute({ arbiter, lease, verdict }))
}

// ── the hostile taker ──────────────────────────────────────────────────────

/**
 * How a hostile taker's migrate_lease differs from what the giver planned. Each one, co-signed,
 * would hurt the giver: `extra-instruction` drains the giver operator's SOL in the same
 * transaction; `new-provider` names another provider account as the new side; `handoff-time`
 * moves the hand-off ten minutes back (the taker would bill the giver's served time);
 * `fee-payer` makes someone other than the giver the fee payer.
 */
export type Forgery = 'extra-instruction' | 'new-provider' | 'handoff-time' | 'fee-payer'

/** Lamports the `extra-instruction` forgery tries to take from the giver's operator. */
export const DRAIN_LAMPORTS = 1_000_000_000

export interface AnsweredOffer {
  lease: string
  /** the giver's operator */
  from: string
  forgery: Forgery
  at: number
}

export interface HostileTaker {
  spec: ProviderSpec
  registered: RegisteredProvider
  node: SynktiNode
  /** the record it published for itself (valid: its own operator and provider account) */
  record: ProviderRecord
  /** every offer it answered, and how its transaction lied */
  answered: AnsweredOffer[]
  /** hand-offs a giver confirmed to it: a forged one never should be */
  confirmed: string[]
  /** what broke on its side of a protocol stream (a giver walking away from a forgery) */
  protocolErrors: { protocol: string; error: string }[]
  stop(): Promise<void>
}

export interface HostileTakerOptions {
  /** its provider spec; the price should undercut every honest provider so the planner picks it first */
  spec: Omit<ProviderSpec, 'bootstrap' | 'imdsUrl'>
  /** the forgeries to answer offers with, one per offer, in order (the last repeats) */
  forgeries: Forgery[]
  /** the provider account the `new-provider` forgery names instead of its own */
  decoy: PublicKey
}

/**
 * A registered, staked provider (registered the operator's way, `synkti-provider register`)
 * whose node is this process: a SynktiNode with its operator key that publishes a valid record
 * for its own operator and provider account, answers the status protocol like a node with no
 * jobs, and answers every hand-off offer with a migrate_lease that differs from the giver's
 * plan. It never runs a job: the point is to see the giver refuse to co-sign and fail over to
 * an honest provider, and that nothing it sent moved a token or a lease.
 */
export async function startHostileTaker(cast: Cast, options: HostileTakerOptions): Promise<HostileTaker> {
  const registered = await registerProvider(cast.world, { ...options.spec, models: [MODEL] })
  const config = await loadNodeConfig(registered.configPath)
  const privateKey = await keypairFromBytes(registered.operator.secretKey)
  const operator = registered.operator
  const { client } = cast.world
  const answered: AnsweredOffer[] = []
  const confirmed: string[] = []
  const protocolErrors: HostileTaker['protocolErrors'] = []

  /** The migrate_lease the giver planned, then bent by `forgery`; signed by this operator. */
  async function forge(offer: HandoffOffer, forgery: Forgery): Promise<Uint8Array> {
    const giver = new PublicKey(offer.from)
    const lease = new PublicKey(offer.lease)
    const now = await chainNow(client.connection)
    const honest = {
      oldOperator: giver,
      newOperator: operator.publicKey,
      signer: operator,
      lease,
      newProvider: registered.provider,
      handoffAt: now,
    }
    switch (forgery) {
      case 'new-provider':
        return client.prepareMigrateLease({ ...honest, newProvider: options.decoy })
      case 'handoff-time':
        return client.prepareMigrateLease({ ...honest, handoffAt: now - 600 })
      case 'fee-payer':
        return client.prepareMigrateLease({ ...honest, feePayer: operator.publicKey })
      case 'extra-instruction': {
        // the planned migrate_lease, plus a transfer out of the fee payer that must co-sign anyway
        const planned = Transaction.from(await client.prepareMigrateLease(honest))
        const tx = new Transaction()
        tx.feePayer = planned.feePayer ?? giver
        tx.recentBlockhash = planned.recentBlockhash
        tx.add(
          ...planned.instructions,
          SystemProgram.transfer({ fromPubkey: giver, toPubkey: operator.publicKey, lamports: DRAIN_LAMPORTS }),
        )
        tx.partialSign(operator)
        return tx.serialize({ requireAllSignatures: false, verifySignatures: false })
      }
    }
  }

  const statusOf = (): NodeStatus =>
    // validated here: a peer asking must get a document it accepts, or the attack is not tested
    parseNodeStatus({
      v: NODE_STATUS_VERSION,
      operator: operator.publicKey.toBase58(),
      market: config.market,
      provider: config.provider,
      role: 'worker',
      context: {
        kind: 'workstation',
        region: config.capability.region,
        zone: config.capability.zone,
        spot: config.capability.spot,
      },
      admitting: true,
      capability: config.capability,
      pricePerSecond: config.pricePerSecond,
      at: Math.floor(Date.now() / 1000),
      jobs: [],
      failovers: [],
      chain: null,
      settlement: { queued: 0, lastAttestedAt: null, lastError: null },
      prognostics: { series: [], risk: 0, spareRequested: false },
    } satisfies NodeStatus)

  const node = await SynktiNode.create({
    privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: cast.providers.flatMap((p) => p.addrs.slice(0, 1)),
    dhtMode: 'server',
    handlers: {
      status: async () => statusOf() as unknown as JsonObject,
      handoff: {
        offer: async (offer): Promise<HandoffDecision> => {
          const forgery = options.forgeries[Math.min(answered.length, options.forgeries.length - 1)] ?? 'new-provider'
          const transaction = await forge(offer, forgery)
          answered.push({ lease: offer.lease, from: offer.from, forgery, at: Date.now() })
          return { accept: true, transaction }
        },
        confirm: async (confirmation) => {
          confirmed.push(confirmation.lease)
        },
      },
    },
    onProtocolError: (err, protocol) => protocolErrors.push({ protocol, error: `${err.name}: ${err.message}` }),
  })
  cast.group.defer(() => node.stop())

  // the same record an honest node publishes (provider.ts's nodeRecord shape), for its own keys
  const record: ProviderRecord = {
    v: 1,
    market: config.market,
    operator: operator.publicKey.toBase58(),
    provider: config.provider,
    seq: Date.now(),
    expiresAt: Math.floor(Date.now() / 1000) + 3_600,
    capability: config.capability,
    pricePerSecond: config.pricePerSecond,
    addresses: node.multiaddrs,
    load: { jobs: 0, gpuUtilization: 0 },
  }
  await node.putRecord(await signProviderRecord(privateKey, record), config.market, record.operator)

  return {
    spec: registered.spec,
    registered,
    node,
    record,
    answered,
    confirmed,
    protocolErrors,
    stop: () => node.stop(),
  }
}

/** Where a hostile taker claims to be: an on-demand workstation in eu-central at `price`. */
export function hostileSpec(price: bigint): Omit<ProviderSpec, 'bootstrap' | 'imdsUrl'> {
  return {
    name: 'hostile-taker',
    cloud: 'hetzner',
    region: 'eu-central',
    zone: 'fsn9',
    spot: false,
    price,
    context: 'workstation',
    role: 'worker',
  }
}

/** Resolves once the consumer's P2P client finds the taker's record: only then can a giver offer it a lease. */
export async function awaitHostileRecord(cast: Cast, taker: HostileTaker, timeoutMs: number): Promise<void> {
  await waitUntil(
    "the hostile taker's record in the DHT",
    () =>
      cast.p2p
        .getRecord(cast.world.market.toBase58(), taker.node.operator, { signal: AbortSignal.timeout(10_000) })
        .then((r) => (r.record.provider === taker.registered.provider.toBase58() ? r : null)),
    timeoutMs,
  )
}

/** The giver's persisted failover `id` (its declines and their reasons are there, by operator). */
export async function failoverState(giver: RunningProvider, id: string): Promise<FailoverState> {
  const config = await loadNodeConfig(giver.configPath)
  return new FailoverStore(join(config.stateDir, 'failovers')).load(id)
}

// ── the squatter ───────────────────────────────────────────────────────────

export interface Squatter {
  keypair: Keypair
  operator: string
  node: SynktiNode
  /**
   * A record that names `victim`'s operator and provider account (and the squatter's own
   * addresses), signed by the squatter. Returns the local refusals of the honest signing and
   * storing paths (by name), then pushes the bytes into the DHT anyway, past its own validator.
   */
  impersonate(victim: RunningProvider, template: ProviderRecord): Promise<{ sign: string; put: string }>
  /** A record the squatter signs as itself that says it speaks for `victim`'s provider account. */
  claimAccountOf(victim: RunningProvider, template: ProviderRecord): Promise<ProviderRecord>
}

/**
 * An unregistered peer that wants another node's traffic: a DHT server (so it stores and
 * serves what it likes) with a key of its own. It can only sign with that key; everything
 * else it does is what any peer can: put bytes under any DHT key and announce a capability.
 */
export async function startSquatter(cast: Cast, bootstrap: string[]): Promise<Squatter> {
  const { keypair } = await cast.world.party('squatter', 0)
  const privateKey = await keypairFromBytes(keypair.secretKey)
  const node = await SynktiNode.create({
    privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [...bootstrap, ...cast.providers.flatMap((p) => p.addrs.slice(0, 1))],
    dhtMode: 'server',
  })
  cast.group.defer(() => node.stop())
  const operator = node.operator
  const market = cast.world.market.toBase58()

  /** Signs any body with the squatter's own key, in the record domain: all a forger can do. */
  const sign = async (record: ProviderRecord) =>
    Buffer.from(await privateKey.sign(canonicalBytes(SIGNING_DOMAIN.providerRecord, record))).toString('base64')

  return {
    keypair,
    operator,
    node,
    async impersonate(victim, template) {
      const record: ProviderRecord = {
        ...template,
        operator: victim.operator.publicKey.toBase58(),
        provider: victim.provider.toBase58(),
        // far above the victim's own sequence: it would win every selection if it were believed
        seq: template.seq + 1_000_000_000,
        addresses: node.multiaddrs,
      }
      // the honest path names both refusals itself
      const signed = await signProviderRecord(privateKey, record).then(
        () => '',
        (err: Error) => err.name,
      )
      const bytes = encodeSignedProviderRecord({ record, signature: await sign(record) })
      const put = await node.putRecord(bytes, market, record.operator).then(
        () => '',
        (err: Error) => err.name,
      )
      // past its own validator: stored locally and sent to the closest peers, whose validators decide
      for await (const _ of node.libp2p.services.dht.put(
        providerRecordKey({ market, operator: record.operator }),
        bytes,
        {
          signal: AbortSignal.timeout(20_000),
        },
      )) {
        // drain
      }
      return { sign: signed, put }
    },
    async claimAccountOf(victim, template) {
      const record: ProviderRecord = {
        ...template,
        operator,
        provider: victim.provider.toBase58(),
        seq: Date.now(),
        addresses: node.multiaddrs,
      }
      await node.putRecord(await signProviderRecord(privateKey, record), market, operator)
      // and says it offers the victim's capability, so discovery by GPU and region finds it
      await node.announce({ market, gpuModel: record.capability.gpu.model, region: record.capability.region })
      return record
    },
  }
}

// ── a DHT server that reports what its validator refused ───────────────────

export interface RecordWitness {
  node: SynktiNode
  addrs: string[]
  /** every DHT value its validator refused: the error's name and the key it came under */
  refused: { name: string; key: string }[]
  /** resolves with the first refusal under `operator`'s key in the market (from index `from` of `refused`) */
  refusalFor(operator: string, timeoutMs: number, from?: number): Promise<{ name: string; key: string }>
}

/**
 * An honest DHT server like every provider node, in this process so its validator's refusals
 * can be read (`onRecordRejected`; the nodes themselves do not log what they refuse): it
 * stands for every peer a forged record is offered to.
 */
export async function startRecordWitness(cast: Cast): Promise<RecordWitness> {
  const { keypair } = await cast.world.party('witness', 0)
  const refused: RecordWitness['refused'] = []
  const node = await SynktiNode.create({
    privateKey: await keypairFromBytes(keypair.secretKey),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: cast.providers.flatMap((p) => p.addrs.slice(0, 1)),
    dhtMode: 'server',
    onRecordRejected: (err, key) => refused.push({ name: err.name, key }),
  })
  cast.group.defer(() => node.stop())
  const market = cast.world.market.toBase58()
  return {
    node,
    addrs: node.multiaddrs,
    refused,
    async refusalFor(operator, timeoutMs, from = 0) {
      const key = providerRecordKeyString({ market, operator })
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = refused.slice(from).find((r) => r.key === key)
        if (found !== undefined) return found
        if (Date.now() > deadline) throw new Error(`the witness refused nothing under ${key} within ${timeoutMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    },
  }
}

import './node20.js'
import { setMaxListeners } from 'node:events'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type Identify, identify } from '@libp2p/identify'
import type { Ed25519PrivateKey, Libp2p, PeerId } from '@libp2p/interface'
import { type KadDHT, kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { type PingService, ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import type { Capability } from '@synkti/planner'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import { toString as bytesToString } from 'uint8arrays/to-string'
import type { ChainView } from './chain.js'
import {
  DEFAULT_BOOTSTRAP_RETRY_MS,
  DEFAULT_LISTEN_ADDRESSES,
  DEFAULT_LOG_IDLE_TIMEOUT_MS,
  DEFAULT_RECORD_TTL_S,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TRANSFER_IDLE_TIMEOUT_MS,
  DHT_KEY_PREFIX,
  KAD_PROTOCOL,
  PING_MAX_OUTBOUND_STREAMS,
} from './constants.js'
import { type CapabilityKey, capabilityCid, capabilityKeyString } from './discovery.js'
import { CapabilityMismatchError, InactiveOperatorError, PeerUnreachableError, RecordNotFoundError } from './errors.js'
import { peerIdToSolanaAddress, solanaAddressOf, solanaAddressToPeerId } from './identity.js'
import { ProtocolClient } from './protocols/client.js'
import { PROTOCOL_HANDLER } from './protocols/dispatch.js'
import { serveStream } from './protocols/server.js'
import type { ProtocolHandlers } from './protocols/types.js'
import { type Clock, signProviderRecord, systemClock, type VerifiedProviderRecord } from './record/codec.js'
import { providerRecordKey, providerRecordKeyString } from './record/key.js'
import { ReplayGuard } from './record/replay-guard.js'
import type { Load, ProviderRecord } from './record/schema.js'
import { createRecordChecker, providerRecordSelector } from './record/validator.js'

export interface SynktiNodeInit {
  /** the operator key (loadSolanaKeypair); it is also the libp2p identity */
  privateKey: Ed25519PrivateKey
  /** default: all interfaces, a random port */
  listen?: string[]
  /** addresses to advertise instead of the observed ones (e.g. behind NAT) */
  announce?: string[]
  /** multiaddrs (with `/p2p/<peer id>`) from config, dialled by join(); no public defaults */
  bootstrap?: string[]
  /** discover peers on the LAN by multicast DNS; off by default */
  mdns?: boolean
  /**
   * Networks exempt from libp2p's per-host inbound limits (5 new connections a second, 10
   * pending), as multiaddrs such as `/ip4/10.0.0.0/ipcidr/8`: for many nodes behind one address.
   */
  allow?: string[]
  /**
   * libp2p's connection monitor pings every connection every 10 s and aborts those that miss a
   * ping (default on). Many nodes packed into one process (benchmarks) turn it off: their
   * pings are late from event-loop lag, not from dead peers, and they cost O(connections).
   */
  connectionMonitor?: boolean
  /** while this node has no connection at all, redial the bootstrap list this often */
  bootstrapRetryMs?: number
  /** providers serve the DHT; consumers may be clients only. Default 'server'. */
  dhtMode?: 'server' | 'client'
  /** injected business logic; only protocols with a handler are served */
  handlers?: ProtocolHandlers
  /** optional on-chain check applied by discover() */
  chainView?: ChainView
  clock?: Clock
  requestTimeoutMs?: number
  logIdleTimeoutMs?: number
  /** longest a weights transfer may leave a frame untaken or unsent (default 30 s) */
  transferIdleTimeoutMs?: number
  onProtocolError?: (err: Error, protocol: string, remotePeer: PeerId) => void
  /** every DHT value this node's validator refused, with the key it came under */
  onRecordRejected?: (err: Error, key: string) => void
}

/** What a provider states about itself; `seq`, `expiresAt`, `operator` are filled in. */
export interface RecordStatement {
  market: string
  capability: Capability
  pricePerSecond: string | bigint
  load: Load
  /** default: this node's current multiaddrs */
  addresses?: string[]
  /** default DEFAULT_RECORD_TTL_S */
  ttlSeconds?: number
}

export interface DiscoveredProvider {
  peerId: PeerId
  record: VerifiedProviderRecord
}

export interface DiscoveryResult {
  providers: DiscoveredProvider[]
  /** candidates whose record could not be fetched, failed verification or the chain check */
  rejected: { peerId: PeerId; error: Error }[]
}

export interface DiscoverOptions {
  signal?: AbortSignal
  /** stop after this many candidates (default 20) */
  limit?: number
  /** run the ChainView check (default: when a ChainView was given) */
  checkChain?: boolean
}

type Services = { identify: Identify; ping: PingService; dht: KadDHT }

/** kad-dht's routing table as far as this node uses it: its size and its add/remove events. */
interface DhtRoutingTable {
  readonly size: number
  addEventListener(type: 'peer:add' | 'peer:remove', listener: () => void): void
  removeEventListener(type: 'peer:add' | 'peer:remove', listener: () => void): void
}

/**
 * A Synkti peer: libp2p over TCP + Noise + Yamux with identify, ping and the Synkti Kademlia
 * DHT, plus signed provider records, capability discovery and the direct protocols.
 */
export class SynktiNode implements AsyncDisposable {
  /** this node's operator address (base58), the same key as its peer id */
  readonly operator: string
  readonly protocols: ProtocolClient
  private lastSeq = 0
  private joinTimer: NodeJS.Timeout | undefined

  private constructor(
    readonly libp2p: Libp2p<Services>,
    private readonly init: SynktiNodeInit,
    private readonly clock: Clock,
    private readonly checkRecord: (key: Uint8Array, value: Uint8Array) => Promise<VerifiedProviderRecord>,
  ) {
    this.operator = solanaAddressOf(init.privateKey.publicKey)
    this.protocols = new ProtocolClient(libp2p, init.privateKey, clock, this.timeouts)
  }

  static async create(init: SynktiNodeInit): Promise<SynktiNode> {
    const clock = init.clock ?? systemClock
    const checkRecord = createRecordChecker({ clock, guard: new ReplayGuard() })
    const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = init.mdns === true ? [mdns()] : []
    const libp2p = await createLibp2p({
      privateKey: init.privateKey,
      addresses: { listen: init.listen ?? DEFAULT_LISTEN_ADDRESSES, announce: init.announce ?? [] },
      connectionManager: { allow: init.allow ?? [] },
      connectionMonitor: { enabled: init.connectionMonitor ?? true },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery,
      services: {
        identify: identify(),
        // libp2p's connection monitor and the DHT's keep-alive both ping; with ping's default of
        // one outbound stream a busy node aborts healthy connections as "ping failures".
        ping: ping({ maxOutboundStreams: PING_MAX_OUTBOUND_STREAMS }),
        dht: kadDHT({
          protocol: KAD_PROTOCOL,
          clientMode: init.dhtMode === 'client',
          validators: {
            [DHT_KEY_PREFIX]: async (key, value) => {
              try {
                await checkRecord(key, value)
              } catch (err) {
                init.onRecordRejected?.(err as Error, bytesToString(key))
                throw err
              }
            },
          },
          selectors: { [DHT_KEY_PREFIX]: providerRecordSelector },
          // A private network: LAN and loopback addresses are as good as public ones.
          peerInfoMapper: passthroughMapper,
          // A DHT server alone (the first node of a network, or one whose peers left) stores its
          // record and provider entry locally and returns, instead of waiting for a peer that may
          // never come; peers that connect later ask it directly. A client has nothing to store:
          // its queries wait for the peer it joined through (join() waits for one too).
          allowQueryWithZeroPeers: init.dhtMode !== 'client',
        }),
      },
    })
    const node = new SynktiNode(libp2p, init, clock, checkRecord)
    await node.serve()
    await node.join()
    node.keepJoined()
    return node
  }

  /**
   * Joins the network the Kademlia way: dial the bootstrap peers, then look up this node's own
   * id so the routing table fills with its neighbours (and they learn of it). Returns how many
   * bootstrap peers answered; zero is not an error (this may be the first node).
   */
  async join(options: { signal?: AbortSignal } = {}): Promise<number> {
    const list = this.init.bootstrap ?? []
    const signal = this.signal(options.signal)
    const dials = await Promise.allSettled(list.map((address) => this.connect(address, { signal })))
    const reached = dials.filter((d) => d.status === 'fulfilled').length
    if (reached > 0) {
      try {
        // a dialled peer enters the routing table once identify says it speaks the DHT
        await this.waitForDhtPeer(signal)
        for await (const _ of this.libp2p.services.dht.getClosestPeers(this.peerId.toMultihash().bytes, { signal })) {
          // drain: each peer met on the way is dialled and enters the routing table
        }
      } catch {
        // a partial lookup still filled part of the table; the DHT refreshes the rest itself
      }
    }
    return reached
  }

  /** Resolves once the routing table holds a peer (at once if it does); rejects when `signal` aborts. */
  private async waitForDhtPeer(signal: AbortSignal): Promise<void> {
    if (this.dhtPeers > 0) return
    const table = this.routingTable
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        table.removeEventListener('peer:add', done)
        signal.removeEventListener('abort', done)
        if (this.dhtPeers > 0) resolve()
        else reject(signal.reason)
      }
      table.addEventListener('peer:add', done)
      signal.addEventListener('abort', done)
    })
  }

  /** While this node has no connection at all, it rejoins (peers may not have been up yet). */
  private keepJoined(): void {
    if ((this.init.bootstrap ?? []).length === 0) return
    this.joinTimer = setInterval(() => {
      if (this.libp2p.getConnections().length === 0) this.join().catch(() => undefined)
    }, this.init.bootstrapRetryMs ?? DEFAULT_BOOTSTRAP_RETRY_MS)
    this.joinTimer.unref()
  }

  isStarted(): boolean {
    return this.libp2p.status === 'started'
  }

  get peerId(): PeerId {
    return this.libp2p.peerId
  }

  get multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((ma) => ma.toString())
  }

  /**
   * DHT servers in this node's routing table: those its record and capability announcements
   * reach. Zero means it is alone on the DHT: what it publishes stays on this node, where peers
   * that connect to it (a consumer by its bootstrap address) still find it.
   */
  get dhtPeers(): number {
    return this.routingTable.size
  }

  /** Peers this node holds a connection to (DHT servers, clients such as consumers, anyone). */
  get connectedPeers(): number {
    return this.libp2p.getPeers().length
  }

  /**
   * Calls `listener` with the new count whenever a DHT server enters or leaves the routing table;
   * returns the function that stops it.
   */
  onDhtPeersChange(listener: (dhtPeers: number) => void): () => void {
    const table = this.routingTable
    const changed = () => listener(this.dhtPeers)
    table.addEventListener('peer:add', changed)
    table.addEventListener('peer:remove', changed)
    return () => {
      table.removeEventListener('peer:add', changed)
      table.removeEventListener('peer:remove', changed)
    }
  }

  private get routingTable(): DhtRoutingTable {
    // kadDHT() builds a single DHT, whose routing table (an event target) its types leave out
    return (this.libp2p.services.dht as unknown as { routingTable: DhtRoutingTable }).routingTable
  }

  async stop(): Promise<void> {
    clearInterval(this.joinTimer)
    await this.libp2p.stop()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** Dials `address` (e.g. a bootstrap peer added later). */
  async connect(address: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.libp2p.dial(multiaddr(address), options)
  }

  // --- provider records -----------------------------------------------------------------------

  /**
   * Signs and stores this node's record for `statement.market`. The sequence number is the
   * current time in ms (and above the last one), so a restarted node with the same key
   * supersedes what it published before.
   */
  async publishRecord(
    statement: RecordStatement,
    options: { signal?: AbortSignal } = {},
  ): Promise<VerifiedProviderRecord> {
    const seq = Math.max(this.lastSeq + 1, Date.now())
    const record: ProviderRecord = {
      v: 1,
      market: statement.market,
      operator: this.operator,
      seq,
      expiresAt: this.clock() + (statement.ttlSeconds ?? DEFAULT_RECORD_TTL_S),
      capability: statement.capability,
      pricePerSecond: statement.pricePerSecond.toString(),
      addresses: statement.addresses ?? this.multiaddrs,
      load: statement.load,
    }
    const bytes = await signProviderRecord(this.init.privateKey, record)
    const verified = await this.putRecord(bytes, statement.market, this.operator, options)
    this.lastSeq = seq
    return verified
  }

  /**
   * Stores already-signed record bytes under `/synkti/provider/<market>/<operator>`, after the
   * same checks every DHT node applies (so a bad record fails here with its named error).
   */
  async putRecord(
    bytes: Uint8Array,
    market: string,
    operator: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<VerifiedProviderRecord> {
    const key = providerRecordKey({ market, operator })
    const verified = await this.checkRecord(key, bytes)
    for await (const _ of this.libp2p.services.dht.put(key, bytes, { signal: this.signal(options.signal) })) {
      // drain: put reports progress events; success is the local store plus the closest peers
    }
    return verified
  }

  /** The best valid record for an operator in a market, verified again here. */
  async getRecord(
    market: string,
    operator: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<VerifiedProviderRecord> {
    const key = providerRecordKey({ market, operator })
    let best: Uint8Array | undefined
    try {
      for await (const event of this.libp2p.services.dht.get(key, { signal: this.signal(options.signal) })) {
        if (event.name === 'VALUE') best = event.value
      }
    } catch (err) {
      if ((err as Error).name !== 'NotFoundError') throw err
    }
    if (best === undefined) throw new RecordNotFoundError(providerRecordKeyString({ market, operator }))
    return this.checkRecord(key, best)
  }

  // --- discovery ------------------------------------------------------------------------------

  /** Announces that this node offers `key` (content routing: provide on the key's CID). */
  async announce(key: CapabilityKey, options: { signal?: AbortSignal } = {}): Promise<void> {
    const cid = await capabilityCid(key)
    for await (const _ of this.libp2p.services.dht.provide(cid, { signal: this.signal(options.signal) })) {
      // drain
    }
  }

  /** Peers that announced `key`, without fetching their records. */
  async findCandidates(key: CapabilityKey, options: DiscoverOptions = {}): Promise<PeerId[]> {
    const cid = await capabilityCid(key)
    const limit = options.limit ?? 20
    const found = new Map<string, PeerId>()
    const signal = this.signal(options.signal)
    try {
      for await (const event of this.libp2p.services.dht.findProviders(cid, { signal })) {
        if (event.name !== 'PROVIDER') continue
        for (const provider of event.providers) {
          if (provider.multiaddrs.length > 0) {
            await this.libp2p.peerStore.merge(provider.id, { multiaddrs: provider.multiaddrs })
          }
          found.set(provider.id.toString(), provider.id)
        }
        if (found.size >= limit) break
      }
    } catch (err) {
      // a query that ran out of peers or time still returns what it found
      if (found.size === 0 && !signal.aborted) throw err
    }
    return [...found.values()].slice(0, limit)
  }

  /**
   * Finds providers of `key`, fetches and verifies each one's signed record, keeps those whose
   * record really offers the key's GPU model and region, and (optionally) those the chain says
   * are registered and active.
   */
  async discover(key: CapabilityKey, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
    const candidates = await this.findCandidates(key, options)
    const checkChain = options.checkChain ?? this.init.chainView !== undefined
    const settled = await Promise.all(
      candidates.map(async (peerId): Promise<DiscoveredProvider | { peerId: PeerId; error: Error }> => {
        try {
          const operator = peerIdToSolanaAddress(peerId)
          const record = await this.getRecord(key.market, operator, options)
          if (!offers(record.record, key)) {
            throw new CapabilityMismatchError(operator, capabilityKeyString(key))
          }
          if (checkChain && !(await this.init.chainView?.isActiveOperator(key.market, operator, options))) {
            throw new InactiveOperatorError(key.market, operator)
          }
          const addresses = record.record.addresses.flatMap((a) => tryMultiaddr(a))
          if (addresses.length > 0) await this.libp2p.peerStore.merge(peerId, { multiaddrs: addresses })
          return { peerId, record }
        } catch (err) {
          return { peerId, error: err instanceof Error ? err : new Error(String(err)) }
        }
      }),
    )
    const result: DiscoveryResult = { providers: [], rejected: [] }
    for (const entry of settled) {
      if ('record' in entry) result.providers.push(entry)
      else result.rejected.push(entry)
    }
    return result
  }

  /**
   * Round-trip time to `operator`, in ms: dials one of `addresses` (from its record) unless
   * already connected, then pings. A record outlives its node by up to its TTL; this tells a
   * live peer from a stale record before anything is offered to it.
   */
  async probe(operator: string, addresses: readonly string[], options: { signal?: AbortSignal } = {}): Promise<number> {
    const peerId = SynktiNode.peerIdOf(operator)
    const signal = this.signal(options.signal)
    try {
      if (this.libp2p.getConnections(peerId).length === 0) {
        await this.libp2p.peerStore.merge(peerId, { multiaddrs: addresses.map((a) => multiaddr(a)) })
      }
      return await this.libp2p.services.ping.ping(peerId, { signal })
    } catch (err) {
      throw new PeerUnreachableError(operator, { cause: err })
    }
  }

  /** The peer id of an operator address (same key). */
  static peerIdOf(operator: string): PeerId {
    return solanaAddressToPeerId(operator)
  }

  // --- direct protocols -----------------------------------------------------------------------

  private get timeouts() {
    return {
      timeoutMs: this.init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      logIdleTimeoutMs: this.init.logIdleTimeoutMs ?? DEFAULT_LOG_IDLE_TIMEOUT_MS,
      transferIdleTimeoutMs: this.init.transferIdleTimeoutMs ?? DEFAULT_TRANSFER_IDLE_TIMEOUT_MS,
    }
  }

  private async serve(): Promise<void> {
    const handlers = this.init.handlers ?? {}
    const serverInit = {
      key: this.init.privateKey,
      operator: this.operator,
      handlers,
      clock: this.clock,
      ...this.timeouts,
      onError: this.init.onProtocolError,
    }
    for (const [protocol, handlerName] of Object.entries(PROTOCOL_HANDLER)) {
      if (handlers[handlerName] === undefined) continue
      await this.libp2p.handle(protocol, ({ stream, connection }) => {
        void serveStream(serverInit, protocol, stream, connection.remotePeer)
      })
    }
  }

  private signal(signal: AbortSignal | undefined): AbortSignal {
    const deadline = AbortSignal.timeout(this.timeouts.timeoutMs)
    const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline])
    // one DHT query listens on its signal once per peer it contacts in parallel
    setMaxListeners(Number.POSITIVE_INFINITY, combined)
    return combined
  }
}

function offers(record: ProviderRecord, key: CapabilityKey): boolean {
  return (
    record.capability.gpu.model.toUpperCase() === key.gpuModel.toUpperCase() &&
    record.capability.region.toLowerCase() === key.region.toLowerCase()
  )
}

function tryMultiaddr(address: string) {
  try {
    return [multiaddr(address)]
  } catch {
    return []
  }
}

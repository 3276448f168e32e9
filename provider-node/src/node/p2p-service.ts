import { type ProtocolHandlers, SynktiNode } from '@synkti/p2p'
import type { HealthCheck, NetworkView } from '../api/index.js'
import type { NodeComponents, Startable } from './components.js'
import { NodeNotStartedError, P2pListenError, refusal } from './errors.js'

export interface P2pComponents extends Pick<NodeComponents, 'config' | 'privateKey' | 'log'> {
  /** the protocols this node serves, each answered by the service that owns it */
  handlers: ProtocolHandlers
}

/**
 * The libp2p node, with the operator key as its identity: the other services answer its
 * protocols (handlers) and use it to publish, discover and offer. Its own service so that the
 * node exists before anything is published over it and is stopped after everything that
 * talks over it.
 */
export class P2pService implements Startable {
  private started: SynktiNode | undefined

  constructor(private readonly components: P2pComponents) {}

  async start(): Promise<void> {
    const { config, privateKey, handlers, log } = this.components
    try {
      this.started = await SynktiNode.create({
        privateKey,
        listen: config.listen,
        announce: config.announce,
        bootstrap: config.bootstrap,
        handlers,
        onProtocolError: (err, protocol) => log({ event: 'protocol-error', protocol, error: refusal(err) }),
        // a peer that pushes a forged or malformed record into our part of the DHT is worth saying
        onRecordRejected: (err, key) => log({ event: 'record-rejected', key, error: refusal(err) }),
      })
    } catch (err) {
      if ((err as Error).name === 'UnsupportedListenAddressesError') {
        throw new P2pListenError(config.listen, undefined, { cause: err })
      }
      throw err
    }
  }

  /**
   * The P2P side of `/health` and the status page: where the node listens, whom it is connected
   * to, and whether anyone on the DHT holds its record (a lone node is degraded, not failing:
   * consumers that bootstrap to it still find it).
   */
  health(): HealthCheck[] {
    const node = this.started
    if (node === undefined || !node.isStarted()) {
      return [
        { name: 'p2p', ok: false, detail: 'the P2P node is not running' },
        { name: 'dht', ok: false, detail: 'the P2P node is not running' },
      ]
    }
    const addresses = node.multiaddrs
    const peers = node.connectedPeers
    const dhtPeers = node.dhtPeers
    const bootstrap = this.components.config.bootstrap
    const p2p: HealthCheck =
      addresses.length === 0
        ? { name: 'p2p', ok: false, detail: 'listening on no address' }
        : peers === 0
          ? {
              name: 'p2p',
              ok: true,
              degraded: true,
              detail:
                bootstrap.length === 0
                  ? `no peers: listening on ${addresses[0]}; nobody has connected yet (another provider joins with --bootstrap ${addresses[0]})`
                  : `no peers: none of the ${bootstrap.length} bootstrap peers answers (retried every few seconds)`,
            }
          : { name: 'p2p', ok: true, detail: `${peers} peer${peers === 1 ? '' : 's'} connected` }
    const dht: HealthCheck =
      dhtPeers === 0
        ? {
            name: 'dht',
            ok: true,
            degraded: true,
            detail:
              'no DHT peers: the record and capability announcement are kept on this node only (consumers bootstrapped to it still find it)',
          }
        : { name: 'dht', ok: true, detail: `${dhtPeers} DHT peer${dhtPeers === 1 ? '' : 's'} in the routing table` }
    return [p2p, dht]
  }

  /** Where the node listens and whom it reaches, for the status page; null before it started. */
  view(): NetworkView | null {
    const node = this.started
    if (node === undefined) return null
    return {
      peerId: node.peerId.toString(),
      addresses: node.multiaddrs,
      listen: [...this.components.config.listen],
      peers: node.connectedPeers,
      dhtPeers: node.dhtPeers,
    }
  }

  /** The running node; NodeNotStartedError before `start()`. */
  get node(): SynktiNode {
    if (this.started === undefined) throw new NodeNotStartedError('p2p')
    return this.started
  }

  /** The node once created, else undefined (the preflight's `peers` item, health). */
  get current(): SynktiNode | undefined {
    return this.started
  }

  async stop(): Promise<void> {
    await this.started?.stop()
  }
}

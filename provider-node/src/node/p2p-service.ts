import { type ProtocolHandlers, SynktiNode } from '@synkti/p2p'
import type { NodeComponents, Startable } from './components.js'
import { NodeNotStartedError, refusal } from './errors.js'

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

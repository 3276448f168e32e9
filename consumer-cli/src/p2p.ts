/**
 * The CLI's short-lived peer: a DHT client (it serves nothing and listens nowhere) that joins
 * through the configured bootstrap peers, and the way from an operator address to a dialable peer.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Keypair } from '@solana/web3.js'
import { keypairFromBytes, SynktiNode } from '@synkti/p2p'
import { CLI_LISTEN_ADDRESSES, P2P_TIMEOUT_MS } from './constants.js'
import { NoBootstrapError, PeersUnreachableError } from './errors.js'

type PeerId = ReturnType<typeof SynktiNode.peerIdOf>

/** Starts a client node with `identity` as its key; fails if no bootstrap peer answers. */
export async function startCliNode(identity: Keypair, bootstrap: string[]): Promise<SynktiNode> {
  if (bootstrap.length === 0) throw new NoBootstrapError()
  const node = await SynktiNode.create({
    privateKey: await keypairFromBytes(identity.secretKey),
    listen: CLI_LISTEN_ADDRESSES,
    bootstrap,
    dhtMode: 'client',
    requestTimeoutMs: P2P_TIMEOUT_MS,
    // a CLI run lasts seconds: no reason to keep probing connections
    connectionMonitor: false,
  })
  if (node.libp2p.getConnections().length === 0) {
    await node.stop()
    throw new PeersUnreachableError(bootstrap)
  }
  return node
}

/** Adds the addresses of a verified record to the peer store, so the operator can be dialled. */
export async function rememberAddresses(node: SynktiNode, operator: string, addresses: string[]): Promise<void> {
  const parsed = addresses.flatMap((a) => {
    try {
      return [multiaddr(a)]
    } catch {
      return []
    }
  })
  if (parsed.length > 0) await node.libp2p.peerStore.merge(SynktiNode.peerIdOf(operator), { multiaddrs: parsed })
}

/**
 * The peer of `operator`. Unless already connected, the addresses of its signed record in the
 * market are added first (a node that restarted has new ones); without a record, libp2p's peer
 * routing (the DHT) looks the peer up when it is dialled.
 */
export async function resolvePeer(node: SynktiNode, market: string, operator: string): Promise<PeerId> {
  const peer = SynktiNode.peerIdOf(operator)
  if (node.libp2p.getConnections(peer).length > 0) return peer
  try {
    const { record } = await node.getRecord(market, operator)
    await rememberAddresses(node, operator, record.addresses)
  } catch {
    // no (valid) record: the dial itself reports whether the peer is reachable
  }
  return peer
}

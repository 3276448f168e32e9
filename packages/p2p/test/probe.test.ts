import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SynktiNode } from '../src/index.js'
import { startNetwork, type TestNetwork } from './helpers.js'

describe('probing a peer named by a record', () => {
  let net: TestNetwork

  beforeAll(async () => {
    net = await startNetwork(2)
  })
  afterAll(async () => net.stop())

  it('measures the round trip to a live peer, dialling the addresses from its record', async () => {
    const [prober] = net.nodes as [SynktiNode]
    const fresh = await net.add()
    // not connected: the probe dials before it pings
    await prober.libp2p.hangUp(fresh.peerId)
    const rtt = await prober.probe(fresh.operator, fresh.multiaddrs)
    expect(rtt).toBeGreaterThanOrEqual(0)
    expect(rtt).toBeLessThan(5_000)
    expect(prober.libp2p.getConnections(fresh.peerId).length).toBeGreaterThan(0)
  })

  it('names a peer whose node is gone (its record outlived it) as unreachable', async () => {
    const [prober] = net.nodes as [SynktiNode]
    const gone = await net.add()
    const { operator, multiaddrs } = gone
    await gone.stop()
    const err = await prober.probe(operator, multiaddrs, { signal: AbortSignal.timeout(3_000) }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).name).toBe('PeerUnreachableError')
    expect((err as Error).message).toContain(operator)
  })
})

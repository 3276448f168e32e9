import type { Ed25519PrivateKey } from '@libp2p/interface'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ProviderRecord,
  providerRecordKey,
  type SynktiNode,
  signProviderRecord,
  systemClock,
} from '../src/index.js'
import { capability, newAddress, startNetwork, type TestNetwork, waitFor } from './helpers.js'

const load = { jobs: 0, gpuUtilization: 0.1 }

describe('provider records on the Synkti DHT', () => {
  let net: TestNetwork
  let market: string
  const rejected: { node: number; name: string; key: string }[] = []

  beforeAll(async () => {
    market = await newAddress()
    net = await startNetwork(6, (i) => ({
      onRecordRejected: (err, key) => rejected.push({ node: i, name: err.name, key }),
    }))
  })
  afterAll(async () => net.stop())

  const provider = () => net.nodes[1] as SynktiNode
  const reader = () => net.nodes[4] as SynktiNode
  const attacker = () => net.nodes[5] as SynktiNode

  it('puts a record on one node and gets it, verified, from another', async () => {
    const published = await provider().publishRecord({ market, capability: capability(), pricePerSecond: 1500n, load })
    const got = await reader().getRecord(market, provider().operator)
    expect(got.record).toEqual(published.record)
    expect(got.record.pricePerSecond).toBe('1500')
    expect(got.record.addresses).toEqual(provider().multiaddrs)
  })

  it('an update (higher sequence) replaces the record everywhere it is read', async () => {
    const before = await reader().getRecord(market, provider().operator)
    const updated = await provider().publishRecord({
      market,
      capability: capability({ cachedModels: ['llama-3-70b', 'mixtral-8x7b'] }),
      pricePerSecond: '1200',
      load: { jobs: 2, gpuUtilization: 0.7 },
    })
    expect(updated.record.seq).toBeGreaterThan(before.record.seq)
    for (const node of net.nodes) {
      const got = await node.getRecord(market, provider().operator)
      expect(got.record.seq).toBe(updated.record.seq)
      expect(got.record.load.jobs).toBe(2)
    }
  })

  it('throws RecordNotFoundError for an operator that never published', async () => {
    await expect(reader().getRecord(market, await newAddress())).rejects.toMatchObject({ name: 'RecordNotFoundError' })
  })

  /**
   * A bad value pushed straight into kad-dht (bypassing the publisher's own checks) is refused by
   * the other nodes' validators with its named error, and readers still get the honest record.
   */
  describe('a hostile node writing raw DHT values', () => {
    let honest: ProviderRecord
    let honestOld: Uint8Array

    beforeAll(async () => {
      const first = await provider().publishRecord({ market, capability: capability(), pricePerSecond: 1n, load })
      honestOld = first.bytes
      honest = (await provider().publishRecord({ market, capability: capability(), pricePerSecond: 2n, load })).record
    })

    async function rawPut(value: Uint8Array, operator = provider().operator): Promise<void> {
      rejected.length = 0
      const key = providerRecordKey({ market, operator })
      for await (const _ of attacker().libp2p.services.dht.put(key, value)) {
        // drain
      }
    }

    async function expectRefused(name: string): Promise<void> {
      await waitFor(() => rejected.some((r) => r.name === name && r.node !== 5), { what: `a ${name} rejection` })
      const got = await reader().getRecord(market, provider().operator)
      expect(got.record.seq).toBe(honest.seq)
    }

    it('forged: body altered after signing → ForgedRecordError', async () => {
      const signed = JSON.parse(new TextDecoder().decode(honestOld))
      signed.record.pricePerSecond = '0'
      signed.record.seq = honest.seq + 1000
      await rawPut(new TextEncoder().encode(JSON.stringify(signed)))
      await expectRefused('ForgedRecordError')
    })

    it("wrong key: the attacker's own valid record under the victim's key → WrongKeyError", async () => {
      const own = await signProviderRecord(net.keys[5] as Ed25519PrivateKey, {
        ...honest,
        operator: attacker().operator,
        seq: honest.seq + 1000,
      })
      await rawPut(own)
      await expectRefused('WrongKeyError')
    })

    it('oversized: more than 4 KiB → OversizedRecordError', async () => {
      await rawPut(new Uint8Array(5000).fill(0x20))
      await expectRefused('OversizedRecordError')
    })

    it('expired: a validly signed record past its expiry → ExpiredRecordError', async () => {
      const expired = await signProviderRecord(net.keys[1] as Ed25519PrivateKey, {
        ...honest,
        seq: honest.seq + 1000,
        expiresAt: systemClock() - 1,
      })
      await rawPut(expired)
      await expectRefused('ExpiredRecordError')
    })

    it('malformed: not a record → MalformedRecordError', async () => {
      await rawPut(new TextEncoder().encode('{"record":{"v":2},"signature":"AA=="}'))
      await expectRefused('MalformedRecordError')
    })

    it('replayed: an older record of the same operator → StaleRecordError', async () => {
      await rawPut(honestOld)
      await expectRefused('StaleRecordError')
    })
  })
})

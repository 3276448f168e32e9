import { MAX_CACHED_MODELS } from '@synkti/p2p'
import { describe, expect, it } from 'vitest'
import { nodeRecord } from '../../src/node/record.js'
import { capabilityWithWeights } from '../../src/node/weights.js'
import { capability } from '../support/nodes.js'

const sha = (n: number) => n.toString(16).padStart(64, '0')

describe("the node's cached weights in what it states", () => {
  it('adds each cached hash to cachedModels as sha256:<hex>, after the declared names, within the record limit', () => {
    const declared = capability({ cachedModels: ['org/named'] })
    expect(capabilityWithWeights(declared, [sha(1), sha(2)]).cachedModels).toEqual([
      'org/named',
      `sha256:${sha(1)}`,
      `sha256:${sha(2)}`,
    ])
    expect(capabilityWithWeights(declared, []).cachedModels).toEqual(['org/named'])
    const many = Array.from({ length: 40 }, (_, i) => sha(i))
    const capped = capabilityWithWeights(declared, many).cachedModels
    expect(capped).toHaveLength(MAX_CACHED_MODELS)
    expect(capped[0]).toBe('org/named')
  })

  it('the signed record carries them; the declaration itself is unchanged', () => {
    const config = {
      market: 'Mkt1111111111111111111111111111111111111111',
      provider: 'Prv1111111111111111111111111111111111111111',
      capability: capability(),
      pricePerSecond: '1000',
    }
    const record = nodeRecord({
      config,
      operator: 'Op11111111111111111111111111111111111111111',
      addresses: [],
      jobs: 0,
      usedVramGb: 0,
      seq: 1,
      now: 1_790_000_000,
      cachedWeights: [sha(7)],
    })
    expect(record.capability.cachedModels).toEqual([`sha256:${sha(7)}`])
    expect(config.capability.cachedModels).toEqual([])
  })
})

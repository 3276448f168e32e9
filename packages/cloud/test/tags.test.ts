import { describe, expect, it } from 'vitest'
import {
  assertClusterName,
  awsClusterFilters,
  awsTags,
  hetznerLabelSelector,
  hetznerLabels,
  ovhName,
  ownedByLabels,
  parseOvhName,
  tagsToRecord,
} from '../src/index.js'

describe('cluster names', () => {
  it('accepts DNS-label names and rejects the rest with InvalidClusterNameError', () => {
    expect(assertClusterName('gpu-eu-1')).toBe('gpu-eu-1')
    for (const bad of ['', 'Upper', '-lead', 'trail-', 'has.dot', 'a'.repeat(33), 'sp ace']) {
      expect(() => assertClusterName(bad)).toThrow(expect.objectContaining({ name: 'InvalidClusterNameError' }))
    }
  })
})

describe('AWS tags', () => {
  it('tags every resource with cluster, role and Name, and filters on cluster (and role)', () => {
    expect(tagsToRecord(awsTags('c1', 'worker', 'n'))).toEqual({
      'synkti:cluster': 'c1',
      'synkti:role': 'worker',
      Name: 'n',
    })
    expect(awsClusterFilters('c1')).toEqual([{ Name: 'tag:synkti:cluster', Values: ['c1'] }])
    expect(awsClusterFilters('c1', 'firewall')).toContainEqual({ Name: 'tag:synkti:role', Values: ['firewall'] })
  })
})

describe('Hetzner labels', () => {
  it('uses slash keys (colons are not valid label keys) and an equality selector', () => {
    expect(hetznerLabels('c1', 'ssh-key')).toEqual({ 'synkti/cluster': 'c1', 'synkti/role': 'ssh-key' })
    expect(hetznerLabelSelector('c1')).toBe('synkti/cluster==c1')
    expect(hetznerLabelSelector('c1', 'worker')).toBe('synkti/cluster==c1,synkti/role==worker')
  })

  it('owns exactly the resources labelled with the same cluster', () => {
    expect(ownedByLabels(hetznerLabels('c1', 'worker'), 'c1')).toBe(true)
    expect(ownedByLabels(hetznerLabels('c10', 'worker'), 'c1')).toBe(false)
    expect(ownedByLabels({}, 'c1')).toBe(false)
    expect(ownedByLabels(undefined, 'c1')).toBe(false)
  })
})

describe('OVH names', () => {
  it('round-trips cluster and role through the name', () => {
    expect(parseOvhName(ovhName('c1', 'worker', 'ab12'))).toEqual({ cluster: 'c1', role: 'worker', suffix: 'ab12' })
  })

  it('ignores names Synkti did not create', () => {
    for (const name of [
      'web-1',
      'synkti.c1',
      'synkti.c1.worker',
      'synkti.c1.admin.x',
      'other.c1.worker.x',
      'synkti.C1.worker.x',
    ]) {
      expect(parseOvhName(name)).toBeUndefined()
    }
  })
})

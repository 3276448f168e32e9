import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  classifyDmi,
  parseHetznerMetadata,
  parseIdentityDocument,
  parseInstanceAction,
  parseLifecycle,
  parseOpenStackMetadata,
  parseRebalance,
  readDmi,
} from '../src/index.js'

const invalid = expect.objectContaining({ name: 'InvalidMetadataError' })

describe('AWS identity document', () => {
  const doc = {
    accountId: '123456789012',
    architecture: 'x86_64',
    availabilityZone: 'eu-central-1b',
    imageId: 'ami-0abc',
    instanceId: 'i-0123',
    instanceType: 'g5.xlarge',
    pendingTime: '2026-01-01T00:00:00Z',
    privateIp: '10.0.0.5',
    region: 'eu-central-1',
    version: '2017-09-30',
  }

  it('reads instance, type, region and zone', () => {
    expect(parseIdentityDocument(JSON.stringify(doc))).toEqual({
      instanceId: 'i-0123',
      instanceType: 'g5.xlarge',
      region: 'eu-central-1',
      zone: 'eu-central-1b',
      accountId: '123456789012',
      imageId: 'ami-0abc',
    })
  })

  it('names the missing field and rejects non-JSON', () => {
    const { region: _r, ...noRegion } = doc
    expect(() => parseIdentityDocument(JSON.stringify(noRegion))).toThrow(/field region is missing/)
    expect(() => parseIdentityDocument('<html>')).toThrow(invalid)
    expect(() => parseIdentityDocument('[]')).toThrow(invalid)
  })

  it('maps the life-cycle to spot or on-demand', () => {
    expect(parseLifecycle('spot')).toBe('spot')
    expect(parseLifecycle('on-demand\n')).toBe('on-demand')
    expect(parseLifecycle('scheduled')).toBe('on-demand')
    expect(() => parseLifecycle('reserved?')).toThrow(invalid)
  })
})

describe('spot notices', () => {
  it('parses an instance-action and rejects unknown actions and bad times', () => {
    const parsed = parseInstanceAction('{"action": "stop", "time": "2026-11-23T05:00:00Z"}')
    expect(parsed.action).toBe('stop')
    expect(parsed.at.toISOString()).toBe('2026-11-23T05:00:00.000Z')
    expect(() => parseInstanceAction('{"action": "reboot", "time": "2026-11-23T05:00:00Z"}')).toThrow(invalid)
    expect(() => parseInstanceAction('{"action": "terminate", "time": "soon"}')).toThrow(/bad time/)
  })

  it('parses a rebalance recommendation', () => {
    expect(parseRebalance('{"noticeTime": "2026-11-23T04:58:00Z"}').noticeAt.getTime()).toBe(
      Date.parse('2026-11-23T04:58:00Z'),
    )
    expect(() => parseRebalance('{}')).toThrow(/noticeTime/)
  })
})

describe('Hetzner metadata (YAML)', () => {
  const yaml = [
    'availability-zone: fsn1-dc14',
    'hostname: worker-1',
    'instance-id: 42424242',
    'local-ipv4: ""',
    'public-ipv4: 203.0.113.9',
    'region: eu-central',
    'public-keys:',
    '- ssh-ed25519 AAAA... me',
    'vendor_data: "#cloud-config\\n"',
  ].join('\n')

  it('reads id, hostname, region and datacenter', () => {
    expect(parseHetznerMetadata(yaml)).toEqual({
      instanceId: '42424242',
      hostname: 'worker-1',
      region: 'eu-central',
      zone: 'fsn1-dc14',
      publicIpv4: '203.0.113.9',
    })
  })

  it('rejects a document without instance-id', () => {
    expect(() => parseHetznerMetadata('hostname: x\nregion: eu-central\navailability-zone: a')).toThrow(/instance-id/)
    expect(() => parseHetznerMetadata('- a list')).toThrow(invalid)
  })
})

describe('OpenStack meta_data.json', () => {
  it('reads uuid, hostname, zone and project', () => {
    const doc = {
      uuid: '7b3c-uuid',
      hostname: 'w1.novalocal',
      name: 'synkti.c1.worker.ab',
      availability_zone: 'nova',
      project_id: 'p1',
      meta: {},
    }
    expect(parseOpenStackMetadata(JSON.stringify(doc))).toEqual({
      instanceId: '7b3c-uuid',
      hostname: 'w1.novalocal',
      name: 'synkti.c1.worker.ab',
      zone: 'nova',
      projectId: 'p1',
    })
    expect(() => parseOpenStackMetadata('{"hostname": "x"}')).toThrow(/uuid/)
  })
})

describe('DMI', () => {
  it('classifies vendor strings of each cloud, and none for a workstation', () => {
    expect(classifyDmi({ sysVendor: 'Amazon EC2', productName: 'g5.xlarge' })).toBe('aws')
    expect(classifyDmi({ sysVendor: 'Hetzner', productName: 'vServer' })).toBe('hetzner')
    expect(classifyDmi({ sysVendor: 'OpenStack Foundation', productName: 'OpenStack Nova' })).toBe('openstack')
    expect(classifyDmi({ sysVendor: 'LENOVO', productName: '21CB', boardVendor: 'LENOVO' })).toBeUndefined()
    expect(classifyDmi({})).toBeUndefined()
  })

  it('reads the strings from an injectable root, trimming and skipping absent files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dmi-'))
    writeFileSync(join(root, 'sys_vendor'), 'Hetzner\n')
    writeFileSync(join(root, 'product_name'), 'vServer\n')
    expect(await readDmi(root)).toEqual({ sysVendor: 'Hetzner', productName: 'vServer' })
    expect(await readDmi(join(root, 'nope'))).toEqual({})
  })
})

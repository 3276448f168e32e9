import { describe, expect, it } from 'vitest'
import { type CloudAdapter, ec2State, runInstancesInput, validatePlan } from '../src/index.js'

const adapter = (cloud: CloudAdapter['cloud'], spot: boolean, firewall: boolean) => ({
  cloud,
  capabilities: { spot, firewall },
})
const machine = { instanceType: 'cx22', image: 'ubuntu-24.04', userData: '#cloud-config\n' }

describe('validatePlan', () => {
  it('accepts a plan the cloud can carry out', () => {
    expect(() =>
      validatePlan(adapter('aws', true, true), {
        firewall: { ingress: [] },
        machines: [{ ...machine, market: { kind: 'spot' } }],
      }),
    ).not.toThrow()
  })

  it('names each problem before anything is created', () => {
    const named = (name: string) => expect.objectContaining({ name })
    expect(() => validatePlan(adapter('aws', true, true), { machines: [] })).toThrow(named('InvalidPlanError'))
    expect(() =>
      validatePlan(adapter('hetzner', false, true), { machines: [{ ...machine, market: { kind: 'spot' } }] }),
    ).toThrow(named('SpotUnavailableError'))
    expect(() =>
      validatePlan(adapter('ovh', false, false), { firewall: { ingress: [] }, machines: [machine] }),
    ).toThrow(named('UnsupportedFeatureError'))
    expect(() =>
      validatePlan(adapter('aws', true, true), {
        machines: [{ ...machine, market: { kind: 'spot', maxPricePerHour: '$1' } }],
      }),
    ).toThrow(named('InvalidPlanError'))
    expect(() => validatePlan(adapter('aws', true, true), { machines: [{ ...machine, userData: '' }] })).toThrow(
      named('InvalidPlanError'),
    )
  })
})

describe('EC2 RunInstances input', () => {
  it('asks for one-time spot that terminates on interruption, with the max price', () => {
    const input = runInstancesInput('c1', 'synkti-c1-worker-x', {
      ...machine,
      instanceType: 'g5.xlarge',
      zone: 'eu-central-1a',
      market: { kind: 'spot', maxPricePerHour: '0.55' },
      firewallIds: ['sg-1'],
      sshKeyId: 'k1',
    })
    expect(input.InstanceMarketOptions).toEqual({
      MarketType: 'spot',
      SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate', MaxPrice: '0.55' },
    })
    expect(input.Placement).toEqual({ AvailabilityZone: 'eu-central-1a' })
    expect(input.SecurityGroupIds).toEqual(['sg-1'])
    expect(input.KeyName).toBe('k1')
    expect(Buffer.from(input.UserData ?? '', 'base64').toString()).toBe('#cloud-config\n')
    expect(input.TagSpecifications?.map((t) => t.ResourceType)).toEqual(['instance', 'volume'])
  })

  it('has no market options on demand', () => {
    expect(runInstancesInput('c1', 'n', machine).InstanceMarketOptions).toBeUndefined()
  })

  it('maps EC2 states, shutting-down as terminating', () => {
    expect(ec2State('shutting-down')).toBe('terminating')
    expect(ec2State('running')).toBe('running')
    expect(ec2State('weird')).toBe('unknown')
  })
})

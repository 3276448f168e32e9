import type { Instance, InstanceStateName, RunInstancesCommandInput } from '@aws-sdk/client-ec2'
import { AWS_TAG_CLUSTER, AWS_TAG_ROLE } from '../constants.js'
import { awsTags, isRole, tagsToRecord } from '../tags.js'
import type { LaunchSpec, Machine, MachineState } from '../types.js'

const STATES: Record<InstanceStateName, MachineState> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminating',
  terminated: 'terminated',
}

export function ec2State(name: string | undefined): MachineState {
  return STATES[name as InstanceStateName] ?? 'unknown'
}

/** RunInstances input for one worker: tagged at creation (instance and its volumes), one-time spot when asked. */
export function runInstancesInput(cluster: string, name: string, spec: LaunchSpec): RunInstancesCommandInput {
  const tags = awsTags(cluster, 'worker', name)
  const market = spec.market ?? { kind: 'on-demand' }
  return {
    ImageId: spec.image,
    InstanceType: spec.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    UserData: Buffer.from(spec.userData, 'utf8').toString('base64'),
    ...(spec.zone === undefined ? {} : { Placement: { AvailabilityZone: spec.zone } }),
    ...(spec.sshKeyId === undefined ? {} : { KeyName: spec.sshKeyId }),
    ...(spec.firewallIds === undefined ? {} : { SecurityGroupIds: spec.firewallIds }),
    ...(market.kind === 'spot'
      ? {
          InstanceMarketOptions: {
            MarketType: 'spot',
            SpotOptions: {
              // one-time + terminate: a preempted worker is cattle, a replacement is planned elsewhere.
              SpotInstanceType: 'one-time',
              InstanceInterruptionBehavior: 'terminate',
              ...(market.maxPricePerHour === undefined ? {} : { MaxPrice: market.maxPricePerHour }),
            },
          },
        }
      : {}),
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
  }
}

export function machineFromInstance(instance: Instance, region: string): Machine {
  const tags = tagsToRecord(instance.Tags)
  const role = tags[AWS_TAG_ROLE]
  return {
    cloud: 'aws',
    id: instance.InstanceId ?? '',
    name: tags.Name ?? instance.InstanceId ?? '',
    cluster: tags[AWS_TAG_CLUSTER] ?? '',
    role: isRole(role) ? role : 'worker',
    instanceType: instance.InstanceType ?? '',
    region,
    ...(instance.Placement?.AvailabilityZone ? { zone: instance.Placement.AvailabilityZone } : {}),
    state: ec2State(instance.State?.Name),
    spot: instance.InstanceLifecycle === 'spot',
    ...(instance.PublicIpAddress ? { publicIp: instance.PublicIpAddress } : {}),
  }
}

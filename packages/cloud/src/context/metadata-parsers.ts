import { parse as parseYaml } from 'yaml'
import { InvalidMetadataError } from '../errors.js'

export interface AwsIdentity {
  instanceId: string
  instanceType: string
  region: string
  zone: string
  accountId: string
  imageId: string
}

function record(source: string, text: string, parse: (t: string) => unknown): Record<string, unknown> {
  let value: unknown
  try {
    value = parse(text)
  } catch (err) {
    throw new InvalidMetadataError(source, `not parseable: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidMetadataError(source, 'expected an object')
  }
  return value as Record<string, unknown>
}

function field(source: string, doc: Record<string, unknown>, key: string): string {
  const v = doc[key]
  if (typeof v === 'string' && v !== '') return v
  if (typeof v === 'number') return String(v)
  throw new InvalidMetadataError(source, `field ${key} is missing`)
}

/** `/latest/dynamic/instance-identity/document` (EC2 user guide, "Instance identity documents"). */
export function parseIdentityDocument(text: string): AwsIdentity {
  const source = 'aws instance-identity document'
  const doc = record(source, text, JSON.parse)
  return {
    instanceId: field(source, doc, 'instanceId'),
    instanceType: field(source, doc, 'instanceType'),
    region: field(source, doc, 'region'),
    zone: field(source, doc, 'availabilityZone'),
    accountId: field(source, doc, 'accountId'),
    imageId: field(source, doc, 'imageId'),
  }
}

/** `/latest/meta-data/instance-life-cycle`: `spot`, `on-demand`, `scheduled` or `capacity-block`. */
export function parseLifecycle(text: string): 'spot' | 'on-demand' {
  const value = text.trim()
  if (value === 'spot') return 'spot'
  if (value === 'on-demand' || value === 'scheduled' || value === 'capacity-block') return 'on-demand'
  throw new InvalidMetadataError('aws instance-life-cycle', `unknown value ${JSON.stringify(value)}`)
}

export interface HetznerIdentity {
  instanceId: string
  hostname: string
  /** Network zone, e.g. `eu-central`. */
  region: string
  /** Datacenter, e.g. `fsn1-dc14`. */
  zone: string
  publicIpv4?: string
}

/** Hetzner's `/hetzner/v1/metadata`: a YAML document (hostname, instance-id, region, availability-zone, ...). */
export function parseHetznerMetadata(text: string): HetznerIdentity {
  const source = 'hetzner metadata'
  const doc = record(source, text, (t) => parseYaml(t))
  const ip = doc['public-ipv4']
  return {
    instanceId: field(source, doc, 'instance-id'),
    hostname: field(source, doc, 'hostname'),
    region: field(source, doc, 'region'),
    zone: field(source, doc, 'availability-zone'),
    ...(typeof ip === 'string' && ip !== '' ? { publicIpv4: ip } : {}),
  }
}

export interface OpenStackIdentity {
  instanceId: string
  hostname: string
  name: string
  zone: string
  projectId?: string
}

/** OpenStack's `/openstack/latest/meta_data.json` (what OVHcloud Public Cloud instances serve). */
export function parseOpenStackMetadata(text: string): OpenStackIdentity {
  const source = 'openstack meta_data.json'
  const doc = record(source, text, JSON.parse)
  const project = doc.project_id
  return {
    instanceId: field(source, doc, 'uuid'),
    hostname: field(source, doc, 'hostname'),
    name: field(source, doc, 'name'),
    zone: field(source, doc, 'availability_zone'),
    ...(typeof project === 'string' ? { projectId: project } : {}),
  }
}

export type InterruptionAction = 'terminate' | 'stop' | 'hibernate'

/** `/latest/meta-data/spot/instance-action`: `{"action": "terminate", "time": "2017-09-18T08:22:00Z"}`. */
export function parseInstanceAction(text: string): { action: InterruptionAction; at: Date } {
  const source = 'aws spot/instance-action'
  const doc = record(source, text, JSON.parse)
  const action = field(source, doc, 'action')
  if (action !== 'terminate' && action !== 'stop' && action !== 'hibernate') {
    throw new InvalidMetadataError(source, `unknown action ${JSON.stringify(action)}`)
  }
  return { action, at: parseTime(source, field(source, doc, 'time')) }
}

/** `/latest/meta-data/events/recommendations/rebalance`: `{"noticeTime": "2020-10-27T08:22:00Z"}`. */
export function parseRebalance(text: string): { noticeAt: Date } {
  const source = 'aws events/recommendations/rebalance'
  const doc = record(source, text, JSON.parse)
  return { noticeAt: parseTime(source, field(source, doc, 'noticeTime')) }
}

function parseTime(source: string, value: string): Date {
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) throw new InvalidMetadataError(source, `bad time ${JSON.stringify(value)}`)
  return at
}

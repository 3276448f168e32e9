import {
  AWS_TAG_CLUSTER,
  AWS_TAG_ROLE,
  CLUSTER_NAME_PATTERN,
  HETZNER_LABEL_CLUSTER,
  HETZNER_LABEL_ROLE,
  OVH_NAME_PREFIX,
} from './constants.js'
import { InvalidClusterNameError } from './errors.js'
import type { ResourceRole } from './types.js'

const ROLES: readonly ResourceRole[] = ['worker', 'firewall', 'ssh-key']

export function assertClusterName(cluster: string): string {
  if (!CLUSTER_NAME_PATTERN.test(cluster)) throw new InvalidClusterNameError(cluster)
  return cluster
}

export function isRole(value: string | undefined): value is ResourceRole {
  return value !== undefined && (ROLES as readonly string[]).includes(value)
}

/** EC2 tags for one resource of the cluster. */
export function awsTags(cluster: string, role: ResourceRole, name: string): { Key: string; Value: string }[] {
  return [
    { Key: AWS_TAG_CLUSTER, Value: cluster },
    { Key: AWS_TAG_ROLE, Value: role },
    { Key: 'Name', Value: name },
  ]
}

/** DescribeInstances/DescribeSecurityGroups/DescribeKeyPairs filters that select exactly the cluster's resources. */
export function awsClusterFilters(cluster: string, role?: ResourceRole): { Name: string; Values: string[] }[] {
  const filters = [{ Name: `tag:${AWS_TAG_CLUSTER}`, Values: [cluster] }]
  if (role !== undefined) filters.push({ Name: `tag:${AWS_TAG_ROLE}`, Values: [role] })
  return filters
}

export function tagsToRecord(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? ''
  return out
}

export function hetznerLabels(cluster: string, role: ResourceRole): Record<string, string> {
  return { [HETZNER_LABEL_CLUSTER]: cluster, [HETZNER_LABEL_ROLE]: role }
}

/** Hetzner `label_selector` query value (`k==v,k2==v2`, see the API's "Label Selector" section). */
export function hetznerLabelSelector(cluster: string, role?: ResourceRole): string {
  const parts = [`${HETZNER_LABEL_CLUSTER}==${cluster}`]
  if (role !== undefined) parts.push(`${HETZNER_LABEL_ROLE}==${role}`)
  return parts.join(',')
}

/** Whether a label set marks a resource as the cluster's (a second check on what the API filtered). */
export function ownedByLabels(labels: Record<string, string> | undefined, cluster: string): boolean {
  return labels?.[HETZNER_LABEL_CLUSTER] === cluster
}

/** Resource name on clouds with names only: `synkti.<cluster>.<role>.<suffix>`. */
export function ovhName(cluster: string, role: ResourceRole, suffix: string): string {
  return [OVH_NAME_PREFIX, cluster, role, suffix].join('.')
}

export type ParsedOvhName = { cluster: string; role: ResourceRole; suffix: string }

/** Inverse of ovhName(); undefined for any name Synkti did not create. */
export function parseOvhName(name: string): ParsedOvhName | undefined {
  const [prefix, cluster, role, ...rest] = name.split('.')
  if (prefix !== OVH_NAME_PREFIX || cluster === undefined || !CLUSTER_NAME_PATTERN.test(cluster)) return undefined
  if (!isRole(role) || rest.length === 0) return undefined
  return { cluster, role, suffix: rest.join('.') }
}

/** Short random suffix so that names are unique within a cluster. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 8).padEnd(6, '0')
}

export function resourceName(cluster: string, role: ResourceRole, suffix?: string): string {
  return `synkti-${cluster}-${role}-${suffix ?? randomSuffix()}`
}

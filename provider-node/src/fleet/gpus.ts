import type { CloudKind } from '@synkti/cloud'
import type { Capability } from '@synkti/planner'
import { UnknownGpuInstanceTypeError } from './errors.js'

export type GpuSpec = Capability['gpu']

/**
 * GPUs of common GPU instance types, from the clouds' instance type pages (AWS "Accelerated
 * computing" G4dn/G5/G6/G6e/P4/P5; OVHcloud Public Cloud GPU flavors). Hetzner Cloud sells no GPU
 * servers. A type not listed needs --gpu/--vram: a wrong guess would be advertised on chain.
 */
const AWS_FAMILIES: Record<string, { model: string; vramGb: number; counts: Record<string, number> }> = {
  g4dn: { model: 'T4', vramGb: 16, counts: { '12xlarge': 4, metal: 8 } },
  g5: { model: 'A10G', vramGb: 24, counts: { '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 } },
  g6: { model: 'L4', vramGb: 24, counts: { '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 } },
  g6e: { model: 'L40S', vramGb: 48, counts: { '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 } },
}
const AWS_SINGLE: Record<string, GpuSpec> = {
  'p4d.24xlarge': { model: 'A100', count: 8, vramGb: 40 },
  'p4de.24xlarge': { model: 'A100', count: 8, vramGb: 80 },
  'p5.48xlarge': { model: 'H100', count: 8, vramGb: 80 },
}
const AWS_ONE_GPU_SIZES = new Set(['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge'])

/** OVH flavors are `<gpu>-<ram>`; the RAM step says how many GPUs (l4-90 one, l4-180 two, ...). */
const OVH_FLAVORS: Record<string, { model: string; vramGb: number; counts: Record<string, number> }> = {
  l4: { model: 'L4', vramGb: 24, counts: { '90': 1, '180': 2, '360': 4 } },
  l40s: { model: 'L40S', vramGb: 48, counts: { '90': 1, '180': 2, '360': 4 } },
  a100: { model: 'A100', vramGb: 80, counts: { '180': 1, '360': 2, '720': 4 } },
  h100: { model: 'H100', vramGb: 80, counts: { '380': 1, '760': 2, '1520': 4 } },
}

/** The GPUs of an instance type, when known. */
export function knownGpus(cloud: CloudKind, instanceType: string): GpuSpec | undefined {
  if (cloud === 'aws') {
    const single = AWS_SINGLE[instanceType]
    if (single !== undefined) return single
    const [family = '', size = ''] = instanceType.split('.')
    const f = AWS_FAMILIES[family]
    if (f === undefined) return undefined
    const count = f.counts[size] ?? (AWS_ONE_GPU_SIZES.has(size) ? 1 : undefined)
    return count === undefined ? undefined : { model: f.model, count, vramGb: f.vramGb }
  }
  if (cloud === 'ovh') {
    const [family = '', ram = ''] = instanceType.split('-')
    const f = OVH_FLAVORS[family]
    const count = f?.counts[ram]
    return f === undefined || count === undefined ? undefined : { model: f.model, count, vramGb: f.vramGb }
  }
  return undefined
}

/** The GPUs a worker declares: what the operator named, else the known table; never a guess. */
export function workerGpus(cloud: CloudKind, instanceType: string, named: Partial<GpuSpec> = {}): GpuSpec {
  if (named.model !== undefined && named.vramGb !== undefined) {
    return { model: named.model, vramGb: named.vramGb, count: named.count ?? 1 }
  }
  const known = knownGpus(cloud, instanceType)
  if (known === undefined) throw new UnknownGpuInstanceTypeError(cloud, instanceType)
  return { ...known, ...named }
}

import type { Capability, Cloud, GpuSpec, Runtime } from '@synkti/planner'

/**
 * The simulated fleet: AWS spot and on-demand in five zones of two regions, plus two
 * marketplace providers (Hetzner, OVH) whose machines persist and keep model weights cached.
 * Prices are per hour, in the range of public list prices for these GPU classes.
 */
export interface InstanceType {
  name: string
  gpu: GpuSpec
  onDemandPerHour: number
  /** mean spot price as a share of on-demand */
  spotShare: number
  /** boot time of a fresh instance, seconds */
  bootSeconds: number
}

export const INSTANCE_TYPES: readonly InstanceType[] = [
  {
    name: 'g6.xlarge',
    gpu: { model: 'L4', count: 1, vramGb: 24 },
    onDemandPerHour: 0.8,
    spotShare: 0.4,
    bootSeconds: 70,
  },
  {
    name: 'p4de.1g',
    gpu: { model: 'A100-80GB', count: 1, vramGb: 80 },
    onDemandPerHour: 4.1,
    spotShare: 0.45,
    bootSeconds: 80,
  },
  { name: 'p5.4g', gpu: { model: 'H100', count: 4, vramGb: 80 }, onDemandPerHour: 16, spotShare: 0.5, bootSeconds: 90 },
]

export type Market = 'spot' | 'on-demand' | 'provider'

export interface Pool {
  index: number
  cloud: Cloud
  region: string
  zone: string
  type: InstanceType
  market: Market
  /** machines that can run at once; Infinity for cloud on-demand */
  capacity: number
  /** fixed price for on-demand and provider pools; spot pools follow a price path */
  pricePerHour: number
  runtimes: Runtime[]
  /** seconds until a machine here is up (providers' machines are already running) */
  bootSeconds: number
  /** round-trip latency to the consumers, seconds */
  latency: number
}

const AWS_ZONES = [
  { region: 'us-east-1', zone: 'us-east-1a', latency: 0.01 },
  { region: 'us-east-1', zone: 'us-east-1b', latency: 0.01 },
  { region: 'us-east-1', zone: 'us-east-1c', latency: 0.012 },
  { region: 'eu-central-1', zone: 'eu-central-1a', latency: 0.09 },
  { region: 'eu-central-1', zone: 'eu-central-1b', latency: 0.09 },
]
export const SPOT_SLOTS_PER_POOL = 4
const AWS_RUNTIMES: Runtime[] = ['process', 'container', 'vllm']
const PROVIDER_START_SECONDS = 10

/** Providers: (cloud, region, zone, type, machines, price per hour, runtimes). */
const PROVIDERS: readonly [Cloud, string, string, number, number, number, Runtime[]][] = [
  ['hetzner', 'eu-central', 'fsn1-dc14', 1, 3, 2.9, ['process', 'container']],
  ['hetzner', 'eu-central', 'fsn1-dc14', 0, 3, 0.6, ['process', 'container']],
  ['ovh', 'eu-west', 'gra11', 0, 3, 0.65, ['vllm', 'container']],
  ['ovh', 'eu-west', 'gra11', 2, 2, 12, ['vllm', 'container']],
]

function buildPools(): Pool[] {
  const pools: Pool[] = []
  const add = (p: Omit<Pool, 'index'>) => pools.push({ ...p, index: pools.length })
  for (const z of AWS_ZONES) {
    for (const type of INSTANCE_TYPES) {
      const base = {
        cloud: 'aws' as const,
        region: z.region,
        zone: z.zone,
        type,
        runtimes: AWS_RUNTIMES,
        latency: z.latency,
      }
      add({
        ...base,
        market: 'spot',
        capacity: SPOT_SLOTS_PER_POOL,
        pricePerHour: type.onDemandPerHour * type.spotShare,
        bootSeconds: type.bootSeconds,
      })
    }
  }
  for (const [cloud, region, zone, t, capacity, price, runtimes] of PROVIDERS) {
    add({
      cloud,
      region,
      zone,
      type: INSTANCE_TYPES[t]!,
      market: 'provider',
      capacity,
      pricePerHour: price,
      runtimes,
      bootSeconds: PROVIDER_START_SECONDS,
      latency: 0.085,
    })
  }
  // On-demand is per region: capacity is not the constraint there, price is.
  for (const region of ['us-east-1', 'eu-central-1']) {
    const z = AWS_ZONES.find((x) => x.region === region)!
    for (const type of INSTANCE_TYPES) {
      add({
        cloud: 'aws',
        region,
        zone: z.zone,
        type,
        market: 'on-demand',
        capacity: Number.POSITIVE_INFINITY,
        pricePerHour: type.onDemandPerHour,
        runtimes: AWS_RUNTIMES,
        bootSeconds: type.bootSeconds,
        latency: z.latency,
      })
    }
  }
  return pools
}

export const POOLS: readonly Pool[] = buildPools()
export const SPOT_POOLS: readonly Pool[] = POOLS.filter((p) => p.market === 'spot')

/** Disk of every machine, GB: enough for any model in the grid. */
export const DISK_GB = 2000

export function capabilityOf(pool: Pool, cachedModels: string[]): Capability {
  return {
    gpu: pool.type.gpu,
    cloud: pool.cloud,
    region: pool.region,
    zone: pool.zone,
    spot: pool.market === 'spot',
    runtimes: pool.runtimes,
    cachedModels,
    diskGb: DISK_GB,
  }
}

export function findSpotPool(zone: string, instanceType: string): Pool | undefined {
  return SPOT_POOLS.find((p) => p.zone === zone && p.type.name === instanceType)
}

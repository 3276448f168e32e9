import type { Cloud, GpuSpec } from '@synkti/planner'

/**
 * Instance types a trace can name, keyed by `<accelerator>_<count>` as the spot-traces files
 * are (`us-east-1a_v100_1.json` is one p3.2xlarge). On-demand prices are AWS's Linux list
 * prices in us-east-1 (the same in us-east-2 and us-west-2 for these types); a fleet file can
 * override them or add types. CPU-only traces (r5, GCP c3) are not here: a GPU service cannot
 * run on them.
 */
export interface CatalogType {
  name: string
  cloud: Cloud
  gpu: GpuSpec
  onDemandPerHour: number
  /** boot of a fresh instance until its OS runs, seconds */
  bootSeconds: number
}

export const INSTANCE_CATALOG: Readonly<Record<string, CatalogType>> = {
  v100_1: {
    name: 'p3.2xlarge',
    cloud: 'aws',
    gpu: { model: 'V100', count: 1, vramGb: 16 },
    onDemandPerHour: 3.06,
    bootSeconds: 90,
  },
  v100_8: {
    name: 'p3.16xlarge',
    cloud: 'aws',
    gpu: { model: 'V100', count: 8, vramGb: 16 },
    onDemandPerHour: 24.48,
    bootSeconds: 100,
  },
  // The traces' README names p2.2xlarge/p2.16xlarge, which AWS never sold; p2.xlarge has one
  // K80 GPU and p2.8xlarge eight, which is what `_1` and `_8` count.
  k80_1: {
    name: 'p2.xlarge',
    cloud: 'aws',
    gpu: { model: 'K80', count: 1, vramGb: 12 },
    onDemandPerHour: 0.9,
    bootSeconds: 90,
  },
  k80_8: {
    name: 'p2.8xlarge',
    cloud: 'aws',
    gpu: { model: 'K80', count: 8, vramGb: 12 },
    onDemandPerHour: 7.2,
    bootSeconds: 100,
  },
}

/** `us-east-1a` → `us-east-1`; GCP's `us-central1-a` → `us-central1`. */
export function regionOfZone(zone: string): string {
  const gcp = /^([a-z]+-[a-z]+\d+)-[a-z]$/.exec(zone)
  if (gcp !== null) return gcp[1]!
  return zone.replace(/[a-z]$/, '')
}

import {
  type CloudAdapter,
  type CloudKind,
  createEc2Adapter,
  createHetznerAdapter,
  createOvhAdapter,
} from '@synkti/cloud'
import { MissingRegionError } from './errors.js'

export interface FleetCloudInit {
  cloud: CloudKind
  cluster: string
  /** AWS region, Hetzner location, OVH region. */
  region?: string
  /** Another API endpoint (moto for EC2, a stand-in for Hetzner or OVH). */
  endpoint?: string
  env?: NodeJS.ProcessEnv
}

/** The region the cloud works in: the flag, else (AWS) the SDK's own environment variables. */
export function regionOf(init: Pick<FleetCloudInit, 'cloud' | 'region' | 'env'>): string | undefined {
  const env = init.env ?? process.env
  if (init.region !== undefined) return init.region
  return init.cloud === 'aws' ? (env.AWS_REGION ?? env.AWS_DEFAULT_REGION) : undefined
}

/**
 * One `@synkti/cloud` adapter for the cluster. Credentials come from where each cloud's own
 * tools look (the AWS default chain, HCLOUD_TOKEN, OVH_* variables); constructing an adapter
 * sends nothing, and `checkCredentials()` names what is missing before any request.
 */
export function fleetAdapter(init: FleetCloudInit): CloudAdapter {
  const region = regionOf(init)
  const env = init.env ?? process.env
  switch (init.cloud) {
    case 'aws':
      if (region === undefined) throw new MissingRegionError('aws')
      return createEc2Adapter({
        cluster: init.cluster,
        region,
        ...(init.endpoint !== undefined ? { endpoint: init.endpoint } : {}),
      })
    case 'hetzner':
      return createHetznerAdapter({
        cluster: init.cluster,
        env,
        ...(region !== undefined ? { location: region } : {}),
        ...(init.endpoint !== undefined ? { baseUrl: init.endpoint } : {}),
      })
    case 'ovh': {
      if (region === undefined) throw new MissingRegionError('ovh')
      const url = init.endpoint === undefined ? undefined : new URL(init.endpoint)
      return createOvhAdapter({
        cluster: init.cluster,
        region,
        env,
        ...(url !== undefined
          ? {
              endpoint: {
                host: url.hostname,
                ...(url.port !== '' ? { port: Number(url.port) } : {}),
                ...(url.pathname !== '/' ? { basePath: url.pathname.replace(/\/$/, '') } : {}),
              },
            }
          : {}),
      })
    }
  }
}

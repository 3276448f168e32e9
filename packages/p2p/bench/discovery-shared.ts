import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { Capability } from '@synkti/planner'
import type { CapabilityKey } from '../src/index.js'

/**
 * Settings for many nodes packed onto one host and a few event loops: every node shares
 * 127.0.0.1, so libp2p's per-host connection limits would throttle the mesh, and event-loop lag
 * makes heartbeat pings late without any peer being dead.
 */
export const PACKED = {
  allow: ['/ip4/127.0.0.0/ipcidr/8'],
  connectionMonitor: false,
  requestTimeoutMs: 30_000,
}

/** Node `i`'s key, the same in every thread, so the coordinator knows every operator address. */
export async function keyFor(i: number) {
  const seed = new Uint8Array(32)
  new DataView(seed.buffer).setUint32(0, i + 1)
  seed[31] = 0x5b
  return generateKeyPairFromSeed('Ed25519', seed)
}

export function capabilityOf(key: CapabilityKey): Capability {
  return {
    gpu: { model: key.gpuModel, count: 8, vramGb: 80 },
    cloud: 'aws',
    region: key.region,
    zone: `${key.region}-1a`,
    spot: true,
    runtimes: ['vllm'],
    cachedModels: [],
    diskGb: 1000,
  }
}

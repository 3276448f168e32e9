import type { Machine } from '@synkti/cloud'
import { type FleetTarget, workerSuffix } from '../../src/fleet/index.js'
import { type NodeConfig, parseNodeConfig } from '../../src/node/config.js'

/** A deployer's config as `register` writes it (paths relative to the file, as on disk). */
export const deployerDocument = {
  keypair: './operator.json',
  market: '11111111111111111111111111111111',
  provider: '11111111111111111111111111111112',
  stateDir: './state',
  bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'],
  capability: {
    gpu: { model: 'RTX4090', count: 1, vramGb: 24 },
    cloud: 'local',
    region: 'home',
    zone: 'home',
    spot: false,
    runtimes: ['process', 'vllm'],
    cachedModels: ['meta-llama/Llama-3.1-8B'],
    diskGb: 200,
  },
  pricePerSecond: '7',
  allowCommands: ['vllm'],
  imdsUrl: 'http://127.0.0.1:1338',
  jobCwd: './jobs',
}

export function deployerConfig(path = '/home/op/.config/synkti/provider.json'): NodeConfig {
  return parseNodeConfig(path, deployerDocument)
}

export const target: FleetTarget = {
  cloud: 'aws',
  cluster: 'gpu-eu',
  region: 'eu-central-1',
  count: 2,
  instanceType: 'g5.xlarge',
  image: 'ami-0abc',
  market: { kind: 'spot' },
}

/** When fixture machines were launched, unless a test names them otherwise. */
export const LAUNCHED = new Date('2026-01-01T00:00:00Z')

let ids = 0
/** A running spot g5.xlarge of cluster gpu-eu; its name carries provider index = its number (unique in a test file). */
export function machine(over: Partial<Machine> = {}): Machine {
  ids++
  return {
    cloud: 'aws',
    id: `i-${String(ids).padStart(4, '0')}`,
    name: `synkti-gpu-eu-worker-${workerSuffix(ids, LAUNCHED, () => 0)}`,
    cluster: 'gpu-eu',
    role: 'worker',
    instanceType: 'g5.xlarge',
    region: 'eu-central-1',
    zone: 'eu-central-1a',
    state: 'running',
    spot: true,
    ...over,
  }
}

/**
 * @packageDocumentation
 *
 * Cloud adapters for Synkti: AWS EC2 (spot), Hetzner Cloud and OVHcloud Public Cloud behind one
 * {@link CloudAdapter} interface, every resource tagged with its cluster; RAII deployments
 * (`await using`); detection of where the process runs; and the spot interruption watcher.
 *
 * @example
 * ```ts
 * import { createEc2Adapter, detectContext, createSpotWatcher } from '@synkti/cloud'
 *
 * const adapter = createEc2Adapter({ cluster: 'demo', region: 'eu-central-1' })
 * {
 *   await using deployment = await adapter.deploy({
 *     firewall: { ingress: [{ protocol: 'tcp', port: 4001, sources: ['0.0.0.0/0'] }] },
 *     machines: [{ instanceType: 'g5.xlarge', image: 'ami-…', userData, market: { kind: 'spot' } }],
 *   })
 *   // … use deployment.machines; everything is terminated and deleted when the scope ends
 * }
 *
 * const context = await detectContext({ timeoutMs: 500 })
 * if (context.kind === 'aws' && context.lifecycle === 'spot') {
 *   await using watcher = createSpotWatcher({ pollMs: 5000 })
 *   watcher.on('interruption', (e) => drain(e.at))
 *   await watcher.start()
 * }
 * ```
 */
import './dispose.js'
import { Ec2Adapter, type Ec2AdapterInit } from './aws/ec2-adapter.js'
import { HetznerAdapter, type HetznerAdapterInit } from './hetzner/hetzner-adapter.js'
import { OvhAdapter, type OvhAdapterInit } from './ovh/ovh-adapter.js'
import type { CloudAdapter } from './types.js'

export type { Ec2AdapterInit } from './aws/ec2-adapter.js'
export { ec2State, machineFromInstance as machineFromEc2Instance, runInstancesInput } from './aws/ec2-mapping.js'
export * from './constants.js'
export {
  type ContextKind,
  type DetectContextInit,
  detectContext,
  type Evidence,
  type EvidenceSource,
  parseContextOverride,
  type RuntimeContext,
} from './context/detect.js'
export { classifyDmi, type DmiHint, type DmiStrings, readDmi } from './context/dmi.js'
export * from './context/metadata-parsers.js'
export { deployWith, destroyOwned, validatePlan } from './deploy.js'
export * from './errors.js'
export type { HetznerAdapterInit } from './hetzner/hetzner-adapter.js'
export { machineFromServer } from './hetzner/hetzner-mapping.js'
export { ImdsClient, type ImdsClientInit } from './imds/imds-client.js'
export { type HeldToken, needsRefresh, refreshAtMs } from './imds/token-timing.js'
export { type OvhAdapterInit, type OvhCredentials, resolveOvhCredentials } from './ovh/ovh-adapter.js'
export {
  createSpotWatcher,
  type InterruptionEvent,
  type RebalanceEvent,
  type SpotEvent,
  SpotWatcher,
  type SpotWatcherEvents,
  type SpotWatcherInit,
} from './spot/spot-watcher.js'
export * from './tags.js'
export type * from './types.js'

export function createEc2Adapter(init: Ec2AdapterInit): CloudAdapter {
  return new Ec2Adapter(init)
}

export function createHetznerAdapter(init: HetznerAdapterInit): CloudAdapter {
  return new HetznerAdapter(init)
}

export function createOvhAdapter(init: OvhAdapterInit): CloudAdapter {
  return new OvhAdapter(init)
}

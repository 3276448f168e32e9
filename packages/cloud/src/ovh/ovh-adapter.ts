import ovh, { type OvhClient } from '@ovhcloud/node-ovh'
import { ACTION_POLL_MS, OVH_API_BASE_PATH, OVH_API_HOST, TERMINATE_WAIT_MS } from '../constants.js'
import { deployWith, destroyOwned } from '../deploy.js'
import {
  CloudApiError,
  InvalidCredentialError,
  MachineNotFoundError,
  MissingCredentialError,
  ResourceNotOwnedError,
  UnsupportedFeatureError,
  WaitTimeoutError,
} from '../errors.js'
import { assertClusterName, ovhName, parseOvhName, randomSuffix } from '../tags.js'
import type { CloudAdapter, Deployment, DeployPlan, LaunchSpec, Machine, ResourceRef, SshKeySpec } from '../types.js'
import { machineFromInstance } from './ovh-mapping.js'
import type { OvhFlavor, OvhImage, OvhInstance, OvhRejection, OvhSshKey } from './ovh-types.js'

export interface OvhCredentials {
  appKey: string
  appSecret: string
  consumerKey: string
  /** Public Cloud project id (the API's `serviceName`). */
  projectId: string
}

export interface OvhAdapterInit {
  cluster: string
  /** Default region for launch() when the spec names none (`GRA11`, `BHS5`, ...). */
  region: string
  /** Defaults to OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY, OVH_CLOUD_PROJECT_SERVICE. */
  credentials?: Partial<OvhCredentials>
  env?: NodeJS.ProcessEnv
  /** API host and path (`eu.api.ovh.com`, `/1.0`); node-ovh always speaks HTTPS. */
  endpoint?: { host: string; port?: number; basePath?: string }
  requestTimeoutMs?: number
  pollMs?: number
  terminateWaitMs?: number
}

const ENV_NAMES: Record<keyof OvhCredentials, string> = {
  appKey: 'OVH_APPLICATION_KEY',
  appSecret: 'OVH_APPLICATION_SECRET',
  consumerKey: 'OVH_CONSUMER_KEY',
  projectId: 'OVH_CLOUD_PROJECT_SERVICE',
}

const CREDENTIAL_REMEDY =
  'create an application key, secret and consumer key with GET/POST/DELETE rights on /cloud/project/* at https://eu.api.ovh.com/createToken/, then export OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY; OVH_CLOUD_PROJECT_SERVICE is the project id shown in the Public Cloud console'

/** The credentials from init, then env; the list of what is missing when any is. */
export function resolveOvhCredentials(
  given: Partial<OvhCredentials> | undefined,
  env: NodeJS.ProcessEnv,
): { ok: true; credentials: OvhCredentials } | { ok: false; missing: string[] } {
  const keys = Object.keys(ENV_NAMES) as (keyof OvhCredentials)[]
  const value = (k: keyof OvhCredentials) => given?.[k] || env[ENV_NAMES[k]] || undefined
  const missing = keys.filter((k) => value(k) === undefined).map((k) => ENV_NAMES[k])
  if (missing.length > 0) return { ok: false, missing }
  return { ok: true, credentials: Object.fromEntries(keys.map((k) => [k, value(k)])) as unknown as OvhCredentials }
}

/**
 * OVHcloud Public Cloud through @ovhcloud/node-ovh. Instances and keys have no tags in the OVH API,
 * so ownership lives in the name (`synkti.<cluster>.<role>.<suffix>`); firewalls are not managed.
 */
export class OvhAdapter implements CloudAdapter {
  readonly cloud = 'ovh' as const
  readonly cluster: string
  readonly capabilities = { spot: false, firewall: false }
  private readonly init: OvhAdapterInit
  private client: { api: OvhClient; project: string } | undefined
  private flavors: Map<string, OvhFlavor> | undefined

  constructor(init: OvhAdapterInit) {
    this.cluster = assertClusterName(init.cluster)
    this.init = init
  }

  async checkCredentials(): Promise<void> {
    this.connect()
  }

  createFirewall(): Promise<ResourceRef> {
    return Promise.reject(new UnsupportedFeatureError('ovh', 'firewalls'))
  }

  async createSshKey(spec: SshKeySpec): Promise<ResourceRef> {
    const key = await this.call<OvhSshKey>('POST', '/sshkey', {
      name: ovhName(this.cluster, 'ssh-key', randomSuffix()),
      publicKey: spec.publicKey,
    })
    return { cloud: 'ovh', kind: 'ssh-key', id: key.id }
  }

  async launch(spec: LaunchSpec): Promise<Machine> {
    const region = spec.region ?? this.init.region
    const flavor = await this.findIn<OvhFlavor>('/flavor', region, spec.instanceType, 'flavor')
    const image = await this.findIn<OvhImage>('/image', region, spec.image, 'image')
    const instance = await this.call<OvhInstance>('POST', '/instance', {
      name: ovhName(this.cluster, 'worker', spec.nameSuffix ?? randomSuffix()),
      flavorId: flavor.id,
      imageId: image.id,
      region,
      userData: spec.userData,
      monthlyBilling: false,
      ...(spec.sshKeyId === undefined ? {} : { sshKeyId: spec.sshKeyId }),
    })
    return this.toMachine(instance)
  }

  async list(): Promise<Machine[]> {
    const instances = await this.call<OvhInstance[]>('GET', '/instance')
    const mine = instances.filter((i) => parseOvhName(i.name)?.cluster === this.cluster)
    const machines: Machine[] = []
    for (const instance of mine) machines.push(await this.toMachine(instance))
    return machines.filter((m) => m.state !== 'terminated')
  }

  async describe(id: string): Promise<Machine> {
    const instance = await this.call<OvhInstance>('GET', `/instance/${encodeURIComponent(id)}`).catch(
      (err: unknown) => {
        if (err instanceof CloudApiError && err.status === 404) return undefined
        throw err
      },
    )
    if (instance === undefined) throw new MachineNotFoundError(id, this.cluster)
    return this.toMachine(instance).catch(() => {
      throw new MachineNotFoundError(id, this.cluster)
    })
  }

  async terminate(id: string): Promise<void> {
    await this.describe(id)
    await this.call('DELETE', `/instance/${encodeURIComponent(id)}`)
    const waitMs = this.init.terminateWaitMs ?? TERMINATE_WAIT_MS
    const deadline = Date.now() + waitMs
    for (;;) {
      const state = await this.describe(id).then(
        (m) => m.state,
        (err: unknown) => {
          if (err instanceof MachineNotFoundError) return 'terminated' as const
          throw err
        },
      )
      if (state === 'terminated') return
      if (Date.now() > deadline) throw new WaitTimeoutError(`termination of ${id}`, waitMs)
      await new Promise((resolve) => setTimeout(resolve, this.init.pollMs ?? ACTION_POLL_MS))
    }
  }

  async release(ref: ResourceRef): Promise<void> {
    try {
      if (ref.kind === 'machine') return await this.terminate(ref.id)
      if (ref.kind !== 'ssh-key') return
      const path = `/sshkey/${encodeURIComponent(ref.id)}`
      const key = await this.call<OvhSshKey>('GET', path)
      if (parseOvhName(key.name)?.cluster !== this.cluster) throw new ResourceNotOwnedError(ref, this.cluster)
      await this.call('DELETE', path)
    } catch (err) {
      if (err instanceof MachineNotFoundError) return
      if (err instanceof CloudApiError && err.status === 404) return
      throw err
    }
  }

  async listOwned(): Promise<ResourceRef[]> {
    const machines = await this.list()
    const keys = await this.call<OvhSshKey[]>('GET', '/sshkey')
    return [
      ...machines.map((m): ResourceRef => ({ cloud: 'ovh', kind: 'machine', id: m.id })),
      ...keys
        .filter((k) => parseOvhName(k.name)?.cluster === this.cluster)
        .map((k): ResourceRef => ({ cloud: 'ovh', kind: 'ssh-key', id: k.id })),
    ]
  }

  deploy(plan: DeployPlan): Promise<Deployment> {
    return deployWith(this, plan)
  }

  destroyCluster(): Promise<ResourceRef[]> {
    return destroyOwned(this)
  }

  /** A machine of this cluster, or a rejection when the name says another owner. */
  private async toMachine(instance: OvhInstance): Promise<Machine> {
    const machine = machineFromInstance(instance, await this.flavorName(instance.flavorId, instance.region))
    if (machine === undefined || machine.cluster !== this.cluster)
      throw new MachineNotFoundError(instance.id, this.cluster)
    return machine
  }

  private async flavorName(flavorId: string, region: string): Promise<string> {
    if (this.flavors === undefined || !this.flavors.has(flavorId)) {
      const flavors = await this.call<OvhFlavor[]>('GET', '/flavor', { region })
      this.flavors = new Map([...(this.flavors ?? []), ...flavors.map((f): [string, OvhFlavor] => [f.id, f])])
    }
    return this.flavors.get(flavorId)?.name ?? flavorId
  }

  /** Flavors and images are addressed by id in the API; people write names. Accept either. */
  private async findIn<T extends { id: string; name: string }>(
    path: string,
    region: string,
    wanted: string,
    what: string,
  ): Promise<T> {
    const items = await this.call<T[]>('GET', path, { region })
    const found = items.find((i) => i.id === wanted) ?? items.find((i) => i.name === wanted)
    if (found === undefined) {
      throw new CloudApiError('ovh', `GET ${path}`, `${what}_not_found`, 404, `ovh: no ${what} ${wanted} in ${region}`)
    }
    return found
  }

  private connect(): { api: OvhClient; project: string } {
    if (this.client !== undefined) return this.client
    const resolved = resolveOvhCredentials(this.init.credentials, this.init.env ?? process.env)
    if (!resolved.ok) throw new MissingCredentialError('ovh', resolved.missing, CREDENTIAL_REMEDY)
    const { appKey, appSecret, consumerKey, projectId } = resolved.credentials
    const endpoint = this.init.endpoint
    const api = ovh({
      appKey,
      appSecret,
      consumerKey,
      host: endpoint?.host ?? OVH_API_HOST,
      basePath: endpoint?.basePath ?? OVH_API_BASE_PATH,
      ...(endpoint?.port === undefined ? {} : { port: endpoint.port }),
      // No `timeout` here: node-ovh adds a socket listener per request, which leaks on keep-alive
      // sockets; call() bounds each request itself instead.
    })
    this.client = { api, project: projectId }
    return this.client
  }

  private async call<T>(method: string, path: string, params?: Record<string, unknown>): Promise<T> {
    const { api, project } = this.connect()
    const full = `/cloud/project/${encodeURIComponent(project)}${path}`
    const operation = `${method} ${path}`
    const timeoutMs = this.init.requestTimeoutMs ?? 30_000
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject({ error: 'timeout', message: `no answer within ${timeoutMs} ms` }), timeoutMs)
    })
    try {
      return (await Promise.race([api.requestPromised(method, full, params ?? {}), timeout])) as T
    } catch (err) {
      const { error, message } = (err ?? {}) as OvhRejection
      if (error === 401 || error === 403) throw new InvalidCredentialError('ovh', CREDENTIAL_REMEDY)
      const status = typeof error === 'number' ? error : undefined
      throw new CloudApiError('ovh', operation, String(error), status, `ovh ${operation} failed (${error}): ${message}`)
    } finally {
      clearTimeout(timer)
    }
  }
}

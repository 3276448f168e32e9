import { ACTION_POLL_MS, HETZNER_API_URL, TERMINATE_WAIT_MS } from '../constants.js'
import { deployWith, destroyOwned } from '../deploy.js'
import {
  CloudApiError,
  InvalidCredentialError,
  MachineNotFoundError,
  MissingCredentialError,
  ResourceNotOwnedError,
  WaitTimeoutError,
} from '../errors.js'
import { assertClusterName, hetznerLabelSelector, hetznerLabels, ownedByLabels, resourceName } from '../tags.js'
import type {
  CloudAdapter,
  Deployment,
  DeployPlan,
  FirewallSpec,
  LaunchSpec,
  Machine,
  ResourceRef,
  SshKeySpec,
} from '../types.js'
import { machineFromServer } from './hetzner-mapping.js'
import type {
  HetznerAction,
  HetznerErrorBody,
  HetznerFirewall,
  HetznerPagination,
  HetznerServer,
  HetznerSshKey,
} from './hetzner-types.js'

export interface HetznerAdapterInit {
  cluster: string
  /** Default location for launch() when the spec names none (`fsn1`, `nbg1`, `hel1`, `ash`, ...). */
  location?: string
  /** Defaults to `env.HCLOUD_TOKEN`. */
  token?: string
  /** Defaults to https://api.hetzner.cloud/v1. */
  baseUrl?: string
  env?: NodeJS.ProcessEnv
  requestTimeoutMs?: number
  actionPollMs?: number
  actionTimeoutMs?: number
  /** Items per list page; the API allows up to 50. */
  pageSize?: number
}

const TOKEN_REMEDY =
  'create an API token with Read & Write permission in the Hetzner Console (project → Security → API tokens), then `export HCLOUD_TOKEN=<token>`'

/** Hetzner Cloud through its REST API: firewalls, SSH keys and servers, all labelled `synkti/cluster`. */
export class HetznerAdapter implements CloudAdapter {
  readonly cloud = 'hetzner' as const
  readonly cluster: string
  readonly capabilities = { spot: false, firewall: true }
  private readonly baseUrl: string
  private readonly token: string | undefined
  private readonly location: string | undefined
  private readonly requestTimeoutMs: number
  private readonly actionPollMs: number
  private readonly actionTimeoutMs: number
  private readonly pageSize: number

  constructor(init: HetznerAdapterInit) {
    this.cluster = assertClusterName(init.cluster)
    this.baseUrl = (init.baseUrl ?? HETZNER_API_URL).replace(/\/$/, '')
    const token = init.token ?? (init.env ?? process.env).HCLOUD_TOKEN
    this.token = token === '' ? undefined : token
    this.location = init.location
    this.requestTimeoutMs = init.requestTimeoutMs ?? 30_000
    this.actionPollMs = init.actionPollMs ?? ACTION_POLL_MS
    this.actionTimeoutMs = init.actionTimeoutMs ?? TERMINATE_WAIT_MS
    this.pageSize = init.pageSize ?? 50
  }

  async checkCredentials(): Promise<void> {
    if (this.token === undefined) throw new MissingCredentialError('hetzner', ['HCLOUD_TOKEN'], TOKEN_REMEDY)
  }

  async createFirewall(spec: FirewallSpec): Promise<ResourceRef> {
    const { firewall } = await this.call<{ firewall: HetznerFirewall; actions: HetznerAction[] }>(
      'POST',
      '/firewalls',
      {
        name: resourceName(this.cluster, 'firewall'),
        labels: hetznerLabels(this.cluster, 'firewall'),
        rules: spec.ingress.map((rule) => ({
          direction: 'in',
          protocol: rule.protocol,
          port: String(rule.port),
          source_ips: rule.sources,
        })),
      },
    )
    return { cloud: 'hetzner', kind: 'firewall', id: String(firewall.id) }
  }

  async createSshKey(spec: SshKeySpec): Promise<ResourceRef> {
    const { ssh_key } = await this.call<{ ssh_key: HetznerSshKey }>('POST', '/ssh_keys', {
      name: resourceName(this.cluster, 'ssh-key'),
      public_key: spec.publicKey,
      labels: hetznerLabels(this.cluster, 'ssh-key'),
    })
    return { cloud: 'hetzner', kind: 'ssh-key', id: String(ssh_key.id) }
  }

  async launch(spec: LaunchSpec): Promise<Machine> {
    const location = spec.region ?? this.location
    const { server } = await this.call<{ server: HetznerServer; action: HetznerAction }>('POST', '/servers', {
      name: resourceName(this.cluster, 'worker', spec.nameSuffix),
      server_type: spec.instanceType,
      image: spec.image,
      ...(location === undefined ? {} : { location }),
      user_data: spec.userData,
      labels: hetznerLabels(this.cluster, 'worker'),
      start_after_create: true,
      ...(spec.sshKeyId === undefined ? {} : { ssh_keys: [Number(spec.sshKeyId)] }),
      ...(spec.firewallIds === undefined
        ? {}
        : { firewalls: spec.firewallIds.map((id) => ({ firewall: Number(id) })) }),
    })
    return machineFromServer(server)
  }

  async list(): Promise<Machine[]> {
    const servers = await this.listAll<HetznerServer>('/servers', 'servers')
    return servers.filter((s) => ownedByLabels(s.labels, this.cluster)).map(machineFromServer)
  }

  async describe(id: string): Promise<Machine> {
    const server = await this.call<{ server: HetznerServer }>('GET', `/servers/${encodeURIComponent(id)}`).then(
      (r) => r.server,
      (err: unknown) => {
        if (err instanceof CloudApiError && err.apiCode === 'not_found') return undefined
        throw err
      },
    )
    if (server === undefined || !ownedByLabels(server.labels, this.cluster))
      throw new MachineNotFoundError(id, this.cluster)
    return machineFromServer(server)
  }

  async terminate(id: string): Promise<void> {
    await this.describe(id)
    const { action } = await this.call<{ action: HetznerAction }>('DELETE', `/servers/${encodeURIComponent(id)}`)
    // A firewall or key still applied to a deleting server cannot be removed: wait for the delete action.
    await this.waitForAction(action)
  }

  async release(ref: ResourceRef): Promise<void> {
    try {
      if (ref.kind === 'machine') return await this.terminate(ref.id)
      const [path, key] = ref.kind === 'firewall' ? ['/firewalls', 'firewall'] : ['/ssh_keys', 'ssh_key']
      const url = `${path}/${encodeURIComponent(ref.id)}`
      const found = await this.call<Record<string, { labels?: Record<string, string> }>>('GET', url)
      if (!ownedByLabels(found[key]?.labels, this.cluster)) throw new ResourceNotOwnedError(ref, this.cluster)
      await this.call('DELETE', url)
    } catch (err) {
      if (err instanceof MachineNotFoundError) return
      if (err instanceof CloudApiError && err.apiCode === 'not_found') return
      throw err
    }
  }

  async listOwned(): Promise<ResourceRef[]> {
    const machines = await this.list()
    const keys = await this.listAll<HetznerSshKey>('/ssh_keys', 'ssh_keys')
    const firewalls = await this.listAll<HetznerFirewall>('/firewalls', 'firewalls')
    const owned = <T extends { id: number; labels: Record<string, string> }>(items: T[]) =>
      items.filter((i) => ownedByLabels(i.labels, this.cluster))
    return [
      ...machines.map((m): ResourceRef => ({ cloud: 'hetzner', kind: 'machine', id: m.id })),
      ...owned(keys).map((k): ResourceRef => ({ cloud: 'hetzner', kind: 'ssh-key', id: String(k.id) })),
      ...owned(firewalls).map((f): ResourceRef => ({ cloud: 'hetzner', kind: 'firewall', id: String(f.id) })),
    ]
  }

  deploy(plan: DeployPlan): Promise<Deployment> {
    return deployWith(this, plan)
  }

  destroyCluster(): Promise<ResourceRef[]> {
    return destroyOwned(this)
  }

  private async waitForAction(action: HetznerAction): Promise<void> {
    const deadline = Date.now() + this.actionTimeoutMs
    let current = action
    while (current.status === 'running') {
      if (Date.now() > deadline) throw new WaitTimeoutError(`hetzner action ${action.command}`, this.actionTimeoutMs)
      await new Promise((resolve) => setTimeout(resolve, this.actionPollMs))
      current = (await this.call<{ action: HetznerAction }>('GET', `/actions/${current.id}`)).action
    }
    if (current.status === 'error') {
      const code = current.error?.code ?? 'action_failed'
      throw new CloudApiError('hetzner', current.command, code, undefined, current.error?.message)
    }
  }

  /** GET a collection filtered to the cluster's label, following `meta.pagination.next_page`. */
  private async listAll<T>(path: string, key: string): Promise<T[]> {
    const out: T[] = []
    let page: number | null = 1
    while (page !== null) {
      const query = new URLSearchParams({
        label_selector: hetznerLabelSelector(this.cluster),
        page: String(page),
        per_page: String(this.pageSize),
      })
      const body: Record<string, unknown> & HetznerPagination = await this.call('GET', `${path}?${query}`)
      out.push(...((body[key] as T[] | undefined) ?? []))
      page = body.meta?.pagination?.next_page ?? null
    }
    return out
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    await this.checkCredentials()
    const operation = `${method} ${path.split('?')[0]}`
    let res: Response
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      })
    } catch (err) {
      throw new CloudApiError('hetzner', operation, 'network', undefined, `hetzner ${operation}: ${err}`, {
        cause: err,
      })
    }
    const text = await res.text()
    const json = parseJson(text)
    if (res.ok) return json as T
    const error = (json as HetznerErrorBody | undefined)?.error
    if (res.status === 401 || error?.code === 'unauthorized') {
      throw new InvalidCredentialError('hetzner', TOKEN_REMEDY)
    }
    throw new CloudApiError(
      'hetzner',
      operation,
      error?.code ?? `http_${res.status}`,
      res.status,
      `hetzner ${operation} failed (${res.status} ${error?.code}): ${error?.message ?? text}`,
    )
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text)
  } catch {
    return undefined
  }
}

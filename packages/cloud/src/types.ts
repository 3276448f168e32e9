export type CloudKind = 'aws' | 'hetzner' | 'ovh'

/** What a tagged resource is for inside a cluster. */
export type ResourceRole = 'worker' | 'firewall' | 'ssh-key'

/** Spot (AWS only) with an optional maximum hourly price in USD, as a decimal string like AWS takes it. */
export type Market = { kind: 'on-demand' } | { kind: 'spot'; maxPricePerHour?: string }

export interface LaunchSpec {
  /** EC2 instance type (`g5.xlarge`), Hetzner server type (`cx22`), OVH flavor name (`l4-90`). */
  instanceType: string
  /** EC2 AMI id; Hetzner image name or id (`ubuntu-24.04`); OVH image name or id. */
  image: string
  /** Hetzner location (`fsn1`) or OVH region (`GRA11`); AWS takes its region from the adapter. */
  region?: string
  /** AWS availability zone (`eu-central-1a`); ignored elsewhere. */
  zone?: string
  /** cloud-init / shell script that installs and starts provider-node; plain text, adapters encode it. */
  userData: string
  market?: Market
  /** Appended to the generated name, for humans; ownership never depends on it (except OVH). */
  nameSuffix?: string
  firewallIds?: string[]
  sshKeyId?: string
}

export type MachineState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminating' | 'terminated' | 'unknown'

export interface Machine {
  cloud: CloudKind
  id: string
  name: string
  cluster: string
  role: ResourceRole
  instanceType: string
  region: string
  zone?: string
  state: MachineState
  spot: boolean
  publicIp?: string
}

export interface IngressRule {
  protocol: 'tcp' | 'udp'
  port: number
  /** CIDRs, e.g. `['0.0.0.0/0']`. */
  sources: string[]
}

export interface FirewallSpec {
  ingress: IngressRule[]
}

export interface SshKeySpec {
  /** OpenSSH public key line (`ssh-ed25519 AAAA... comment`). */
  publicKey: string
}

/** One resource the cluster owns, enough to release it. */
export interface ResourceRef {
  cloud: CloudKind
  kind: 'machine' | 'firewall' | 'ssh-key'
  id: string
}

export interface DeployPlan {
  /** Create a security group / firewall for the workers (adapter-created, tagged, deleted last). */
  firewall?: FirewallSpec
  /** Import this public key for the workers (adapter-created, tagged). */
  sshKey?: SshKeySpec
  machines: Omit<LaunchSpec, 'firewallIds' | 'sshKeyId'>[]
}

/**
 * Everything one deploy() created. Disposing releases it all in reverse order of creation;
 * `detach()` hands ownership to the caller (the resources stay, tagged, for destroyCluster()).
 */
export interface Deployment extends AsyncDisposable {
  readonly cluster: string
  readonly machines: readonly Machine[]
  readonly resources: readonly ResourceRef[]
  readonly disposed: boolean
  /** Keep everything past the scope; returns what was kept. Disposal afterwards does nothing. */
  detach(): ResourceRef[]
  release(): Promise<void>
}

export interface AdapterCapabilities {
  spot: boolean
  firewall: boolean
}

/** One interface over AWS EC2, Hetzner Cloud and OVHcloud Public Cloud. */
export interface CloudAdapter {
  readonly cloud: CloudKind
  readonly cluster: string
  readonly capabilities: AdapterCapabilities
  /** Throws MissingCredentialError (what is missing and the fix) before any request that changes anything. */
  checkCredentials(): Promise<void>
  createFirewall(spec: FirewallSpec): Promise<ResourceRef>
  createSshKey(spec: SshKeySpec): Promise<ResourceRef>
  launch(spec: LaunchSpec): Promise<Machine>
  /** Machines tagged with this cluster, terminated ones excluded. */
  list(): Promise<Machine[]>
  /** Throws MachineNotFoundError when the id is unknown or belongs to another cluster. */
  describe(id: string): Promise<Machine>
  /** Terminates and waits until the machine no longer holds dependent resources. */
  terminate(id: string): Promise<void>
  /** Deletes one resource (machines via terminate()). Already gone is success. */
  release(ref: ResourceRef): Promise<void>
  /** Every resource tagged with this cluster: machines first, then firewalls and keys. */
  listOwned(): Promise<ResourceRef[]>
  /** Creates the plan's resources in order, each registered for undo; any failure undoes what exists. */
  deploy(plan: DeployPlan): Promise<Deployment>
  /** Releases everything listOwned() finds, machines first. Returns what was released. */
  destroyCluster(): Promise<ResourceRef[]>
}

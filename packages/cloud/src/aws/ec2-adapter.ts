import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type EC2ClientConfig,
  type Filter,
  ImportKeyPairCommand,
  type Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2'
import { AWS_TAG_CLUSTER, TERMINATE_WAIT_MS } from '../constants.js'
import { deployWith, destroyOwned } from '../deploy.js'
import {
  CloudApiError,
  InvalidCredentialError,
  MachineNotFoundError,
  MissingCredentialError,
  ResourceNotOwnedError,
  WaitTimeoutError,
} from '../errors.js'
import { assertClusterName, awsClusterFilters, awsTags, resourceName, tagsToRecord } from '../tags.js'
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
import { machineFromInstance, runInstancesInput } from './ec2-mapping.js'

export interface Ec2AdapterInit {
  cluster: string
  region: string
  /** Another EC2 endpoint (moto, LocalStack, a VPC endpoint). */
  endpoint?: string
  /** Defaults to the SDK's default chain (env, SSO, shared files, process, web identity, ECS/IMDS roles). */
  credentials?: EC2ClientConfig['credentials']
  /** VPC for the security group; the region's default VPC when absent. */
  vpcId?: string
  terminateWaitMs?: number
}

const CREDENTIAL_REMEDY =
  'run `aws configure` (writes ~/.aws/credentials), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or `aws sso login --profile <name>` with AWS_PROFILE=<name>'
const AUTH_ERRORS = new Set(['AuthFailure', 'UnauthorizedOperation', 'InvalidClientTokenId', 'SignatureDoesNotMatch'])
const GONE_ERRORS = new Set(['InvalidGroup.NotFound', 'InvalidKeyPair.NotFound', 'InvalidInstanceID.NotFound'])
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down']

function missingCredentials(cause: unknown): MissingCredentialError {
  const what =
    'AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials or an instance role)'
  return new MissingCredentialError('aws', [what], CREDENTIAL_REMEDY, { cause })
}

/** AWS EC2 through the v3 SDK: security group, key pair and (spot) instances, all tagged `synkti:cluster`. */
export class Ec2Adapter implements CloudAdapter {
  readonly cloud = 'aws' as const
  readonly cluster: string
  readonly capabilities = { spot: true, firewall: true }
  private readonly client: EC2Client
  private readonly region: string
  private readonly vpcId: string | undefined
  private readonly terminateWaitMs: number

  constructor(init: Ec2AdapterInit) {
    this.cluster = assertClusterName(init.cluster)
    this.region = init.region
    this.vpcId = init.vpcId
    this.terminateWaitMs = init.terminateWaitMs ?? TERMINATE_WAIT_MS
    this.client = new EC2Client({
      region: init.region,
      ...(init.endpoint === undefined ? {} : { endpoint: init.endpoint }),
      ...(init.credentials === undefined ? {} : { credentials: init.credentials }),
    })
  }

  async checkCredentials(): Promise<void> {
    try {
      await this.client.config.credentials()
    } catch (err) {
      throw missingCredentials(err)
    }
  }

  async createFirewall(spec: FirewallSpec): Promise<ResourceRef> {
    const name = resourceName(this.cluster, 'firewall')
    const { GroupId } = await this.send('CreateSecurityGroup', () =>
      this.client.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: `synkti cluster ${this.cluster} workers`,
          ...(this.vpcId === undefined ? {} : { VpcId: this.vpcId }),
          TagSpecifications: [{ ResourceType: 'security-group', Tags: awsTags(this.cluster, 'firewall', name) }],
        }),
      ),
    )
    const ref: ResourceRef = { cloud: 'aws', kind: 'firewall', id: GroupId ?? '' }
    if (spec.ingress.length > 0) {
      // The group exists from here on: a failed rule must not leak it, so undo locally before rethrowing.
      try {
        await this.send('AuthorizeSecurityGroupIngress', () =>
          this.client.send(
            new AuthorizeSecurityGroupIngressCommand({
              GroupId,
              IpPermissions: spec.ingress.map((rule) => ({
                IpProtocol: rule.protocol,
                FromPort: rule.port,
                ToPort: rule.port,
                IpRanges: rule.sources.map((CidrIp) => ({ CidrIp })),
              })),
            }),
          ),
        )
      } catch (err) {
        await this.release(ref)
        throw err
      }
    }
    return ref
  }

  async createSshKey(spec: SshKeySpec): Promise<ResourceRef> {
    const name = resourceName(this.cluster, 'ssh-key')
    await this.send('ImportKeyPair', () =>
      this.client.send(
        new ImportKeyPairCommand({
          KeyName: name,
          PublicKeyMaterial: Buffer.from(spec.publicKey, 'utf8'),
          TagSpecifications: [{ ResourceType: 'key-pair', Tags: awsTags(this.cluster, 'ssh-key', name) }],
        }),
      ),
    )
    // RunInstances takes the key by name, so the name is the id that launch() needs.
    return { cloud: 'aws', kind: 'ssh-key', id: name }
  }

  async launch(spec: LaunchSpec): Promise<Machine> {
    const name = resourceName(this.cluster, 'worker', spec.nameSuffix)
    const out = await this.send('RunInstances', () =>
      this.client.send(new RunInstancesCommand(runInstancesInput(this.cluster, name, spec))),
    )
    const instance = out.Instances?.[0]
    if (instance?.InstanceId === undefined) {
      throw new CloudApiError('aws', 'RunInstances', 'NoInstance', undefined, 'RunInstances returned no instance')
    }
    return machineFromInstance(instance, this.region)
  }

  async list(): Promise<Machine[]> {
    const instances = await this.describeInstances([
      ...awsClusterFilters(this.cluster),
      { Name: 'instance-state-name', Values: LIVE_STATES },
    ])
    return instances.map((i) => machineFromInstance(i, this.region))
  }

  async describe(id: string): Promise<Machine> {
    const instances = await this.describeInstances(awsClusterFilters(this.cluster), [id]).catch((err: unknown) => {
      if (err instanceof CloudApiError && GONE_ERRORS.has(err.apiCode)) return []
      throw err
    })
    const instance = instances[0]
    if (instance === undefined) throw new MachineNotFoundError(id, this.cluster)
    return machineFromInstance(instance, this.region)
  }

  async terminate(id: string): Promise<void> {
    await this.describe(id)
    await this.send('TerminateInstances', () => this.client.send(new TerminateInstancesCommand({ InstanceIds: [id] })))
    // A security group cannot be deleted while a (shutting-down) instance still uses it.
    const result = await waitUntilInstanceTerminated(
      { client: this.client, maxWaitTime: Math.ceil(this.terminateWaitMs / 1000), minDelay: 1, maxDelay: 10 },
      { InstanceIds: [id] },
    ).catch((err: unknown) => {
      throw new WaitTimeoutError(`termination of ${id}`, this.terminateWaitMs, String(err))
    })
    if (result.state !== 'SUCCESS') throw new WaitTimeoutError(`termination of ${id}`, this.terminateWaitMs)
  }

  async release(ref: ResourceRef): Promise<void> {
    try {
      if (ref.kind === 'machine') return await this.terminate(ref.id)
      if (!(await this.owns(ref))) throw new ResourceNotOwnedError(ref, this.cluster)
      if (ref.kind === 'firewall') {
        await this.send('DeleteSecurityGroup', () =>
          this.client.send(new DeleteSecurityGroupCommand({ GroupId: ref.id })),
        )
        return
      }
      await this.send('DeleteKeyPair', () => this.client.send(new DeleteKeyPairCommand({ KeyName: ref.id })))
    } catch (err) {
      if (err instanceof MachineNotFoundError) return
      if (err instanceof CloudApiError && GONE_ERRORS.has(err.apiCode)) return
      throw err
    }
  }

  /** Whether a security group or key pair carries this cluster's tag; throws EC2's NotFound when gone. */
  private async owns(ref: ResourceRef): Promise<boolean> {
    if (ref.kind === 'firewall') {
      const out = await this.send('DescribeSecurityGroups', () =>
        this.client.send(new DescribeSecurityGroupsCommand({ GroupIds: [ref.id] })),
      )
      return tagsToRecord(out.SecurityGroups?.[0]?.Tags)[AWS_TAG_CLUSTER] === this.cluster
    }
    const out = await this.send('DescribeKeyPairs', () =>
      this.client.send(new DescribeKeyPairsCommand({ KeyNames: [ref.id] })),
    )
    return tagsToRecord(out.KeyPairs?.[0]?.Tags)[AWS_TAG_CLUSTER] === this.cluster
  }

  async listOwned(): Promise<ResourceRef[]> {
    const filters = awsClusterFilters(this.cluster)
    const machines = await this.list()
    const groups = await this.send('DescribeSecurityGroups', () =>
      this.client.send(new DescribeSecurityGroupsCommand({ Filters: filters })),
    )
    const keys = await this.send('DescribeKeyPairs', () =>
      this.client.send(new DescribeKeyPairsCommand({ Filters: filters })),
    )
    return [
      ...machines.map((m): ResourceRef => ({ cloud: 'aws', kind: 'machine', id: m.id })),
      ...(keys.KeyPairs ?? []).map((k): ResourceRef => ({ cloud: 'aws', kind: 'ssh-key', id: k.KeyName ?? '' })),
      ...(groups.SecurityGroups ?? []).map(
        (g): ResourceRef => ({ cloud: 'aws', kind: 'firewall', id: g.GroupId ?? '' }),
      ),
    ]
  }

  deploy(plan: DeployPlan): Promise<Deployment> {
    return deployWith(this, plan)
  }

  destroyCluster(): Promise<ResourceRef[]> {
    return destroyOwned(this)
  }

  private async describeInstances(filters: Filter[], ids?: string[]): Promise<Instance[]> {
    const out: Instance[] = []
    let NextToken: string | undefined
    do {
      const page = await this.send('DescribeInstances', () =>
        this.client.send(
          new DescribeInstancesCommand({
            Filters: filters,
            NextToken,
            ...(ids === undefined ? {} : { InstanceIds: ids }),
          }),
        ),
      )
      for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []))
      NextToken = page.NextToken
    } while (NextToken)
    return out
  }

  /** Maps SDK service errors to named errors; `name` is EC2's error code (e.g. `InvalidAMIID.NotFound`). */
  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }
      if (e.name === 'CredentialsProviderError') throw missingCredentials(err)
      if (e.name !== undefined && AUTH_ERRORS.has(e.name)) {
        throw new InvalidCredentialError('aws', CREDENTIAL_REMEDY, { cause: err })
      }
      throw new CloudApiError(
        'aws',
        operation,
        e.name ?? 'Unknown',
        e.$metadata?.httpStatusCode,
        `aws ${operation} failed: ${e.name}: ${e.message}`,
        { cause: err },
      )
    }
  }
}

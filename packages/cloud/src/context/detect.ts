import { DEFAULT_PROBE_TIMEOUT_MS, DMI_ROOT, METADATA_BASE_URL } from '../constants.js'
import { InvalidContextOverrideError, MetadataUnavailableError } from '../errors.js'
import { httpRequest } from '../http.js'
import { ImdsClient } from '../imds/imds-client.js'
import type { CloudKind } from '../types.js'
import { classifyDmi, type DmiHint, readDmi } from './dmi.js'
import {
  parseHetznerMetadata,
  parseIdentityDocument,
  parseLifecycle,
  parseOpenStackMetadata,
} from './metadata-parsers.js'

export type EvidenceSource = 'override' | 'dmi' | 'aws-imds' | 'hetzner-metadata' | 'openstack-metadata'

/** One observation and what it showed; `ok: false` records a probe that found nothing. */
export interface Evidence {
  source: EvidenceSource
  ok: boolean
  observed: string
}

export type RuntimeContext =
  | {
      kind: 'aws'
      instanceId: string
      instanceType: string
      region: string
      zone: string
      lifecycle: 'spot' | 'on-demand'
      accountId: string
      imageId: string
      evidence: Evidence[]
    }
  | {
      kind: 'hetzner'
      instanceId: string
      hostname: string
      region: string
      zone: string
      lifecycle: 'on-demand'
      evidence: Evidence[]
    }
  | {
      kind: 'ovh'
      instanceId: string
      hostname: string
      zone: string
      projectId?: string
      lifecycle: 'on-demand'
      evidence: Evidence[]
    }
  | { kind: 'workstation'; evidence: Evidence[] }

export type ContextKind = RuntimeContext['kind']
const CONTEXT_KINDS: readonly ContextKind[] = ['aws', 'hetzner', 'ovh', 'workstation']

export interface DetectContextInit {
  timeoutMs?: number
  /** `--context aws|hetzner|ovh|workstation`: skip guessing; a cloud must still answer its metadata. */
  override?: string
  /** Where the link-local metadata services live; tests point this at 127.0.0.1. */
  metadataBaseUrl?: string
  /** Root of the DMI strings (`/sys/class/dmi/id`); tests point this at a temporary directory. */
  dmiRoot?: string
}

export function parseContextOverride(value: string): ContextKind {
  if (!(CONTEXT_KINDS as readonly string[]).includes(value)) throw new InvalidContextOverrideError(value)
  return value as ContextKind
}

type CloudContext = Exclude<RuntimeContext, { kind: 'workstation' }>
/** Distributes over the union, so each cloud keeps its own fields. */
type Identity = CloudContext extends infer C ? (C extends unknown ? Omit<C, 'evidence'> : never) : never
type Probe = { ok: true; context: CloudContext } | { ok: false; evidence: Evidence }

const REMEDY: Record<CloudKind, string> = {
  aws: 'enable IMDSv2 on the instance (aws ec2 modify-instance-metadata-options --instance-id <id> --http-endpoint enabled --http-tokens required --http-put-response-hop-limit 2)',
  hetzner:
    'the Hetzner metadata service answers only from the server itself; run on the server, or pass --context workstation',
  ovh: 'the OpenStack metadata service answers only from the instance itself; run on the instance, or pass --context workstation',
}

const DMI_TO_CLOUD: Record<DmiHint, CloudKind> = { aws: 'aws', hetzner: 'hetzner', openstack: 'ovh' }

/**
 * Observes where this process runs. DMI strings (local files) hint the cloud; the metadata services
 * are probed concurrently with a short timeout and the first that answers with a valid identity wins.
 * A machine whose firmware or override names a cloud that does not answer is an error, not a workstation.
 */
export async function detectContext(init: DetectContextInit = {}): Promise<RuntimeContext> {
  const timeoutMs = init.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const baseUrl = (init.metadataBaseUrl ?? METADATA_BASE_URL).replace(/\/$/, '')
  const override = init.override === undefined ? undefined : parseContextOverride(init.override)
  const evidence: Evidence[] = []
  if (override === 'workstation') {
    return { kind: 'workstation', evidence: [{ source: 'override', ok: true, observed: '--context workstation' }] }
  }
  if (override !== undefined) evidence.push({ source: 'override', ok: true, observed: `--context ${override}` })

  const dmi = await readDmi(init.dmiRoot ?? DMI_ROOT)
  const hint = classifyDmi(dmi)
  const dmiText = Object.entries(dmi)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ')
  evidence.push({ source: 'dmi', ok: hint !== undefined, observed: dmiText || 'no DMI strings' })

  const expected = override ?? (hint === undefined ? undefined : DMI_TO_CLOUD[hint])
  const order: CloudKind[] = expected !== undefined ? [expected] : ['aws', 'hetzner', 'ovh']
  const probes = await Promise.all(order.map((cloud) => PROBES[cloud](baseUrl, timeoutMs)))
  for (const probe of probes) {
    if (probe.ok) return { ...probe.context, evidence: [...evidence, ...probe.context.evidence] }
    evidence.push(probe.evidence)
  }
  if (expected !== undefined) {
    throw new MetadataUnavailableError(
      expected,
      evidence.filter((e) => !e.ok && e.source !== 'dmi').map((e) => e.observed),
      REMEDY[expected],
    )
  }
  return { kind: 'workstation', evidence }
}

const PROBES: Record<CloudKind, (baseUrl: string, timeoutMs: number) => Promise<Probe>> = {
  aws: probeAws,
  hetzner: probeHetzner,
  ovh: probeOpenStack,
}

const failed =
  (source: EvidenceSource) =>
  (observed: string): Probe => ({ ok: false, evidence: { source, ok: false, observed } })

async function probeAws(baseUrl: string, timeoutMs: number): Promise<Probe> {
  const fail = failed('aws-imds')
  const imds = new ImdsClient({ baseUrl, timeoutMs, tokenTtlS: 60 })
  const doc = await imds.get('/latest/dynamic/instance-identity/document')
  if (!doc.ok) return fail(doc.reason)
  if (doc.status !== 200) return fail(`instance-identity document answered ${doc.status}`)
  const lifecycle = await imds.get('/latest/meta-data/instance-life-cycle')
  if (!lifecycle.ok) return fail(lifecycle.reason)
  if (lifecycle.status !== 200) return fail(`instance-life-cycle answered ${lifecycle.status}`)
  try {
    const id = parseIdentityDocument(doc.body)
    const life = parseLifecycle(lifecycle.body)
    const observed = `IMDSv2 identity ${id.instanceId} ${id.instanceType} in ${id.zone}, life-cycle ${lifecycle.body.trim()}`
    return {
      ok: true,
      context: { kind: 'aws', ...id, lifecycle: life, evidence: [{ source: 'aws-imds', ok: true, observed }] },
    }
  } catch (err) {
    return fail((err as Error).message)
  }
}

/** GET one metadata document, parse it, and turn it into a context plus what was observed. */
async function probeDocument(
  source: EvidenceSource,
  url: string,
  timeoutMs: number,
  read: (body: string) => { context: Identity; observed: string },
): Promise<Probe> {
  const fail = failed(source)
  const res = await httpRequest(url, { timeoutMs })
  if (!res.ok) return fail(res.reason)
  if (res.status !== 200) return fail(`${new URL(url).pathname} answered ${res.status}`)
  try {
    const { context, observed } = read(res.body)
    return { ok: true, context: { ...context, evidence: [{ source, ok: true, observed }] } as CloudContext }
  } catch (err) {
    return fail((err as Error).message)
  }
}

function probeHetzner(baseUrl: string, timeoutMs: number): Promise<Probe> {
  return probeDocument('hetzner-metadata', `${baseUrl}/hetzner/v1/metadata`, timeoutMs, (body) => {
    const id = parseHetznerMetadata(body)
    return {
      context: {
        kind: 'hetzner',
        instanceId: id.instanceId,
        hostname: id.hostname,
        region: id.region,
        zone: id.zone,
        lifecycle: 'on-demand',
      },
      observed: `server ${id.instanceId} (${id.hostname}) in ${id.zone}`,
    }
  })
}

function probeOpenStack(baseUrl: string, timeoutMs: number): Promise<Probe> {
  return probeDocument('openstack-metadata', `${baseUrl}/openstack/latest/meta_data.json`, timeoutMs, (body) => {
    const id = parseOpenStackMetadata(body)
    // OVHcloud is the only OpenStack cloud Synkti supports, so an OpenStack instance is taken as OVH.
    return {
      context: {
        kind: 'ovh',
        instanceId: id.instanceId,
        hostname: id.hostname,
        zone: id.zone,
        ...(id.projectId === undefined ? {} : { projectId: id.projectId }),
        lifecycle: 'on-demand',
      },
      observed: `openstack instance ${id.instanceId} (${id.hostname}) in ${id.zone}`,
    }
  })
}

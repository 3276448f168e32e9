/**
 * A loopback stand-in for the OVH API v1 Public Cloud endpoints the adapter uses
 * (/cloud/project/{serviceName}/flavor|image|instance|sshkey, /auth/time), written from the documented
 * shapes. node-ovh only speaks HTTPS, so it serves TLS with a throwaway certificate for 127.0.0.1, and
 * it verifies OVH's request signature headers exactly as the API does.
 */
import { execFileSync } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type StandinReply, type StandinRequest, startStandin } from './http-standin.js'

export interface OvhStandinInit {
  appKey: string
  appSecret: string
  consumerKey: string
  projectId: string
  /** Flavor names accepted in the list but refused on create, as OVH does when a quota is exhausted. */
  quotaExceeded?: string[]
}

export const OVH_REGION = 'GRA11'
const FLAVORS = [
  { id: 'f-b2-7', name: 'b2-7', region: OVH_REGION, type: 'ovh.ssd.eg', vcpus: 2, ram: 7000 },
  { id: 'f-l4-90', name: 'l4-90', region: OVH_REGION, type: 'ovh.l4', vcpus: 22, ram: 90000 },
]
const IMAGES = [{ id: 'img-ubuntu-2404', name: 'Ubuntu 24.04', region: OVH_REGION, type: 'linux' }]

export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ovh-tls-'))
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  )
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') }
}

const fail = (status: number, message: string, errorCode?: string): StandinReply => ({
  status,
  body: { message, ...(errorCode === undefined ? {} : { errorCode }) },
})

export async function startOvhStandin(init: OvhStandinInit, tls: { key: string; cert: string }) {
  const instances = new Map<string, Record<string, unknown> & { status: string; polls: number }>()
  const sshKeys = new Map<string, { id: string; name: string; publicKey: string; regions: string[] }>()

  /** `$1$` + SHA1(secret+consumer+method+url+body+timestamp), the documented OVH signature. */
  const signatureOk = (req: StandinRequest): boolean => {
    const ts = String(req.headers['x-ovh-timestamp'] ?? '')
    const expected = `$1$${createHash('sha1')
      .update(
        [init.appSecret, init.consumerKey, req.method, `https://127.0.0.1${req.target}`, req.rawBody, ts].join('+'),
      )
      .digest('hex')}`
    return req.headers['x-ovh-signature'] === expected
  }

  const project = (req: StandinRequest, rest: string): StandinReply => {
    const q = req.query.get('region')
    const inRegion = <T extends { region: string }>(items: T[]) => items.filter((i) => q === null || i.region === q)
    if (req.method === 'GET' && rest === '/flavor') return { status: 200, body: inRegion(FLAVORS) }
    if (req.method === 'GET' && rest === '/image') return { status: 200, body: inRegion(IMAGES) }
    if (req.method === 'GET' && rest === '/sshkey') return { status: 200, body: [...sshKeys.values()] }
    if (req.method === 'POST' && rest === '/sshkey') {
      const b = req.body as { name?: string; publicKey?: string }
      if (!b.name || !/^ssh-/.test(b.publicKey ?? '')) return fail(400, 'Invalid public key')
      const key = { id: randomUUID(), name: b.name, publicKey: b.publicKey ?? '', regions: [OVH_REGION] }
      sshKeys.set(key.id, key)
      return { status: 200, body: key }
    }
    const keyId = /^\/sshkey\/([^/]+)$/.exec(rest)?.[1]
    if (req.method === 'GET' && keyId !== undefined) {
      const key = sshKeys.get(keyId)
      return key ? { status: 200, body: key } : fail(404, `SSH key ${keyId} does not exist`)
    }
    if (req.method === 'DELETE' && keyId !== undefined) {
      return sshKeys.delete(keyId) ? { status: 200, body: null } : fail(404, `SSH key ${keyId} does not exist`)
    }
    if (req.method === 'GET' && rest === '/instance') {
      return { status: 200, body: [...instances.values()].map(({ polls: _p, ...i }) => i) }
    }
    if (req.method === 'POST' && rest === '/instance') {
      const b = req.body as Record<string, string | boolean | undefined>
      const flavor = FLAVORS.find((f) => f.id === b.flavorId && f.region === b.region)
      if (!flavor || !IMAGES.some((i) => i.id === b.imageId)) return fail(400, 'Invalid flavorId or imageId for region')
      if (init.quotaExceeded?.includes(flavor.name)) return fail(400, `Quota exceeded for flavor ${flavor.name}`)
      if (b.sshKeyId !== undefined && !sshKeys.has(String(b.sshKeyId))) return fail(404, 'SSH key does not exist')
      const id = randomUUID()
      const instance = {
        id,
        name: String(b.name),
        region: String(b.region),
        flavorId: flavor.id,
        imageId: String(b.imageId),
        status: 'BUILD',
        created: new Date().toISOString(),
        monthlyBilling: null,
        planCode: `${flavor.name}.consumption`,
        ipAddresses: [{ ip: '198.51.100.7', type: 'public', version: 4, networkId: 'ext', gatewayIp: null }],
        polls: 0,
      }
      instances.set(id, instance)
      return { status: 200, body: (({ polls: _p, ...i }) => i)(instance) }
    }
    const instanceId = /^\/instance\/([^/]+)$/.exec(rest)?.[1]
    if (instanceId !== undefined) {
      const instance = instances.get(instanceId)
      if (!instance) return fail(404, `Instance ${instanceId} does not exist`)
      if (req.method === 'DELETE') {
        instance.status = 'DELETING'
        return { status: 200, body: null }
      }
      // Transitions happen on reads, so clients must poll: BUILD → ACTIVE, DELETING → gone.
      if (instance.status === 'DELETING' && instance.polls++ > 0) {
        instances.delete(instanceId)
        return fail(404, `Instance ${instanceId} does not exist`)
      }
      const { polls: _p, ...body } = instance
      if (instance.status === 'BUILD') instance.status = 'ACTIVE'
      return { status: 200, body }
    }
    return fail(404, `no route ${req.method} ${rest}`)
  }

  const standin = await startStandin((req) => {
    const path = req.path.replace(/^\/1\.0/, '')
    if (path === '/auth/time') return { status: 200, body: Math.round(Date.now() / 1000) }
    if (req.headers['x-ovh-application'] !== init.appKey) return fail(403, 'Invalid application key', 'INVALID_KEY')
    for (const h of ['x-ovh-timestamp', 'x-ovh-consumer', 'x-ovh-signature']) {
      if (req.headers[h] === undefined) return fail(400, `Missing header ${h}`)
    }
    if (req.headers['x-ovh-consumer'] !== init.consumerKey)
      return fail(403, 'This credential does not exist', 'INVALID_CREDENTIAL')
    if (!signatureOk(req)) return fail(400, 'Invalid signature', 'INVALID_SIGNATURE')
    const m = /^\/cloud\/project\/([^/]+)(\/.*)$/.exec(path)
    if (!m || m[1] !== init.projectId) return fail(404, 'This service does not exist')
    return project(req, m[2] ?? '')
  }, tls)
  return { ...standin, instances, sshKeys }
}

/**
 * A loopback stand-in for the parts of the Hetzner Cloud API the adapter uses, written from the
 * documented request/response shapes (https://docs.hetzner.cloud/). Hetzner publishes no local
 * emulator, so this is the one hand-written fake in the package; it keeps the behaviours that matter
 * for cleanup: bearer auth, label selectors, pagination, asynchronous delete actions, and firewalls
 * that cannot be deleted while applied to a server.
 */
import type { HetznerAction } from '../../src/hetzner/hetzner-types.js'
import { type StandinReply, type StandinRequest, startStandin } from './http-standin.js'

export const HETZNER_SERVER_TYPES = ['cx22', 'cpx31', 'ccx33']
const LOCATIONS: Record<string, { datacenter: string; zone: string }> = {
  fsn1: { datacenter: 'fsn1-dc14', zone: 'eu-central' },
  hel1: { datacenter: 'hel1-dc2', zone: 'eu-central' },
}

interface Labelled {
  id: number
  name: string
  labels: Record<string, string>
}
interface Server extends Labelled {
  status: string
  server_type: string
  location: string
  firewalls: number[]
  ssh_keys: number[]
}

const error = (status: number, code: string, message: string): StandinReply => ({
  status,
  body: { error: { code, message, details: {} } },
})

/** `k==v`, `k=v`, `k!=v` and bare `k` terms joined by commas (the documented selector subset used here). */
function matches(labels: Record<string, string>, selector: string | null): boolean {
  if (selector === null || selector === '') return true
  return selector.split(',').every((term) => {
    const neq = term.split('!=')
    if (neq.length === 2) return labels[neq[0] ?? ''] !== neq[1]
    const [k, v] = term.includes('==') ? term.split('==') : term.split('=')
    return v === undefined ? k !== undefined && k in labels : labels[k ?? ''] === v
  })
}

export async function startHetznerStandin(token: string) {
  let nextId = 1000
  const servers = new Map<number, Server>()
  const firewalls = new Map<number, Labelled>()
  const sshKeys = new Map<number, Labelled>()
  /** Actions start `running` and finish on their first poll, so clients must wait for them. */
  const actions = new Map<number, HetznerAction & { then?: () => void }>()

  const newAction = (command: string, then?: () => void): HetznerAction => {
    const action = { id: nextId++, command, status: 'running' as const, error: null }
    actions.set(action.id, { ...action, ...(then === undefined ? {} : { then }) })
    return action
  }
  const serverJson = (s: Server) => ({
    id: s.id,
    name: s.name,
    status: s.status,
    server_type: { name: s.server_type },
    datacenter: {
      name: LOCATIONS[s.location]?.datacenter,
      location: { name: s.location, network_zone: LOCATIONS[s.location]?.zone },
    },
    public_net: { ipv4: { ip: `203.0.113.${s.id % 250}` } },
    labels: s.labels,
  })
  const page = <T>(req: StandinRequest, key: string, items: T[]): StandinReply => {
    const perPage = Number(req.query.get('per_page') ?? 25)
    const p = Number(req.query.get('page') ?? 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    return {
      status: 200,
      body: {
        [key]: items.slice((p - 1) * perPage, p * perPage),
        meta: {
          pagination: {
            page: p,
            per_page: perPage,
            previous_page: p > 1 ? p - 1 : null,
            next_page: p < last ? p + 1 : null,
            last_page: last,
            total_entries: items.length,
          },
        },
      },
    }
  }
  const one = (key: string, item: Labelled | undefined): StandinReply =>
    item ? { status: 200, body: { [key]: item } } : error(404, 'not_found', `${key} not found`)
  const unique = (name: string, pool: Map<number, Labelled>) => [...pool.values()].some((r) => r.name === name)

  const routes: [string, RegExp, (req: StandinRequest, id: number) => StandinReply][] = [
    [
      'GET',
      /^\/servers$/,
      (req) =>
        page(
          req,
          'servers',
          [...servers.values()].filter((s) => matches(s.labels, req.query.get('label_selector'))).map(serverJson),
        ),
    ],
    [
      'GET',
      /^\/servers\/(\d+)$/,
      (_req, id) => {
        const s = servers.get(id)
        return s ? { status: 200, body: { server: serverJson(s) } } : error(404, 'not_found', 'server not found')
      },
    ],
    [
      'POST',
      /^\/servers$/,
      (req) => {
        const b = req.body as Record<string, unknown>
        if (typeof b.name !== 'string' || typeof b.image !== 'string')
          return error(400, 'invalid_input', 'name and image are required')
        if (!HETZNER_SERVER_TYPES.includes(String(b.server_type)))
          return error(422, 'invalid_input', "invalid input in field 'server_type'")
        const location = typeof b.location === 'string' ? b.location : 'fsn1'
        if (!(location in LOCATIONS)) return error(422, 'invalid_input', "invalid input in field 'location'")
        if (unique(b.name, servers)) return error(409, 'uniqueness_error', 'server name is already used')
        const fw = ((b.firewalls as { firewall: number }[] | undefined) ?? []).map((f) => f.firewall)
        const keys = (b.ssh_keys as number[] | undefined) ?? []
        if (fw.some((id) => !firewalls.has(id)) || keys.some((id) => !sshKeys.has(id)))
          return error(404, 'not_found', 'firewall or ssh key not found')
        if (typeof b.user_data !== 'string') return error(400, 'invalid_input', 'user_data expected')
        const server: Server = {
          id: nextId++,
          name: b.name,
          status: 'initializing',
          server_type: String(b.server_type),
          location,
          firewalls: fw,
          ssh_keys: keys,
          labels: (b.labels as Record<string, string>) ?? {},
        }
        servers.set(server.id, server)
        const action = newAction('create_server', () => {
          server.status = 'running'
        })
        return { status: 201, body: { server: serverJson(server), action, next_actions: [], root_password: null } }
      },
    ],
    [
      'DELETE',
      /^\/servers\/(\d+)$/,
      (_req, id) => {
        const s = servers.get(id)
        if (!s) return error(404, 'not_found', 'server not found')
        s.status = 'deleting'
        return { status: 200, body: { action: newAction('delete_server', () => servers.delete(id)) } }
      },
    ],
    [
      'GET',
      /^\/actions\/(\d+)$/,
      (_req, id) => {
        const a = actions.get(id)
        if (!a) return error(404, 'not_found', 'action not found')
        if (a.status === 'running') {
          a.then?.()
          a.status = 'success'
        }
        const { then: _then, ...action } = a
        return { status: 200, body: { action } }
      },
    ],
    [
      'GET',
      /^\/firewalls$/,
      (req) =>
        page(
          req,
          'firewalls',
          [...firewalls.values()].filter((f) => matches(f.labels, req.query.get('label_selector'))),
        ),
    ],
    [
      'POST',
      /^\/firewalls$/,
      (req) => {
        const b = req.body as {
          name?: string
          labels?: Record<string, string>
          rules?: { port?: string; direction?: string }[]
        }
        if (typeof b.name !== 'string') return error(400, 'invalid_input', 'name is required')
        if (unique(b.name, firewalls)) return error(409, 'uniqueness_error', 'firewall name is already used')
        if ((b.rules ?? []).some((r) => r.direction !== 'in' && r.direction !== 'out'))
          return error(422, 'invalid_input', 'bad rule')
        const fw = { id: nextId++, name: b.name, labels: b.labels ?? {}, rules: b.rules ?? [] }
        firewalls.set(fw.id, fw)
        return { status: 201, body: { firewall: fw, actions: [] } }
      },
    ],
    [
      'DELETE',
      /^\/firewalls\/(\d+)$/,
      (_req, id) => {
        if (!firewalls.has(id)) return error(404, 'not_found', 'firewall not found')
        if ([...servers.values()].some((s) => s.firewalls.includes(id)))
          return error(422, 'resource_in_use', 'firewall is still applied')
        firewalls.delete(id)
        return { status: 204 }
      },
    ],
    [
      'GET',
      /^\/ssh_keys$/,
      (req) =>
        page(
          req,
          'ssh_keys',
          [...sshKeys.values()].filter((k) => matches(k.labels, req.query.get('label_selector'))),
        ),
    ],
    [
      'POST',
      /^\/ssh_keys$/,
      (req) => {
        const b = req.body as { name?: string; public_key?: string; labels?: Record<string, string> }
        if (typeof b.name !== 'string' || !/^ssh-(ed25519|rsa) /.test(b.public_key ?? ''))
          return error(422, 'invalid_input', "invalid input in field 'public_key'")
        if (unique(b.name, sshKeys)) return error(409, 'uniqueness_error', 'SSH key name is already used')
        const key = { id: nextId++, name: b.name, labels: b.labels ?? {}, public_key: b.public_key }
        sshKeys.set(key.id, key)
        return { status: 201, body: { ssh_key: key } }
      },
    ],
    [
      'DELETE',
      /^\/ssh_keys\/(\d+)$/,
      (_req, id) => {
        if (!sshKeys.delete(id)) return error(404, 'not_found', 'SSH key not found')
        return { status: 204 }
      },
    ],
    ['GET', /^\/firewalls\/(\d+)$/, (_req, id) => one('firewall', firewalls.get(id))],
    ['GET', /^\/ssh_keys\/(\d+)$/, (_req, id) => one('ssh_key', sshKeys.get(id))],
  ]

  const standin = await startStandin((req) => {
    if (req.headers.authorization !== `Bearer ${token}`) return error(401, 'unauthorized', 'unable to authenticate')
    const path = req.path.replace(/^\/v1/, '')
    for (const [method, pattern, handle] of routes) {
      const m = pattern.exec(path)
      if (m && method === req.method) return handle(req, Number(m[1]))
    }
    return error(404, 'not_found', `no route ${req.method} ${path}`)
  })
  return { ...standin, baseUrl: `${standin.url}/v1`, servers, firewalls, sshKeys }
}

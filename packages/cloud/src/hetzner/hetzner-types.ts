/** The subset of Hetzner Cloud API shapes this adapter reads (https://docs.hetzner.cloud/). */
export interface HetznerAction {
  id: number
  command: string
  status: 'running' | 'success' | 'error'
  error: { code: string; message: string } | null
}

export interface HetznerServer {
  id: number
  name: string
  status: string
  server_type: { name: string }
  datacenter: { name: string; location: { name: string; network_zone?: string } }
  public_net?: { ipv4?: { ip: string } | null }
  labels: Record<string, string>
}

export interface HetznerFirewall {
  id: number
  name: string
  labels: Record<string, string>
}

export interface HetznerSshKey {
  id: number
  name: string
  labels: Record<string, string>
}

export interface HetznerErrorBody {
  error: { code: string; message: string; details?: unknown }
}

export interface HetznerPagination {
  meta?: { pagination?: { next_page: number | null } }
}

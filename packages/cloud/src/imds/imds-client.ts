import {
  IMDS_TOKEN_HEADER,
  IMDS_TOKEN_REFRESH_MARGIN_S,
  IMDS_TOKEN_TTL_HEADER,
  IMDS_TOKEN_TTL_S,
  METADATA_BASE_URL,
} from '../constants.js'
import { type HttpResult, httpRequest } from '../http.js'
import { type HeldToken, needsRefresh } from './token-timing.js'

export interface ImdsClientInit {
  baseUrl?: string
  timeoutMs: number
  tokenTtlS?: number
  refreshMarginS?: number
  now?: () => number
}

/** `{ ok: false }` carries why the metadata service could not be read (unreachable, refused, timeout). */
export type ImdsAnswer = { ok: true; status: number; body: string } | { ok: false; reason: string }

/** IMDSv2 only: every GET carries a session token obtained by PUT /latest/api/token. */
export class ImdsClient {
  private readonly baseUrl: string
  private readonly timeoutMs: number
  private readonly ttlS: number
  private readonly marginS: number
  private readonly now: () => number
  private token: HeldToken | undefined
  /** How many tokens were fetched; lets callers (and tests) see refreshes happen. */
  tokensIssued = 0
  /** How many GETs came back 401 (token expired or revoked); proactive renewal keeps this at zero. */
  tokenRejections = 0

  constructor(init: ImdsClientInit) {
    this.baseUrl = (init.baseUrl ?? METADATA_BASE_URL).replace(/\/$/, '')
    this.timeoutMs = init.timeoutMs
    this.ttlS = init.tokenTtlS ?? IMDS_TOKEN_TTL_S
    this.marginS = init.refreshMarginS ?? IMDS_TOKEN_REFRESH_MARGIN_S
    this.now = init.now ?? Date.now
  }

  /** A valid token, renewed before its TTL runs out. */
  async session(): Promise<{ ok: true; token: string } | { ok: false; reason: string }> {
    if (!needsRefresh(this.token, this.now(), this.marginS) && this.token !== undefined) {
      return { ok: true, token: this.token.value }
    }
    const obtainedAtMs = this.now()
    const res = await httpRequest(`${this.baseUrl}/latest/api/token`, {
      method: 'PUT',
      headers: { [IMDS_TOKEN_TTL_HEADER]: String(this.ttlS) },
      timeoutMs: this.timeoutMs,
    })
    if (!res.ok) return res
    if (res.status !== 200 || res.body === '') {
      return { ok: false, reason: `PUT /latest/api/token answered ${res.status}` }
    }
    this.token = { value: res.body, obtainedAtMs, ttlS: this.ttlS }
    this.tokensIssued++
    return { ok: true, token: res.body }
  }

  /** GET a metadata path; a 401 (token expired early, e.g. the service restarted) renews once and retries. */
  async get(path: string): Promise<ImdsAnswer> {
    const first = await this.getOnce(path)
    if (!first.ok || first.status !== 401) return first
    this.tokenRejections++
    this.token = undefined
    return this.getOnce(path)
  }

  private async getOnce(path: string): Promise<HttpResult> {
    const session = await this.session()
    if (!session.ok) return session
    return httpRequest(`${this.baseUrl}${path}`, {
      headers: { [IMDS_TOKEN_HEADER]: session.token },
      timeoutMs: this.timeoutMs,
    })
  }
}

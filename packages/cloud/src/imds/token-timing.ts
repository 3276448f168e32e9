/** A held IMDSv2 session token and when it was obtained. */
export interface HeldToken {
  value: string
  obtainedAtMs: number
  ttlS: number
}

/**
 * When to renew: `margin` seconds before expiry, but never later than half-way through the TTL, so a
 * short TTL (tests use seconds) still renews before it lapses rather than on every call or never.
 */
export function refreshAtMs(token: HeldToken, marginS: number): number {
  const margin = Math.min(marginS, token.ttlS / 2)
  return token.obtainedAtMs + (token.ttlS - margin) * 1000
}

export function needsRefresh(token: HeldToken | undefined, nowMs: number, marginS: number): boolean {
  return token === undefined || nowMs >= refreshAtMs(token, marginS)
}

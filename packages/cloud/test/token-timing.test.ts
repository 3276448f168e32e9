import { describe, expect, it } from 'vitest'
import { needsRefresh, refreshAtMs } from '../src/index.js'

describe('IMDSv2 token refresh timing', () => {
  const token = { value: 't', obtainedAtMs: 1_000_000, ttlS: 21_600 }

  it('renews one margin before expiry', () => {
    expect(refreshAtMs(token, 60)).toBe(1_000_000 + (21_600 - 60) * 1000)
    expect(needsRefresh(token, refreshAtMs(token, 60) - 1, 60)).toBe(false)
    expect(needsRefresh(token, refreshAtMs(token, 60), 60)).toBe(true)
  })

  it('caps the margin at half the TTL so short tokens renew mid-life, not at once or never', () => {
    const short = { value: 't', obtainedAtMs: 0, ttlS: 2 }
    expect(refreshAtMs(short, 60)).toBe(1000)
    expect(needsRefresh(short, 999, 60)).toBe(false)
    expect(needsRefresh(short, 1000, 60)).toBe(true)
  })

  it('fetches when no token is held', () => {
    expect(needsRefresh(undefined, 0, 60)).toBe(true)
  })
})

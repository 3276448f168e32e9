import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSpotWatcher, type InterruptionEvent, type RebalanceEvent } from '../src/index.js'
import { startAemm } from './support/aemm.js'
import { freePort, type RunningTool } from './support/tools.js'

describe('spot watcher against amazon-ec2-metadata-mock (IMDSv2 only)', () => {
  let delayed: RunningTool
  let hibernate: RunningTool
  let quiet: RunningTool

  beforeAll(async () => {
    ;[delayed, hibernate, quiet] = await Promise.all([
      // Interruption notice after 2 s, rebalance recommendation after 1 s.
      startAemm(['spot', '-a', 'terminate', '-d', '2', '--rebalance-delay-sec', '1']),
      startAemm(['spot', '-a', 'hibernate']),
      startAemm(['spot', '-d', '3600', '--rebalance-delay-sec', '3600']),
    ])
  })
  afterAll(async () => {
    await Promise.all([delayed.stop(), hibernate.stop(), quiet.stop()])
  })

  it('emits the rebalance recommendation and the interruption once each, when the mock posts them', async () => {
    await using watcher = createSpotWatcher({ imdsBaseUrl: delayed.url, pollMs: 100, timeoutMs: 2000 })
    const interruptions: InterruptionEvent[] = []
    const rebalances: RebalanceEvent[] = []
    const failures: Error[] = []
    watcher.on('interruption', (e) => interruptions.push(e))
    watcher.on('rebalance', (e) => rebalances.push(e))
    watcher.on('poll-failed', (e) => failures.push(e))
    const started = new Date()
    await watcher.start()
    expect(watcher.isStarted()).toBe(true)
    const interruption = await watcher.next('interruption')
    await watcher.next('rebalance')
    expect(interruption.action).toBe('terminate')
    // AEMM posts "now + 2 minutes", as EC2 does.
    expect(interruption.at.getTime()).toBeGreaterThan(started.getTime())
    expect(interruption.noticeAt.getTime()).toBeGreaterThanOrEqual(started.getTime())
    expect(rebalances[0]?.noticeAt).toBeInstanceOf(Date)
    await new Promise((r) => setTimeout(r, 300))
    expect(interruptions).toHaveLength(1)
    expect(rebalances).toHaveLength(1)
    expect(failures).toEqual([])
    expect(watcher.seen.map((e) => e.kind).sort()).toEqual(['interruption', 'rebalance'])
  })

  it('carries the action AWS announces (hibernate)', async () => {
    await using watcher = createSpotWatcher({ imdsBaseUrl: hibernate.url, pollMs: 100, timeoutMs: 2000 })
    await watcher.start()
    expect((await watcher.next('interruption')).action).toBe('hibernate')
  })

  it('renews its IMDSv2 token before the TTL lapses and keeps polling without errors', async () => {
    const watcher = createSpotWatcher({ imdsBaseUrl: quiet.url, pollMs: 100, timeoutMs: 2000, tokenTtlS: 2 })
    const failures: Error[] = []
    watcher.on('poll-failed', (e) => failures.push(e))
    await watcher.start()
    // TTL 2 s renews at half-life: three tokens means two renewals were needed and made.
    await vi.waitFor(() => expect(watcher.tokensIssued).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 100 })
    await watcher.stop()
    // The mock expires tokens after their TTL (401); renewing ahead of time means none was ever refused.
    expect(watcher.tokenRejections).toBe(0)
    expect(failures).toEqual([])
    expect(watcher.seen).toEqual([])
  })

  it('recovers with one renewal when IMDS refuses a token the local clock still thinks valid', async () => {
    // A stalled clock (suspend/resume) never schedules the renewal; the mock expires the token after 1 s.
    const stalled = Date.now()
    const watcher = createSpotWatcher({
      imdsBaseUrl: quiet.url,
      pollMs: 300,
      timeoutMs: 2000,
      tokenTtlS: 1,
      now: () => stalled,
    })
    const failures: Error[] = []
    watcher.on('poll-failed', (e) => failures.push(e))
    await watcher.start()
    await vi.waitFor(() => expect(watcher.tokenRejections).toBeGreaterThanOrEqual(1), {
      timeout: 10_000,
      interval: 100,
    })
    await watcher.stop()
    expect(failures).toEqual([])
  })

  it('stops polling on stop() and cannot be restarted', async () => {
    const watcher = createSpotWatcher({ imdsBaseUrl: quiet.url, pollMs: 50, timeoutMs: 2000 })
    await watcher.start()
    await watcher.stop()
    expect(watcher.isStarted()).toBe(false)
    await expect(watcher.start()).rejects.toMatchObject({ name: 'WatcherStateError' })
  })

  it('fails to start with MetadataUnavailableError when IMDS does not answer', async () => {
    const watcher = createSpotWatcher({ imdsBaseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 500 })
    await expect(watcher.start()).rejects.toMatchObject({ name: 'MetadataUnavailableError', cloud: 'aws' })
    expect(watcher.isStarted()).toBe(false)
  })
})

describe('spot watcher on clouds without notices', () => {
  it('is a watcher that never fires and never touches the network', async () => {
    for (const cloud of ['hetzner', 'ovh', 'workstation'] as const) {
      // The IMDS options are ignored: nothing may be contacted, not even a closed loopback port.
      await using watcher = createSpotWatcher({ cloud, imdsBaseUrl: 'http://127.0.0.1:9', pollMs: 10 })
      const events: unknown[] = []
      watcher.on('interruption', (e) => events.push(e))
      watcher.on('rebalance', (e) => events.push(e))
      await watcher.start()
      expect(watcher.source).toBe('none')
      expect(watcher.isStarted()).toBe(true)
      await new Promise((r) => setTimeout(r, 50))
      expect(events).toEqual([])
      expect(watcher.tokensIssued).toBe(0)
    }
  })
})

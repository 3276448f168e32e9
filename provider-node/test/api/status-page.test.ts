import { existsSync } from 'node:fs'
import type { NodeStatus } from '@synkti/jobs'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NodeDetails, type RunningNodeApi, startNodeApi } from '../../src/api/index.js'
import { apiOptions, type FakeView, failover, jobView } from './fixtures.js'

/** Debian's package; CHROMIUM_PATH points elsewhere. Installed by scripts/setup-test-deps.sh. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--no-first-run',
  '--no-default-browser-check',
]
/** The page polls this often here (2 s by default); the waits below allow several polls. */
const REFRESH_MS = 250
const WAIT = { timeout: 10_000, polling: 50 }

const T0 = Date.UTC(2026, 8, 21, 12, 0, 0)

let browser: Browser
let api: RunningNodeApi
let view: FakeView
let page: Page
const problems: string[] = []
const requested: string[] = []

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `headless Chromium not found at ${CHROMIUM}: install it with \`apt-get install chromium\` ` +
        '(scripts/setup-test-deps.sh does), or set CHROMIUM_PATH',
    )
  }
  const built = await apiOptions()
  view = built.view
  api = await startNodeApi({ ...built.options, port: 0 })
  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  page = await browser.newPage()
  // a CSP violation or a script error shows up here
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(String(error)))
  page.on('request', (request) => requested.push(request.url()))
})

afterAll(async () => {
  await browser?.close()
  await api?.close()
})

async function textOf(selector: string): Promise<string> {
  return page.$eval(selector, (el) => el.textContent ?? '')
}

/** What `/node` says: the network, the market's mints (6 decimals each), two sampled series. */
function details(): NodeDetails {
  const peerId = '12D3KooWNodeUnderTest'
  const at = (i: number) => 1_790_000_000 + i * 10
  return {
    network: {
      peerId,
      addresses: [`/ip4/127.0.0.1/tcp/41234/p2p/${peerId}`, `/ip4/10.11.12.13/tcp/41234/p2p/${peerId}`],
      listen: ['/ip4/0.0.0.0/tcp/41234'],
      peers: 2,
      dhtPeers: 0,
    },
    tokens: {
      payment: { mint: 'PayMint1111111111111111111111111111111111111', decimals: 6 },
      stake: { mint: 'StakeMint111111111111111111111111111111111111', decimals: 6 },
    },
    series: [
      {
        name: 'memory',
        threshold: 0.9,
        points: Array.from({ length: 30 }, (_, i): [number, number] => [at(i), 0.4 + (i % 10) * 0.02]),
      },
      {
        name: 'requests',
        threshold: 8,
        points: Array.from({ length: 30 }, (_, i): [number, number] => [at(i), i % 4]),
      },
    ],
  }
}

/** Reputation row key → [label, value], as rendered. */
async function reputation(): Promise<Record<string, string[]>> {
  return page.$$eval('#reputation tr[data-reputation]', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        r.getAttribute('data-reputation'),
        [r.cells[0]?.textContent ?? '', r.cells[1]?.textContent ?? ''],
      ]),
    ),
  )
}

/** Health check → [state, detail], as rendered. */
async function checks(): Promise<Record<string, string[]>> {
  return page.$$eval('#checks tr[data-check]', (rows) =>
    Object.fromEntries(
      rows.map((r) => [r.getAttribute('data-check'), [r.cells[1]?.textContent ?? '', r.cells[2]?.textContent ?? '']]),
    ),
  )
}

/** Phase → duration cell, as rendered. */
async function phaseDurations(failoverId: string): Promise<Record<string, string>> {
  return page.$$eval(`[data-failover="${failoverId}"] tr[data-phase]`, (rows) =>
    Object.fromEntries(rows.map((row) => [row.getAttribute('data-phase'), row.cells[2]?.textContent ?? ''])),
  )
}

describe('status page in headless Chromium', () => {
  it('shows the job, the failover phases with durations, stake and earnings, and follows the node', async () => {
    const job = await jobView({ jobId: 'job-llama', model: 'meta-llama/Llama-3.1-8B-Instruct' })
    const draining: NodeStatus = {
      ...view.current,
      admitting: false,
      jobs: [{ ...job, state: 'draining' }],
      failovers: [failover(job.lease, ['serving', 'draining'], [45_000], T0)],
    }
    view.current = draining
    view.nodeDetails = details()
    view.healthReport = {
      ok: true,
      checks: [
        { name: 'rpc', ok: true, detail: 'provider account read (active)' },
        { name: 'p2p', ok: true, detail: '2 peers connected' },
        {
          name: 'dht',
          ok: true,
          degraded: true,
          detail: 'no DHT peers: the record and capability announcement are kept on this node only',
        },
      ],
    }

    await page.goto(`${api.url}/?refresh=${REFRESH_MS}`)
    await page.waitForSelector('[data-job="job-llama"]', WAIT)

    const jobRow = await textOf('[data-job="job-llama"]')
    expect(jobRow).toContain('draining')
    expect(jobRow).toContain('meta-llama/Llama-3.1-8B-Instruct')
    expect(jobRow).toContain('http://127.0.0.1:8001')
    expect(await textOf('[data-field="operator"]')).toBe(view.current.operator)
    expect(await textOf('[data-field="role"]')).toBe('worker')
    expect(await textOf('[data-field="context"]')).toBe('aws eu-central-1a (spot)')
    expect(await textOf('[data-field="admitting"]')).toContain('no')
    // amounts in token units, with each mint's decimals (stake 6, payment 6)
    expect(await textOf('[data-field="staked"]')).toBe('1,500')
    expect(await textOf('[data-field="earned"]')).toBe('0.734')
    expect(await textOf('[data-field="price"]')).toBe('0.00012 / s')
    // reputation as a table a person reads
    expect(await reputation()).toEqual({
      leasesCompleted: ['Leases completed', '12'],
      failoversTaken: ['Failovers taken over', '1'],
      secondsVerified: ['Service on receipts', '1 h'],
      earned: ['Earned (net of fees)', '0.734'],
    })
    // where the node listens, whom it reaches, and the health of RPC, P2P and the DHT
    expect(await textOf('[data-field="peerId"]')).toBe('12D3KooWNodeUnderTest')
    expect(await page.$$eval('#addresses li', (items) => items.map((i) => i.textContent))).toEqual(
      view.nodeDetails.network?.addresses,
    )
    expect(await textOf('[data-field="peers"]')).toBe('2')
    expect(await textOf('[data-field="dhtPeers"]')).toBe('0')
    expect(await textOf('[data-field="health"]')).toBe('degraded')
    expect(await checks()).toEqual({
      rpc: ['ok', 'provider account read (active)'],
      p2p: ['ok', '2 peers connected'],
      dht: ['degraded', 'no DHT peers: the record and capability announcement are kept on this node only'],
    })
    // the prognostics series as small charts, not a table
    expect(await page.$('#series')).toBeNull()
    const charts = await page.$$eval('#charts figure', (figures) =>
      figures.map((f) => ({
        series: f.getAttribute('data-series'),
        points: f.querySelector('svg polyline')?.getAttribute('points')?.split(' ').length,
        threshold: f.querySelector('svg line.threshold') !== null,
        last: f.querySelector('figcaption .last')?.textContent,
      })),
    )
    expect(charts).toEqual([
      { series: 'memory', points: 30, threshold: true, last: '58 %' },
      { series: 'requests', points: 30, threshold: true, last: '1' },
    ])
    expect(await textOf('[data-field="queued"]')).toBe('2')
    expect(await textOf('[data-field="risk"]')).toBe('25 %')
    expect(await textOf('[data-failover="fo-1"] h3')).toBe('fo-1: draining')
    const during = await phaseDurations('fo-1')
    expect(during.serving).toBe('45.0 s')
    expect(during.draining).toMatch(/\(running\)$/)

    // the node moves on: the failover completes, the job is handed off, the chain pays
    view.current = {
      ...draining,
      admitting: true,
      jobs: [{ ...job, state: 'handed-off', endpoint: null, handedOffTo: draining.provider }],
      failovers: [
        {
          ...failover(
            job.lease,
            ['serving', 'draining', 'selecting', 'handing-off', 'spawning', 'health', 'restored'],
            [45_000, 1_500, 200, 3_200, 12_000, 8_400],
            T0,
          ),
          target: draining.provider,
        },
      ],
      chain: {
        staked: '1500000000',
        earned: '812500',
        providerStatus: 'active',
        reputation: { leasesCompleted: '13', earned: '812500' },
      },
      settlement: { queued: 0, lastAttestedAt: 1_790_000_200, lastError: null },
    }
    await page.waitForSelector('[data-failover="fo-1"].phase-restored', WAIT)
    expect(await phaseDurations('fo-1')).toEqual({
      serving: '45.0 s',
      draining: '1.5 s',
      selecting: '200 ms',
      'handing-off': '3.2 s',
      spawning: '12.0 s',
      health: '8.4 s',
      restored: '',
    })
    expect(await textOf('[data-failover="fo-1"] p')).toContain('interruption')
    expect(await textOf('[data-job="job-llama"]')).toContain('handed-off')
    expect(await textOf('[data-field="earned"]')).toBe('0.8125')
    expect(await reputation()).toEqual({
      leasesCompleted: ['Leases completed', '13'],
      earned: ['Earned (net of fees)', '0.8125'],
    })
    expect(await textOf('[data-field="queued"]')).toBe('0')
    expect(await textOf('[data-field="admitting"]')).toBe('yes')

    expect(problems).toEqual([])
    const origin = new URL(api.url).origin
    expect(requested.length).toBeGreaterThan(0)
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([])
  })

  it('keeps the last status on screen and says why when the node cannot answer', async () => {
    view.failure = new Error('view unavailable')
    await page.waitForSelector('[data-field="problem"]:not([hidden])', WAIT)
    expect(await textOf('[data-field="problem"]')).toContain('Error: view unavailable')
    expect(await textOf('[data-field="earned"]')).toBe('0.8125')
    problems.length = 0 // the failed fetch logs a 500; that is the point here

    view.failure = null
    await page.waitForSelector('[data-field="problem"][hidden]', WAIT)
  })

  it('renders markup in a status as text', async () => {
    const job = await jobView({ jobId: 'job-x', model: '<img src=x onerror="document.title=1">' })
    view.current = { ...view.current, jobs: [job] }
    await page.waitForSelector('[data-job="job-x"]', WAIT)
    expect(await textOf('[data-job="job-x"]')).toContain('<img src=x')
    expect(await page.$('[data-job="job-x"] img')).toBeNull()
    expect(problems).toEqual([])
  })

  it('a deployer says that it serves no leases and how to serve', async () => {
    view.current = { ...view.current, role: 'deployer', admitting: false, jobs: [] }
    await page.waitForSelector('[data-field="roleNotice"]:not([hidden])', WAIT)
    expect(await textOf('[data-field="roleNotice"]')).toContain('synkti-provider run --role worker')
    expect(await textOf('[data-field="admitting"]')).toBe('no (deployer: serves no leases)')
    view.current = { ...view.current, role: 'worker', admitting: true }
    await page.waitForSelector('[data-field="roleNotice"][hidden]', WAIT)
    expect(problems).toEqual([])
  })

  it.each([1280, 1024])('fits a laptop-width window (%d px) without sideways scrolling', async (width) => {
    const job = await jobView({ jobId: 'job-wide', model: 'meta-llama/Llama-3.1-70B-Instruct-with-a-long-name' })
    view.current = {
      ...view.current,
      jobs: [job, { ...job, jobId: 'job-wide-2', state: 'handed-off', handedOffTo: view.current.provider }],
      failovers: [failover(job.lease, ['serving', 'draining', 'selecting'], [1_000, 2_000], T0)],
    }
    await page.setViewport({ width, height: 800 })
    await page.waitForSelector('[data-job="job-wide-2"]', WAIT)
    const overflow = await page.$eval('html', (root) => ({
      page: root.scrollWidth - root.clientWidth,
      // every section stays inside the window
      sections: [...root.querySelectorAll('section')].map((s) => s.getBoundingClientRect().right),
      window: root.clientWidth,
    }))
    expect(overflow.page).toBeLessThanOrEqual(0)
    for (const right of overflow.sections) expect(right).toBeLessThanOrEqual(overflow.window)
    // the charts are drawn at that width
    const chartWidth = await page.$eval('#charts figure svg', (el) => el.getBoundingClientRect().width)
    expect(chartWidth).toBeGreaterThan(100)
    expect(problems).toEqual([])
  })
})

import { existsSync } from 'node:fs'
import type { NodeStatus } from '@synkti/jobs'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningNodeApi, startNodeApi } from '../../src/api/index.js'
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
    expect(await textOf('[data-field="staked"]')).toBe('1,500,000,000')
    expect(await textOf('[data-field="earned"]')).toBe('734,000')
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
      chain: { staked: '1500000000', earned: '812500', providerStatus: 'active', reputation: { completed: '13' } },
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
    expect(await textOf('[data-field="earned"]')).toBe('812,500')
    expect(await textOf('[data-field="reputation"]')).toBe('completed 13')
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
    expect(await textOf('[data-field="earned"]')).toBe('812,500')
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
})

// The status page: polls the node's own /status and renders it with textContent only, so
// nothing in a status (a model name, an error message) can become markup.
import {
  chartGeometry,
  failoverElapsed,
  formatContext,
  formatDuration,
  formatRisk,
  formatSeriesValue,
  formatTime,
  formatTimeToThreshold,
  formatTokens,
  phaseRows,
  reputationRows,
  shortAddress,
} from './format.js'

const SVG = 'http://www.w3.org/2000/svg'
const CHART_WIDTH = 240
const CHART_HEIGHT = 48
/** The command that makes a node serve where it would not (its context line says the same). */
const SERVE_COMMAND = 'synkti-provider run --role worker'

const DEFAULT_REFRESH_MS = 2000
const MIN_REFRESH_MS = 250

const refreshMs = Math.max(
  MIN_REFRESH_MS,
  Number(new URLSearchParams(location.search).get('refresh') ?? DEFAULT_REFRESH_MS) || DEFAULT_REFRESH_MS,
)

/** @param {string} name @param {string} text @param {string} [className] */
function setField(name, text, className) {
  for (const el of document.querySelectorAll(`[data-field="${name}"]`)) {
    el.textContent = text
    if (className !== undefined) el.className = className
  }
}

/** @param {string} tag @param {string} text @param {string} [className] */
function el(tag, text, className) {
  const node = document.createElement(tag)
  node.textContent = text
  if (className) node.className = className
  return node
}

/** @param {string[]} cells @param {string} [className] */
function row(cells, className) {
  const tr = document.createElement('tr')
  if (className) tr.className = className
  for (const cell of cells) tr.append(el('td', cell))
  return tr
}

/** @param {string} name @param {boolean} empty */
function showEmpty(name, empty) {
  const note = document.querySelector(`[data-empty="${name}"]`)
  if (note) note.hidden = !empty
}

/** @param {string} tag @param {Record<string, string | number>} attributes */
function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value))
  return node
}

function renderNode(s, tokens) {
  setField('operator', s.operator)
  setField('role', s.role)
  setField('context', formatContext(s.context))
  const why = s.role === 'deployer' ? 'deployer: serves no leases' : 'draining or failing over'
  setField('admitting', s.admitting ? 'yes' : `no (${why})`, s.admitting ? 'yes' : 'no')
  const notice = document.querySelector('[data-field="roleNotice"]')
  notice.hidden = s.role !== 'deployer'
  notice.textContent =
    s.role === 'deployer'
      ? `This node is a deployer: it serves no leases and is not listed to consumers. To serve on this machine: ${SERVE_COMMAND}`
      : ''
  const gpu = s.capability.gpu
  setField('gpu', `${gpu.count} × ${gpu.model} (${gpu.vramGb} GB)`)
  setField('price', `${formatTokens(s.pricePerSecond, tokens?.payment.decimals ?? null)} / s`)
  setField('market', s.market)
  setField('provider', s.provider)
}

function renderNetwork(network) {
  setField('peerId', network?.peerId ?? '–')
  const list = document.getElementById('addresses')
  list.replaceChildren(
    ...(network?.addresses ?? []).map((address) => {
      const item = document.createElement('li')
      item.append(el('code', address))
      return item
    }),
  )
  setField('peers', network === null ? '–' : String(network.peers), network?.peers === 0 ? 'no' : '')
  setField('dhtPeers', network === null ? '–' : String(network.dhtPeers), network?.dhtPeers === 0 ? 'warn' : '')
}

function renderHealth(health) {
  const state = (check) => (!check.ok ? 'failing' : check.degraded ? 'degraded' : 'ok')
  const status = health.status ?? (health.ok ? 'ok' : 'failing')
  setField('health', status, `health health-${status}`)
  document.querySelector('#checks tbody').replaceChildren(
    ...(health.checks ?? []).map((check) => {
      const tr = row([check.name, state(check), check.detail ?? ''], `check health-${state(check)}`)
      tr.dataset.check = check.name
      return tr
    }),
  )
}

function renderChain(chain, tokens) {
  const body = document.querySelector('#reputation tbody')
  if (chain === null) {
    for (const name of ['staked', 'earned', 'providerStatus']) setField(name, 'chain unreachable', 'no')
    body.replaceChildren()
    showEmpty('reputation', false)
    return
  }
  setField('staked', formatTokens(chain.staked, tokens?.stake.decimals ?? null), '')
  setField('earned', formatTokens(chain.earned, tokens?.payment.decimals ?? null), '')
  setField('providerStatus', chain.providerStatus, chain.providerStatus === 'active' ? 'yes' : 'no')
  const rows = reputationRows(chain.reputation, tokens?.payment.decimals ?? null)
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr')
      tr.dataset.reputation = r.key
      tr.append(el('th', r.label), el('td', r.value, 'num'))
      return tr
    }),
  )
  showEmpty('reputation', rows.length === 0)
}

function renderJobs(jobs) {
  const body = document.querySelector('#jobs tbody')
  body.replaceChildren(
    ...jobs.map((job) => {
      const tr = row(
        [
          job.state,
          job.jobId,
          job.model,
          job.endpoint ?? '–',
          shortAddress(job.lease),
          formatTime(job.startedAt),
          job.handedOffTo ? `handed off to ${shortAddress(job.handedOffTo)}` : (job.reason ?? ''),
        ],
        'job',
      )
      tr.dataset.job = job.jobId
      tr.cells[0].className = `state-${job.state}`
      tr.cells[4].title = job.lease
      return tr
    }),
  )
  showEmpty('jobs', jobs.length === 0)
}

function renderFailovers(failovers, nowMs) {
  const list = document.getElementById('failovers')
  list.replaceChildren(
    ...failovers.map((f) => {
      const box = document.createElement('article')
      box.className = `failover phase-${f.phase}`
      box.dataset.failover = f.id
      box.append(el('h3', `${f.id}: ${f.phase}`))
      const target = f.target ? ` → ${shortAddress(f.target)}` : ''
      const reason = f.reason ? ` · ${f.reason}` : ''
      box.append(
        el(
          'p',
          `${f.trigger} · lease ${shortAddress(f.lease)}${target} · ${failoverElapsed(f.phases, nowMs)}${reason}`,
        ),
      )
      const table = document.createElement('table')
      const head = document.createElement('thead')
      head.append(row(['Phase', 'Started (UTC)', 'Duration']))
      const body = document.createElement('tbody')
      for (const phase of phaseRows(f.phases, nowMs)) {
        const tr = row(
          [phase.kind, phase.started, phase.duration],
          `phase phase-${phase.kind}${phase.running ? ' running' : ''}`,
        )
        tr.dataset.phase = phase.kind
        body.append(tr)
      }
      table.append(head, body)
      box.append(table)
      return box
    }),
  )
  showEmpty('failovers', failovers.length === 0)
}

function renderSettlement(settlement) {
  setField('queued', String(settlement.queued))
  setField('lastAttestedAt', formatTime(settlement.lastAttestedAt))
  setField('lastError', settlement.lastError ?? 'none', settlement.lastError ? 'no' : '')
}

function renderPrognostics(prognostics, series) {
  setField('risk', formatRisk(prognostics.risk))
  setField('spareRequested', prognostics.spareRequested ? 'yes' : 'no')
  const reports = new Map(prognostics.series.map((r) => [r.name, r]))
  document.getElementById('charts').replaceChildren(
    ...series.map((s) => {
      const report = reports.get(s.name)
      const threshold = s.threshold ?? report?.threshold ?? null
      const g = chartGeometry(s.points, threshold, CHART_WIDTH, CHART_HEIGHT)
      const box = document.createElement('figure')
      box.className = 'chart'
      box.dataset.series = s.name
      const caption = document.createElement('figcaption')
      caption.append(
        el('span', s.name, 'name'),
        el('span', g.last === null ? '–' : formatSeriesValue(s.name, g.last), 'last'),
      )
      const chart = svg('svg', {
        viewBox: `0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`,
        preserveAspectRatio: 'none',
        role: 'img',
        'aria-label': `${s.name}: ${s.points.length} samples`,
      })
      chart.append(svg('rect', { class: 'frame', x: 0.5, y: 0.5, width: CHART_WIDTH - 1, height: CHART_HEIGHT - 1 }))
      if (g.thresholdY !== null) {
        chart.append(svg('line', { class: 'threshold', x1: 0, x2: CHART_WIDTH, y1: g.thresholdY, y2: g.thresholdY }))
      }
      chart.append(svg('polyline', { class: 'series', points: g.line }))
      const facts = [
        `${s.points.length} samples`,
        report === undefined || report.periodsSec.length === 0
          ? 'no period'
          : `period ${report.periodsSec.map((p) => formatDuration(p * 1000)).join(', ')}`,
        threshold === null ? '' : `threshold ${formatSeriesValue(s.name, threshold)}`,
        report === undefined ? '' : `crossing: ${formatTimeToThreshold(report.timeToThresholdSec)}`,
      ].filter(Boolean)
      box.append(caption, chart, el('p', facts.join(' · '), 'facts'))
      return box
    }),
  )
  showEmpty('charts', series.length === 0)
}

function render(status, health, details) {
  const nowMs = Date.now()
  renderNode(status, details.tokens)
  renderNetwork(details.network)
  renderHealth(health)
  renderChain(status.chain, details.tokens)
  renderJobs(status.jobs)
  renderFailovers(status.failovers, nowMs)
  renderSettlement(status.settlement)
  renderPrognostics(status.prognostics, details.series)
  setField('updated', `as of ${formatTime(status.at)}`)
}

/** @param {string | null} message */
function showProblem(message) {
  const problem = document.querySelector('[data-field="problem"]')
  problem.hidden = message === null
  problem.textContent = message ?? ''
}

/** GET `path` as JSON; `/health` answers 503 with a body too. */
async function getJson(path, okStatuses = [200]) {
  const response = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' } })
  const doc = await response.json()
  if (!okStatuses.includes(response.status)) {
    throw new Error(`${doc.error ?? response.status}: ${doc.message ?? response.statusText}`)
  }
  return doc
}

async function refresh() {
  try {
    const [signed, health, details] = await Promise.all([
      getJson('status'),
      getJson('health', [200, 503]),
      // a node without /node still has a page: nothing beyond its status
      getJson('node').catch(() => ({ network: null, tokens: null, series: [] })),
    ])
    render(signed.body, health, details)
    showProblem(null)
  } catch (err) {
    // keep the last good view on screen; say that it is stale and why
    showProblem(
      `Could not read the node's status (${err instanceof Error ? err.message : String(err)}); showing the last one.`,
    )
  } finally {
    setTimeout(refresh, refreshMs)
  }
}

refresh()

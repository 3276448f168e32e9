// The status page: polls the node's own /status and renders it with textContent only, so
// nothing in a status (a model name, an error message) can become markup.
import {
  failoverElapsed,
  formatAmount,
  formatContext,
  formatDuration,
  formatRisk,
  formatTime,
  formatTimeToThreshold,
  phaseRows,
  shortAddress,
} from './format.js'

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

function renderNode(s) {
  setField('operator', s.operator)
  setField('role', s.role)
  setField('context', formatContext(s.context))
  setField('admitting', s.admitting ? 'yes' : 'no (draining or failing over)', s.admitting ? 'yes' : 'no')
  const gpu = s.capability.gpu
  setField('gpu', `${gpu.count} × ${gpu.model} (${gpu.vramGb} GB)`)
  setField('price', `${formatAmount(s.pricePerSecond)} / s`)
  setField('market', s.market)
  setField('provider', s.provider)
}

function renderChain(chain) {
  if (chain === null) {
    for (const name of ['staked', 'earned', 'providerStatus', 'reputation']) setField(name, 'chain unreachable', 'no')
    return
  }
  setField('staked', formatAmount(chain.staked), '')
  setField('earned', formatAmount(chain.earned), '')
  setField('providerStatus', chain.providerStatus, chain.providerStatus === 'active' ? 'yes' : 'no')
  const reputation = Object.entries(chain.reputation)
  setField('reputation', reputation.length === 0 ? 'none yet' : reputation.map(([k, v]) => `${k} ${v}`).join(', '), '')
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

function renderPrognostics(prognostics) {
  setField('risk', formatRisk(prognostics.risk))
  setField('spareRequested', prognostics.spareRequested ? 'yes' : 'no')
  document
    .querySelector('#series tbody')
    .replaceChildren(
      ...prognostics.series.map((s) =>
        row([
          s.name,
          String(s.samples),
          s.periodsSec.length === 0 ? 'none' : s.periodsSec.map((p) => formatDuration(p * 1000)).join(', '),
          String(s.threshold),
          formatTimeToThreshold(s.timeToThresholdSec),
        ]),
      ),
    )
}

function render(status) {
  const nowMs = Date.now()
  renderNode(status)
  renderChain(status.chain)
  renderJobs(status.jobs)
  renderFailovers(status.failovers, nowMs)
  renderSettlement(status.settlement)
  renderPrognostics(status.prognostics)
  setField('updated', `as of ${formatTime(status.at)}`)
}

/** @param {string | null} message */
function showProblem(message) {
  const problem = document.querySelector('[data-field="problem"]')
  problem.hidden = message === null
  problem.textContent = message ?? ''
}

async function refresh() {
  try {
    const response = await fetch('status', { cache: 'no-store', headers: { accept: 'application/json' } })
    const doc = await response.json()
    if (!response.ok) throw new Error(`${doc.error ?? response.status}: ${doc.message ?? response.statusText}`)
    render(doc.body)
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

/** What `synkti-provider doctor` prints: one line per item, its remedy indented under a failure. */
import type { CheckStatus, PreflightReport } from './types.js'

const MARK: Record<CheckStatus['kind'], string> = { ok: '✓', failed: '✗', unverified: '?', skipped: '-' }

export function formatDoctor(report: PreflightReport): string {
  const lines = report.checks.map((c) => {
    const head = `${MARK[c.status.kind]} ${c.title}: ${c.observed}`
    switch (c.status.kind) {
      case 'failed':
        return `${head}\n    fix: ${c.status.remedy}`
      case 'unverified':
        return `${head}\n    unverified: ${c.status.note}`
      default:
        return head
    }
  })
  const failed = report.checks.filter((c) => c.status.kind === 'failed').length
  const summary = !report.ok
    ? `not ready to ${report.operation}: ${failed} item(s) to fix`
    : report.job === null
      ? `no job checked for ${report.operation} (the node's own items pass): --spec <job spec file> checks one`
      : `ready to ${report.operation}${report.job === undefined ? '' : ` ${report.job}`}`
  return `${lines.join('\n')}\n${summary}\n`
}

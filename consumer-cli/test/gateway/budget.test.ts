import { describe, expect, it } from 'vitest'
import { budgetAction } from '../../src/gateway/budget.js'

describe('budgetAction: warn, then top up within the limit', () => {
  it('does nothing while the runway is long enough', () => {
    expect(budgetAction(601, 0n, { warnBelowSec: 600, amount: 1_000n })).toEqual({ kind: 'ok' })
  })

  it('warns when there is no automatic top-up', () => {
    expect(budgetAction(599, 0n, { warnBelowSec: 600 })).toEqual({
      kind: 'warn',
      seconds: 599,
      reason: 'no-auto-top-up',
    })
  })

  it('tops up while the spend limit allows, then only warns', () => {
    const p = { warnBelowSec: 600, amount: 1_000n, maxSpend: 2_500n }
    expect(budgetAction(10, 0n, p)).toEqual({ kind: 'top-up', amount: 1_000n, seconds: 10 })
    expect(budgetAction(10, 1_500n, p)).toEqual({ kind: 'top-up', amount: 1_000n, seconds: 10 })
    expect(budgetAction(10, 2_000n, p)).toEqual({ kind: 'warn', seconds: 10, reason: 'spend-limit' })
  })
})

import { Keypair, type PublicKey } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { describeError } from '../../src/classify.js'
import { JobFailedError, JobRejectedError, NoSuitableProviderError } from '../../src/errors.js'
import { type MoveEvent, type MoveSteps, makeBeforeBreak } from '../../src/gateway/move.js'
import type { Offer } from '../../src/offers.js'

const OLD = Keypair.generate().publicKey.toBase58()
const NEW = Keypair.generate().publicKey
const offer = { operator: 'op-b', provider: 'prov-b', pricePerSecond: 900n } as Offer

/** Steps that record their order; `fail` makes one of them throw. */
function scripted(fail: Partial<Record<keyof MoveSteps, Error>> = {}): { steps: MoveSteps; calls: string[] } {
  const calls: string[] = []
  const step =
    <T>(name: keyof MoveSteps, value: T) =>
    async (...args: unknown[]): Promise<T> => {
      calls.push(args.length > 0 && name === 'closeNew' ? `${name} ${(args[0] as PublicKey).toBase58()}` : name)
      const err = fail[name]
      if (err !== undefined) throw err
      return value
    }
  return {
    calls,
    steps: {
      choose: step('choose', offer),
      open: step('open', { lease: NEW, signature: 'sig-open', deposit: 3_240_000n }),
      submit: step('submit', undefined),
      healthy: step('healthy', {
        route: { lease: NEW.toBase58(), operator: 'op-b', provider: 'prov-b', endpoint: 'http://127.0.0.1:9/' },
        openedAt: 77,
      }),
      switchTo: step('switchTo', undefined),
      drain: step('drain', undefined),
      closeOld: step('closeOld', { signature: 'sig-close', refund: 1_234n }),
      closeNew: step('closeNew', undefined),
    },
  }
}

describe('make-before-break', () => {
  it('makes the new lease healthy and switches to it before it closes the old one', async () => {
    const { steps, calls } = scripted()
    const events: MoveEvent[] = []
    const outcome = await makeBeforeBreak(OLD, steps, (e) => events.push(e))
    expect(calls).toEqual(['choose', 'open', 'submit', 'healthy', 'switchTo', 'drain', 'closeOld'])
    expect(outcome).toMatchObject({
      from: OLD,
      to: NEW.toBase58(),
      operator: 'op-b',
      deposit: 3_240_000n,
      endpoint: 'http://127.0.0.1:9/',
      old: { closed: true, signature: 'sig-close', refund: 1_234n },
    })
    expect(outcome.failure).toBeUndefined()
    expect(events.filter((e) => e.kind === 'move').map((e) => e.kind === 'move' && e.step)).toEqual([
      'choosing',
      'opening',
      'submitting',
      'waiting',
      'switching',
      'draining',
      'closing-old',
    ])
    expect(events.at(-1)).toEqual({
      kind: 'moved',
      from: OLD,
      to: NEW.toBase58(),
      operator: 'op-b',
      endpoint: 'http://127.0.0.1:9/',
      oldClosed: true,
      refund: '1234',
    })
  })

  it('a new lease that never gets healthy is closed again; the old one is never touched (MoveAbortedError)', async () => {
    const { steps, calls } = scripted({ healthy: new JobFailedError(NEW.toBase58(), 'out of memory') })
    const events: MoveEvent[] = []
    const err = await makeBeforeBreak(OLD, steps, (e) => events.push(e)).catch((e) => e)
    expect(calls).toEqual(['choose', 'open', 'submit', 'healthy', `closeNew ${NEW.toBase58()}`])
    const report = describeError(err)
    expect(report).toMatchObject({ name: 'MoveAbortedError', exitCode: 6 })
    expect(report.message).toBe(
      `the move of lease ${OLD} stopped at waiting: JobFailedError: job ${NEW.toBase58()} failed: out of memory; lease ${OLD} still serves (the new lease ${NEW.toBase58()} was closed)`,
    )
    expect(events.at(-1)).toMatchObject({ kind: 'move-failed', step: 'waiting', newLeaseClosed: true })
  })

  it('a new lease that cannot be closed again is named in the remedy', async () => {
    const { steps } = scripted({ switchTo: new Error('disk full'), closeNew: new Error('rpc down') })
    const err = await makeBeforeBreak(OLD, steps, () => {}).catch((e) => e)
    expect(err.name).toBe('MoveAbortedError')
    expect(err.remedy).toBe(
      `close the new lease to recover its deposit: synkti job stop ${NEW.toBase58()}; then try another provider with --to`,
    )
  })

  it('before a lease is opened the error is the original one; a declined job was closed by the decline', async () => {
    const none = scripted({ choose: new NoSuitableProviderError([]) })
    await expect(makeBeforeBreak(OLD, none.steps, () => {})).rejects.toMatchObject({ name: 'NoSuitableProviderError' })
    expect(none.calls).toEqual(['choose'])
    const declined = scripted({ submit: new JobRejectedError('op-b', 'busy', NEW.toBase58(), true) })
    const err = await makeBeforeBreak(OLD, declined.steps, () => {}).catch((e) => e)
    expect(declined.calls).toEqual(['choose', 'open', 'submit'])
    expect(err).toMatchObject({ name: 'MoveAbortedError', step: 'submitting', newLeaseClosed: true })
  })

  it('an old lease that will not close leaves the move made, with OldLeaseNotClosedError to act on', async () => {
    const { steps } = scripted({ closeOld: new Error('LeaseDisputed') })
    const outcome = await makeBeforeBreak(OLD, steps, () => {})
    expect(outcome.old.closed).toBe(false)
    expect(describeError(outcome.failure)).toMatchObject({
      name: 'OldLeaseNotClosedError',
      exitCode: 4,
      remedy: `close it to settle and recover its escrow: synkti job stop ${OLD}`,
    })
  })
})

// Level 2 (localnet): a deposit or top-up above the consumer's token balance is refused inside
// the SPL Token program (its error 1), which the market program only passes on. The client names
// it by the token program's own error, with the logs, instead of "program error 1".
import { describe, expect, it } from 'vitest'
import { toClientError } from '../../src/index.js'
import { client, parties } from '../support/chain.js'

describe('refusals of the programs the market program invokes, named as theirs', () => {
  it('an escrow above the balance is TokenInsufficientFundsError (open_lease and top_up_lease)', async () => {
    const { m, p } = await parties.trio()
    const c = await parties.consumer(m, 700_000n)
    const opening = parties.openLease(c, p, 900_000n)
    await expect(opening).rejects.toMatchObject({
      name: 'TokenInsufficientFundsError',
      code: 1,
      message: 'the SPL Token program refused the transfer: insufficient funds (InsufficientFunds, error 1)',
      remedy: expect.stringContaining('npm run localnet -- faucet'),
      logs: expect.arrayContaining(['Program log: Error: insufficient funds']),
    })
    const { lease } = await parties.activeLease(c, p, 600_000n)
    await expect(client.topUpLease({ consumer: c.kp, lease, amount: 500_000n })).rejects.toMatchObject({
      name: 'TokenInsufficientFundsError',
    })
    // nothing moved
    expect(await parties.balance(c.token)).toBe(100_000n)
  })

  it("the market program's own refusals keep their names; the system program's error 1 is InsufficientLamportsError", () => {
    const own = toClientError(new Error('x'), 'http://127.0.0.1:8899', [
      'Program SYNKmkt111111111111111111111111111111111111 invoke [1]',
      "Program log: AnchorError thrown in programs/synkti-market/src/instructions/open_lease.rs:47. Error Code: DepositBelowInterval. Error Number: 6041. Error Message: Escrow does not cover one attestation gap at the lease's price.",
      'Program SYNKmkt111111111111111111111111111111111111 failed: custom program error: 0x1799',
    ])
    expect(own.name).toBe('DepositBelowIntervalError')
    const lamports = toClientError(new Error('x'), 'http://127.0.0.1:8899', [
      'Program SYNKmkt111111111111111111111111111111111111 invoke [1]',
      'Program 11111111111111111111111111111111 invoke [2]',
      'Transfer: insufficient lamports 10, need 2039280',
      'Program 11111111111111111111111111111111 failed: custom program error: 0x1',
      'Program SYNKmkt111111111111111111111111111111111111 failed: custom program error: 0x1',
    ])
    expect(lamports).toMatchObject({ name: 'InsufficientLamportsError', remedy: expect.stringContaining('--sol') })
  })
})

// A missing token account is named as such; a closed lease as a closed lease (same error class).
import { describe, expect, it } from 'vitest'
import { type ProgramError, ProgramErrors, toClientError } from '../src/index.js'

const program = 'SYNKmkt111111111111111111111111111111111111'
function blamed(account: string): ProgramError {
  const logs = [
    `Program ${program} invoke [1]`,
    `Program log: AnchorError caused by account: ${account}. Error Code: AccountNotInitialized. Error Number: 3012. Error Message: The program expected this account to be already initialized.`,
    `Program ${program} failed: custom program error: 0xbc4`,
  ]
  return toClientError(new Error('x'), 'http://127.0.0.1:8899', logs) as ProgramError
}

describe('AccountNotInitializedError', () => {
  it('names a missing token account and how to get one, without a tool the user does not have', () => {
    for (const [account, words] of [
      ['payout', 'payout token account'],
      ['wallet', 'stake token account'],
      ['consumer_token', 'payment token account'],
      ['destination', 'destination token account'],
      ['new_payout', 'payout token account'],
      ['consumer_stake_token', 'stake token account'],
    ] as const) {
      const err = blamed(account)
      expect(err.name).toBe('AccountNotInitializedError')
      expect(err.account).toBe(account)
      expect(err.remedy).toContain(words)
      expect(err.remedy).toContain('npm run localnet -- faucet')
      expect(err.remedy).not.toMatch(/closed|\bsolana |spl-token/)
    }
  })

  it('says a lease account that is gone ended and was closed', () => {
    expect(blamed('lease').remedy).toMatch(/ended and was closed/)
    expect(blamed('lease').remedy).not.toContain('token account')
  })

  it('keeps a generic remedy when no account is named, and names an unknown one', () => {
    expect(new ProgramErrors.AccountNotInitialized().remedy).toMatch(/token account never created.*lease that ended/)
    expect(blamed('mystery').remedy).toContain('`mystery` does not exist')
  })
})

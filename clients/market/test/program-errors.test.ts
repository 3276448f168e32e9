import { readFileSync } from 'node:fs'
import anchor from '@anchor-lang/core'
import { describe, expect, it } from 'vitest'
import {
  IDL,
  isProgramError,
  PROGRAM_ERRORS,
  ProgramError,
  ProgramErrors,
  programErrorCode,
  programErrorFromCode,
  toClientError,
} from '../src/index.js'

describe('program error table', () => {
  it('has a class for every SynktiError in the IDL, named after the variant, with its code and message', () => {
    expect(IDL.errors).toHaveLength(57)
    for (const e of IDL.errors) {
      const err = programErrorFromCode(e.code)
      expect(err).toBeInstanceOf(ProgramError)
      expect(err).toBeInstanceOf(ProgramErrors[e.name])
      expect(err.name).toBe(`${e.name}Error`)
      expect(err.code).toBe(e.code)
      expect(err.message).toBe(e.msg)
      expect(err.remedy.length).toBeGreaterThan(10)
    }
  })

  it('numbers the v2 variants after v1’s, append-only', () => {
    const v2 = [
      'MinStakeZero',
      'DisputeBondZero',
      'LeaseEnded',
      'AttestationPastGap',
      'LeaseStalled',
      'DepositBelowInterval',
      'SelfDealing',
      'ConsumerConsentRequired',
      'MigrationLimitReached',
      'ZeroLengthHandoff',
      'OperatorTaken',
      'AccountAlreadyExists',
      'StaleLeaseId',
      'InvalidReceipt',
      'ReceiptDoesNotCover',
      'ExposureRemains',
      'LeaseNotEnded',
      'NoPendingUpdate',
      'UpdateNotDue',
      'PayoutIsProgramVault',
      'InsufficientUnclaimed',
    ] as const
    expect(v2.map((v) => new ProgramErrors[v]().code)).toEqual(v2.map((_, i) => 6036 + i))
    expect(new ProgramErrors.InvalidReceipt()).toMatchObject({
      name: 'InvalidReceiptError',
      message: "The usage receipt is missing, malformed, or not signed by the lease's receipt signer",
      remedy: expect.stringContaining('Ed25519 instruction'),
    })
    expect(isProgramError(programErrorFromCode(6041), 'DepositBelowIntervalError')).toBe(true)
  })

  it("covers the Anchor framework errors the program's tests hit, with Anchor's own numbers", () => {
    const codes = anchor.LangErrorCode as unknown as Record<string, number>
    for (const variant of ['AccountNotInitialized', 'ConstraintSeeds', 'AccountDiscriminatorMismatch'] as const) {
      expect(programErrorFromCode(codes[variant] ?? -1).name).toBe(`${variant}Error`)
    }
    // Anchor 1.2's TS error list predates this variant; its number is anchor-lang-error 1.2.2's.
    expect(programErrorFromCode(2040).name).toBe('ConstraintDuplicateMutableAccountError')
  })

  it('has unique codes and names, and remedies that name a command where one exists', () => {
    expect(new Set(PROGRAM_ERRORS.map((e) => e.code)).size).toBe(PROGRAM_ERRORS.length)
    expect(new Set(PROGRAM_ERRORS.map((e) => e.variant)).size).toBe(PROGRAM_ERRORS.length)
    expect(new ProgramErrors.InsufficientStake().remedy).toBe('deposit more stake: synkti-provider stake --amount <n>')
  })

  it('is listed in the README, row for row: name, code, message (for the program’s own) and remedy', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const rows = readme
      .split('\n')
      .map((line) => /^\| `(\w+)Error`\s*\| (\d+)\s*\| (.*?)\s*\| (.*?)\s*\|$/.exec(line))
      .filter((m) => m !== null)
      .map(([, variant, code, when, remedy]) => ({ variant, code: Number(code), when, remedy }))
    expect(rows.map((r) => r.variant)).toEqual(PROGRAM_ERRORS.map((e) => e.variant))
    for (const [i, e] of PROGRAM_ERRORS.entries()) {
      expect(rows[i]).toMatchObject({
        code: e.code,
        remedy: e.remedy,
        ...(e.origin === 'synkti' ? { when: e.message } : {}),
      })
    }
  })

  it('gives unknown numbers an UnknownProgramError that keeps the code', () => {
    const err = programErrorFromCode(6999)
    expect(err.name).toBe('UnknownProgramError')
    expect(err.code).toBe(6999)
    expect(isProgramError(err)).toBe(true)
    expect(isProgramError(err, 'UnauthorizedError')).toBe(false)
  })
})

describe('reading the error out of a failed transaction', () => {
  const program = IDL.address
  it('parses Anchor error logs, including the account Anchor blames', () => {
    const logs = [
      `Program ${program} invoke [1]`,
      'Program log: Instruction: AttestUsage',
      'Program log: AnchorError thrown in programs/synkti-market/src/instructions/attest_usage.rs:34. Error Code: AttestationExceedsDeposit. Error Number: 6029. Error Message: Attested usage exceeds what is left in escrow.',
      `Program ${program} failed: custom program error: 0x178d`,
    ]
    expect(programErrorCode(logs)).toEqual({ code: 6029 })
    const err = toClientError(new Error('Simulation failed'), 'http://127.0.0.1:8899', logs)
    expect(err.name).toBe('AttestationExceedsDepositError')
    expect((err as ProgramError).logs).toEqual(logs)

    const blamed = [
      `Program ${program} invoke [1]`,
      'Program log: AnchorError caused by account: lease. Error Code: AccountNotInitialized. Error Number: 3012. Error Message: The program expected this account to be already initialized.',
      `Program ${program} failed: custom program error: 0xbc4`,
    ]
    const notInit = toClientError(new Error('x'), 'u', blamed) as ProgramError
    expect(notInit.name).toBe('AccountNotInitializedError')
    expect(notInit.account).toBe('lease')
  })

  it('falls back to the custom error number in the message or the status', () => {
    expect(programErrorCode([], 'failed to send transaction: ... custom program error: 0x1772')).toEqual({ code: 6002 })
    expect(toClientError({ InstructionError: [0, { Custom: 6018 }] }, 'u').name).toBe('InsufficientStakeError')
  })

  it('reports other failures as TransactionFailedError and network failures as RpcUnreachableError', () => {
    expect(toClientError(new Error('Blockhash not found'), 'u').name).toBe('TransactionFailedError')
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8899'), { code: 'ECONNREFUSED' })
    const err = toClientError(new TypeError('fetch failed', { cause: refused }), 'http://127.0.0.1:8899')
    expect(err.name).toBe('RpcUnreachableError')
    expect(err).toMatchObject({ url: 'http://127.0.0.1:8899', remedy: 'start the local chain: npm run localnet' })
  })
})

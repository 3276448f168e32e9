import { InvalidJobSpecError, MalformedNodeStatusError } from '@synkti/jobs'
import {
  AccountNotFoundError,
  KeypairFileMissingError,
  ProgramErrors,
  RpcUnreachableError,
  TransactionFailedError,
} from '@synkti/market'
import { BadSignatureError, KeypairFileNotFoundError, ProtocolTimeoutError, RecordNotFoundError } from '@synkti/p2p'
import { describe, expect, it } from 'vitest'
import { describeError } from '../src/classify.js'
import {
  EXIT_CODES,
  InvalidAmountError,
  JobRejectedError,
  MarketNotSetError,
  NoBootstrapError,
  NoSuitableProviderError,
  PeersUnreachableError,
  PreflightFailedError,
  SpecFileNotFoundError,
} from '../src/errors.js'
import { renderErrorText } from '../src/output.js'

describe('error → exit code', () => {
  const cases: [Error, keyof typeof EXIT_CODES][] = [
    [new InvalidAmountError('--amount', 'x'), 'usage'],
    [new MarketNotSetError(), 'usage'],
    [new NoBootstrapError(), 'usage'],
    [new SpecFileNotFoundError('a.yaml'), 'input'],
    [new InvalidJobSpecError([{ path: 'gpus.count', message: 'too small' }]), 'input'],
    [new KeypairFileMissingError('/k.json'), 'input'],
    [new KeypairFileNotFoundError('/k.json'), 'input'],
    [new AccountNotFoundError('Lease', 'L'), 'chain'],
    [new ProgramErrors.LeaseNotActive(), 'chain'],
    [new TransactionFailedError('boom', []), 'chain'],
    [new RpcUnreachableError('http://127.0.0.1:1'), 'network'],
    [new PeersUnreachableError(['/ip4/127.0.0.1/tcp/1/p2p/x']), 'network'],
    [new ProtocolTimeoutError('/synkti/status/1.0.0', 10), 'network'],
    [new RecordNotFoundError('/synkti/provider/m/o'), 'network'],
    [new BadSignatureError('status answer', 'op'), 'provider'],
    [new MalformedNodeStatusError([{ path: 'jobs', message: 'bad' }]), 'provider'],
    [new NoSuitableProviderError([]), 'provider'],
    [new JobRejectedError('op', 'busy', 'L', true), 'provider'],
    [new PreflightFailedError([{ name: 'rpc', remedy: 'start it' }]), 'preflight'],
  ]

  it.each(cases)('%s exits with its class', (err, cls) => {
    const report = describeError(err)
    expect(report.name).toBe(err.name)
    expect(report.exitCode).toBe(EXIT_CODES[cls])
    expect(report.expected).toBe(true)
    expect(report.remedy.length).toBeGreaterThan(0)
  })

  it('exit codes are distinct per class', () => {
    const codes = Object.values(EXIT_CODES)
    expect(new Set(codes).size).toBe(codes.length)
  })

  it('an error nobody named is a bug: exit 1, not expected', () => {
    const report = describeError(new TypeError('x is undefined'))
    expect(report).toMatchObject({ name: 'TypeError', exitCode: EXIT_CODES.internal, expected: false })
    expect(describeError('a string').name).toBe('InternalError')
  })

  it("keeps the named error's own remedy", () => {
    const err = new KeypairFileMissingError('/k.json')
    expect(describeError(err).remedy).toBe(err.remedy)
    expect(describeError(new ProgramErrors.LeaseNotActive()).remedy).toBe('the provider must accept the lease first')
  })

  it('lists a job spec issues by path and prints them one per line', () => {
    const err = new InvalidJobSpecError([
      { path: 'model.vramGb', message: 'Too small' },
      { path: '', message: 'not YAML: bad indentation at line 3, column 1' },
    ])
    const report = describeError(err)
    expect(report.issues).toEqual([
      { path: 'model.vramGb', message: 'Too small' },
      { path: '', message: 'not YAML: bad indentation at line 3, column 1' },
    ])
    const text = renderErrorText(report).split('\n')
    expect(text[0]).toBe(`error InvalidJobSpecError: ${err.message}`)
    expect(text).toContain('  model.vramGb: Too small')
    expect(text).toContain('  (document): not YAML: bad indentation at line 3, column 1')
    expect(text.at(-1)).toBe(`remedy: ${err.remedy}`)
  })

  it('the preflight remedy is the first failed check', () => {
    const err = new PreflightFailedError([
      { name: 'keypair', remedy: 'create one' },
      { name: 'rpc', remedy: 'start it' },
    ])
    expect(err.message).toBe('2 check(s) failed: keypair, rpc')
    expect(err.remedy).toBe('create one')
  })
})

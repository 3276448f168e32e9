// Every problem with a command line is reported in one run (exit 2), each by its own name, not
// one per run: bad values, bad arguments, unknown options, missing options and arguments,
// options that conflict, and the global flags' values. Nothing runs while one is there.
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { createProgram, type Invoke } from '../src/cli.js'
import { json, runMain } from './support/cli.js'

const lease = Keypair.generate().publicKey.toBase58()

describe('usage problems, all at once', () => {
  it('names each bad flag and argument of one command line, with the command to ask for help', async () => {
    const ran = await runMain(['job', 'top-up', 'not-a-lease', '--amount', '0', '--bogus', '--nope', '-u', 'devnett'])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toBe(
      [
        'error UsageError: 5 problems with the command line',
        '  InvalidAmountError: --amount "0" is not a positive whole number of base units',
        "  UsageError: unknown option '--bogus'",
        "  UsageError: unknown option '--nope'",
        '  InvalidAddressError: job id "not-a-lease" is not a base58 Solana address',
        '  InvalidUrlError: --url "devnett" is neither a cluster moniker nor an http(s) URL',
        'remedy: fix each one listed; see synkti job top-up --help',
        '',
      ].join('\n'),
    )
  })

  it('in one JSON object with --json: every problem with its name and remedy', async () => {
    const ran = await runMain(['providers', '--for', 'spec.yaml', '--gpu', 'H100', '--min-vram', '-2', '--json'])
    expect(ran.code).toBe(2)
    expect(json(ran).error).toEqual({
      name: 'UsageError',
      message: '2 problems with the command line',
      remedy: 'fix each one listed; see synkti providers --help',
      problems: [
        { name: 'UsageError', message: '--min-vram must be a positive number, got "-2"', remedy: 'see synkti --help' },
        {
          name: 'ConflictingOptionsError',
          message: '--gpu cannot go with --for: the spec says what the job needs',
          remedy: 'see synkti providers --help',
        },
      ],
    })
  })

  it('a missing option and a missing argument together; an option without its value is not also "not specified"', async () => {
    const both = await runMain(['job', 'top-up', '--json'])
    expect(both.code).toBe(2)
    expect((json(both).error as { problems?: unknown } | undefined)?.problems).toEqual([
      expect.objectContaining({ name: 'UsageError', message: "required option '--amount <amount>' not specified" }),
      expect.objectContaining({ name: 'UsageError', message: "missing required argument 'id'" }),
    ])
    const valueless = await runMain(['job', 'move', lease, '--spec', '--json'])
    expect(valueless.code).toBe(2)
    // --spec took "--json" as its file here: a move of nothing, refused for its missing option no more
    const bare = await runMain(['job', 'move', lease, '--deposit', '1.5', '--spec'])
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain("  UsageError: option '--spec <file>' argument missing")
    expect(bare.stderr).toContain('  InvalidAmountError: --deposit "1.5"')
    expect(bare.stderr).not.toContain('not specified')
  })

  it('one problem is that error itself, as before', async () => {
    const one = await runMain(['job', 'top-up', lease, '--amount', '1.5', '--json'])
    expect(one.code).toBe(2)
    expect(json(one).error).toMatchObject({ name: 'InvalidAmountError' })
    expect(json(one).error).not.toHaveProperty('problems')
  })

  it('nothing runs while a problem is there', async () => {
    let ran = false
    const invoke: Invoke = async () => {
      ran = true
    }
    const program = createProgram(invoke, () => undefined)
    await expect(
      program.parseAsync(['node', 'synkti', 'job', 'top-up', lease, '--amount', '5', '--bogus']),
    ).rejects.toMatchObject({ name: 'UsageError', message: "unknown option '--bogus'" })
    expect(ran).toBe(false)
  })

  it('a command that groups others, given none, names them (it printed "(outputHelp)")', async () => {
    const job = await runMain(['job'])
    expect(job.code).toBe(2)
    expect(job.stderr).toBe(
      'error UsageError: synkti job needs a command: run, status, logs, top-up, stop, move\nremedy: see synkti job --help\n',
    )
    const none = await runMain(['--json'])
    expect(none.code).toBe(2)
    expect(json(none).error).toMatchObject({ message: expect.stringMatching(/^synkti needs a command: providers, /) })
  })
})

// `npm run deploy -- …` as a user types it (migrations/deploy.ts `cli`): real help, the cluster
// monikers the CLIs take, and every flag that does not parse named at once (exit 2), never a
// TypeError from node:util or web3.js.
import { describe, expect, it } from 'vitest'
import { cli, parseDeployArgs, rpcUrlOf } from '../../../migrations/deploy.js'
import { DEFAULT_RPC_URL } from '../src/index.js'

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await cli(argv, {
    stdout: (l) => {
      stdout += `${l}\n`
    },
    stderr: (l) => {
      stderr += `${l}\n`
    },
  })
  return { code, stdout, stderr }
}

describe('npm run deploy -- …', () => {
  it('--help prints every option and exits 0', async () => {
    for (const help of [['--help'], ['-h'], ['--url', 'localnet', '--help']]) {
      const ran = await run(help)
      expect(ran.code, help.join(' ')).toBe(0)
      expect(ran.stderr).toBe('')
      expect(ran.stdout).toMatch(/^Usage: npm run deploy -- \[options\]/)
      for (const flag of [
        '--url',
        '--keypair',
        '--cluster',
        '--params',
        '--create-mints',
        '--mint',
        '--stake-mint',
        '--json',
      ])
        expect(ran.stdout).toContain(flag)
    }
  })

  it('takes the cluster monikers the CLIs take (localnet, l, devnet, …) and http(s) URLs', () => {
    expect(rpcUrlOf('localnet')).toBe(DEFAULT_RPC_URL)
    expect(rpcUrlOf('l')).toBe(DEFAULT_RPC_URL)
    expect(rpcUrlOf('devnet')).toBe('https://api.devnet.solana.com')
    expect(rpcUrlOf('m')).toBe('https://api.mainnet-beta.solana.com')
    expect(rpcUrlOf('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000')
    expect(parseDeployArgs(['-u', 'localnet', '-k', '/tmp/k.json', '--create-mints'])).toEqual({
      url: 'localnet',
      keypair: '/tmp/k.json',
      'create-mints': true,
    })
  })

  it('a --url that is neither is InvalidUrlError (exit 2), before any key is read', async () => {
    const ran = await run(['--url', 'localnett', '--keypair', '/nope/id.json'])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toBe(
      'error InvalidUrlError: --url "localnett" is neither a cluster moniker nor an http(s) URL\n' +
        'remedy: pass --url localnet, devnet, testnet, mainnet-beta (or l, d, t, m) or an http(s) URL\n',
    )
  })

  it('names every bad flag at once (exit 2), in one JSON object with --json', async () => {
    const text = await run(['--bogus', 'stray', '--create-mints=yes', '--attestation-gap'])
    expect(text.code).toBe(2)
    expect(text.stderr).toBe(
      'error UsageError: 4 problems: unknown option \'--bogus\'; unexpected argument "stray"; ' +
        "option '--create-mints' takes no value; option '--attestation-gap' needs a value\n" +
        'remedy: see npm run deploy -- --help\n',
    )
    const json = await run(['--nope', '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({
      error: { name: 'UsageError', message: "unknown option '--nope'", remedy: 'see npm run deploy -- --help' },
    })
  })

  it('a missing keypair is named with its remedy (exit 1), not a stack trace', async () => {
    const ran = await run(['--url', 'localnet', '--keypair', '/nope/id.json'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(/^error KeypairFileMissingError: .*\/nope\/id\.json/)
    expect(ran.stderr).toMatch(/\nremedy: /)
  })
})

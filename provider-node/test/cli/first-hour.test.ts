// The provider's first hour on localnet, as the READMEs say it (localnet/README.md "Faucet",
// provider-node/README.md "Register"), with nothing but the project's own tools: SOL and a
// market for the deployer, SOL and stake tokens for a new operator from the faucet, register,
// doctor, then a change of price by running register again. A home directory of its own.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Keypair, PublicKey } from '@solana/web3.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { main as deploy } from '../../../migrations/deploy.js'
import { chain, client } from '../support/chain.js'
import { type InProcessCli, inProcessCli } from './in-process.js'

const LOCALNET_SCRIPT = fileURLToPath(new URL('../../../scripts/localnet.mjs', import.meta.url))
let h: InProcessCli

/** `npm run localnet -- faucet …` as a user runs it (the script npm runs), in the test's home. */
async function faucet(args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [LOCALNET_SCRIPT, 'faucet', '--url', chain.rpcUrl, ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: h.home },
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const [code] = (await once(child, 'exit')) as [number]
  expect(code, out).toBe(0)
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>
}

beforeAll(async () => {
  h = await inProcessCli()
  // what `npm run localnet` creates when it is missing: the deployer's key
  await h.writeKeypair(h.defaultKeypair, Keypair.generate())
}, 60_000)

describe("a provider's first hour, as the READMEs say it", { timeout: 240_000 }, () => {
  it('faucet → deploy → keygen → faucet → register → doctor → register again with a new price', async () => {
    await faucet(['--to', '~/.config/solana/id.json', '--sol', '10'])
    const market = await deploy(['--url', chain.rpcUrl, '--create-mints'])

    const operatorPath = join(h.home, '.config', 'synkti', 'operator.json')
    const keygen = await h.cli(['keygen', '-o', operatorPath])
    expect(keygen.code, JSON.stringify(keygen.json)).toBe(0)
    const given = await faucet(['--to', operatorPath, '--sol', '2', '--stake', '1000000'])
    expect(given).toMatchObject({ market: market.market, stake: { balance: '1000000' } })

    const register = [
      'register',
      '-u',
      chain.rpcUrl,
      '--market',
      market.market,
      '--stake',
      '1000000',
      '--price',
      '1000',
      '--gpu',
      'L4',
      '--vram',
      '24',
      '--region',
      'eu-central',
      '--allow-command',
      'node',
    ]
    const first = await h.cli([...register.slice(0, 1), '-k', operatorPath, ...register.slice(1)])
    expect(first.code, JSON.stringify(first.json)).toBe(0)
    expect(first.json).toMatchObject({ registered: 'now', staked: '1000000', operator: keygen.json.address })

    const doctor = await h.cli(['doctor'])
    expect(doctor.code, JSON.stringify(doctor.json)).toBe(0)

    // run again as the README says: the config's key, a new price that reaches the chain
    const again = await h.cli(register.map((a) => (a === '1000' ? '1100' : a)))
    expect(again.code, JSON.stringify(again.json)).toBe(0)
    expect(again.json).toMatchObject({ registered: 'already', updated: ['pricePerSecond'] })
    const provider = await client.fetchProvider(new PublicKey(String(first.json.provider)))
    expect(provider.pricePerSecond).toBe(1100n)
    expect(provider.operator.toBase58()).toBe(keygen.json.address)
  })
})

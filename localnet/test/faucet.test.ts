// The faucet as a newcomer uses it: `npm run deploy -- --create-mints` made a market with the
// deployer's key, then `npm run localnet -- faucet` gives any wallet SOL and the market's tokens.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getAssociatedTokenAddressSync } from '@solana/spl-token'
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { main as deploy } from '../../migrations/deploy.js'
import { faucetCli } from '../src/ts/faucet-cli.js'

const { rpcUrl, wsUrl } = inject('localnet')
const SCRIPT = fileURLToPath(new URL('../../scripts/localnet.mjs', import.meta.url))
let connection: Connection
let dir: string
let deployerPath: string
let market: { market: string; mint: string; stakeMint: string }

async function keypairFile(name: string, kp = Keypair.generate()): Promise<string> {
  const path = join(dir, `${name}.json`)
  await writeFile(path, JSON.stringify(Array.from(kp.secretKey)), { mode: 0o600 })
  return path
}

/** The command in-process (its stdout captured); the last JSON line and the exit code. */
async function run(args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const lines: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk))
    return true
  })
  try {
    const code = await faucetCli([...args, '--url', rpcUrl, '--json'])
    return { code, json: JSON.parse(lines.join('').trim().split('\n').at(-1) ?? '{}') as Record<string, unknown> }
  } finally {
    spy.mockRestore()
  }
}

async function tokens(owner: Keypair | string, mint: string): Promise<bigint> {
  const key = typeof owner === 'string' ? owner : owner.publicKey.toBase58()
  const ata = getAssociatedTokenAddressSync(new PublicKey(mint), new PublicKey(key), true)
  return BigInt((await connection.getTokenAccountBalance(ata)).value.amount)
}

beforeAll(async () => {
  connection = new Connection(rpcUrl, { commitment: 'confirmed', wsEndpoint: wsUrl })
  dir = await mkdtemp(join(tmpdir(), 'synkti-faucet-'))
  const deployer = Keypair.generate()
  deployerPath = await keypairFile('deployer', deployer)
  // the deployer itself gets its SOL from the faucet: no other tool is needed
  expect((await run(['--to', deployerPath, '--sol', '10'])).code).toBe(0)
  const report = await deploy(['--url', rpcUrl, '--keypair', deployerPath, '--create-mints'])
  market = { market: report.market, mint: report.mint, stakeMint: report.stakeMint }
}, 60_000)

afterAll(() => {
  const ws = (connection as unknown as { _rpcWebSocket: { close(): void } })._rpcWebSocket
  ws.close()
})

describe('npm run localnet -- faucet', () => {
  it("gives a wallet SOL and the market's payment and stake tokens, into accounts it creates", async () => {
    const wallet = Keypair.generate()
    const args = [
      '--keypair',
      deployerPath,
      '--to',
      wallet.publicKey.toBase58(),
      '--sol',
      '2',
      '--payment',
      '1000000',
      '--stake',
      '2000000',
    ]
    const first = await run(args)
    expect(first.code, JSON.stringify(first.json)).toBe(0)
    expect(first.json).toMatchObject({
      to: wallet.publicKey.toBase58(),
      market: market.market,
      sol: { lamports: 2 * LAMPORTS_PER_SOL },
      payment: { mint: market.mint, amount: '1000000', balance: '1000000' },
      stake: { mint: market.stakeMint, amount: '2000000', balance: '2000000' },
    })
    expect(await connection.getBalance(wallet.publicKey)).toBe(2 * LAMPORTS_PER_SOL)
    expect(await tokens(wallet, market.mint)).toBe(1_000_000n)
    expect(await tokens(wallet, market.stakeMint)).toBe(2_000_000n)
    // again: the accounts exist, the tokens add up; --market named explicitly
    const again = await run([...args, '--market', market.market])
    expect(again.json).toMatchObject({ payment: { balance: '2000000' }, stake: { balance: '4000000' } })
  })

  it('takes a keypair file as the recipient, and a token account of the mint', async () => {
    const operator = Keypair.generate()
    const path = await keypairFile('operator', operator)
    const toFile = await run(['--keypair', deployerPath, '--to', path, '--stake', '5'])
    expect(toFile.code, JSON.stringify(toFile.json)).toBe(0)
    expect(await tokens(operator, market.stakeMint)).toBe(5n)
    const account = (toFile.json.stake as { account: string }).account
    const toAccount = await run(['--keypair', deployerPath, '--to', account, '--stake', '7'])
    expect(toAccount.json).toMatchObject({ stake: { account, balance: '12' } })
    // 0 creates the account and mints nothing (a payout account before any pay)
    const empty = Keypair.generate()
    const created = await run(['--keypair', deployerPath, '--to', empty.publicKey.toBase58(), '--payment', '0'])
    expect(created.json).toMatchObject({ payment: { amount: '0', balance: '0' } })
    expect(await tokens(empty, market.mint)).toBe(0n)
  })

  it('names a key that is not the mint authority, a market it cannot find, and bad flags', async () => {
    const stranger = await keypairFile('stranger')
    const someone = Keypair.generate().publicKey.toBase58()
    const notAuthority = await run([
      '--keypair',
      stranger,
      '--market',
      market.market,
      '--to',
      someone,
      '--payment',
      '1',
    ])
    expect(notAuthority).toMatchObject({
      code: 3,
      json: { error: { name: 'NotMintAuthorityError', remedy: expect.stringContaining('--keypair') } },
    })
    expect(notAuthority.json.error).toMatchObject({ message: expect.stringContaining(market.mint) })
    const noMarket = await run(['--keypair', stranger, '--to', someone, '--payment', '1'])
    expect(noMarket).toMatchObject({
      code: 3,
      json: { error: { name: 'FaucetMarketError', remedy: expect.stringContaining('npm run deploy') } },
    })
    const notMarket = await run(['--keypair', deployerPath, '--market', someone, '--to', someone, '--stake', '1'])
    expect(notMarket).toMatchObject({ code: 3, json: { error: { name: 'FaucetMarketError' } } })
    const missingKey = await run(['--keypair', join(dir, 'absent.json'), '--to', someone, '--stake', '1'])
    expect(missingKey).toMatchObject({ code: 3, json: { error: { name: 'FaucetKeypairError' } } })
    expect((await run(['--sol', '1'])).json).toMatchObject({ error: { name: 'FaucetUsageError' } })
    expect((await run(['--to', someone])).code).toBe(2)
    expect((await run(['--to', someone, '--sol', 'lots'])).code).toBe(2)
    expect((await run(['--to', someone, '--payment', '-1'])).code).toBe(2)
    // SOL alone needs no mint authority at all
    expect((await run(['--keypair', join(dir, 'absent.json'), '--to', someone, '--sol', '0.5'])).code).toBe(0)
  })

  it('runs as documented: npm run localnet -- faucet (scripts/localnet.mjs) without building the chain', async () => {
    const wallet = Keypair.generate().publicKey.toBase58()
    const child = spawn(
      process.execPath,
      [SCRIPT, 'faucet', '--url', rpcUrl, '--keypair', deployerPath, '--to', wallet, '--sol', '1', '--payment', '3'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const [code] = (await once(child, 'exit')) as [number]
    expect(code, out).toBe(0)
    expect(out).toContain(`faucet on ${rpcUrl} → ${wallet}`)
    expect(out).not.toContain('building')
    expect(await tokens(wallet, market.mint)).toBe(3n)
  })
})

// A provider's life on chain after register, through the commands its remedies name (issue 19,
// item 4): update, pause, resume, exit and withdraw — each with --json and named errors, and
// withdraw saying what keeps the stake and until when. On a localnet of its own, with its clock
// warped by days: on the shared chain that would exhaust every other file's leases mid-test.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import type { MarketClient } from '@synkti/market'
import { providerAddress, tokenBalance } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Parties } from '../../../clients/market/test/support/parties.js'
import { type MarketFx, warpClock } from '../support/chain.js'
import { type Localnet, ownChain } from '../support/localnet.js'
import { type InProcessCli, inProcessCli } from './in-process.js'

let h: InProcessCli
let m: MarketFx
let chain: Localnet
let client: MarketClient
let parties: Parties

beforeAll(async () => {
  ;({ chain, client, parties } = await ownChain())
  h = await inProcessCli()
  m = await parties.market()
}, 120_000)

afterAll(() => chain?.stop())

const warp = (seconds: number) => warpClock(chain.rpcUrl, seconds)

const readConfig = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
const error = (r: { json: Record<string, unknown> }) =>
  r.json.error as { name: string; message: string; remedy: string }

/** A provider registered through the CLI; `cold`: under a separate authority key (-a). */
async function registered(name: string, cold = false) {
  const operator = await parties.funded(1)
  const authority = cold ? await parties.funded(1) : operator
  const stakeWallet = await parties.tokenAccount(m, authority.publicKey, m.stakeMint, 5_000_000n)
  const dir = join(h.home, name)
  const keypair = await h.writeKeypair(join(dir, 'operator.json'), operator)
  const authorityPath = cold ? await h.writeKeypair(join(dir, 'authority.json'), authority) : keypair
  const config = join(dir, 'provider.json')
  const r = await h.cli([
    'register',
    '-u',
    chain.rpcUrl,
    '-k',
    keypair,
    ...(cold ? ['-a', authorityPath] : []),
    '-c',
    config,
    '--market',
    m.key.toBase58(),
    '--stake',
    '2000000',
    '--price',
    '1000',
    '--gpu',
    'L4',
    '--vram',
    '24',
    '--region',
    'eu-central',
  ])
  expect(r.code, JSON.stringify(r.json)).toBe(0)
  const provider = providerAddress(m.key, authority.publicKey, 0)
  return { operator, authority, authorityPath, config, provider, stakeWallet }
}

describe('synkti-provider update', { timeout: 120_000 }, () => {
  it('changes price, capabilities and payout on chain and in the config; a second run changes nothing', async () => {
    const p = await registered('update')
    const r = await h.cli(['update', '-c', p.config, '--price', '1500', '--region', 'eu-west', '--vram', '48'])
    expect(r.code, JSON.stringify(r.json)).toBe(0)
    expect(r.json).toMatchObject({
      provider: p.provider.toBase58(),
      changed: ['pricePerSecond', 'vramGb', 'region', 'zone'],
      pricePerSecond: '1500',
    })
    const onChain = await client.fetchProvider(p.provider)
    expect(onChain.pricePerSecond).toBe(1500n)
    expect(onChain.capabilities).toMatchObject({ region: 'eu-west', zone: 'eu-west', vramGb: 48, gpuModel: 'L4' })
    expect(await readConfig(p.config)).toMatchObject({
      pricePerSecond: '1500',
      capability: { region: 'eu-west', zone: 'eu-west', gpu: { vramGb: 48 } },
    })
    const again = await h.cli(['update', '-c', p.config, '--price', '1500'])
    expect(again.json).toMatchObject({ changed: [], signatures: [] })

    // a wallet as payout: its payment-mint account is created and named
    const wallet = Keypair.generate().publicKey
    const payout = await h.cli(['update', '-c', p.config, '--payout', wallet.toBase58()])
    expect(payout.code, JSON.stringify(payout.json)).toBe(0)
    const after = await client.fetchProvider(p.provider)
    expect(payout.json).toMatchObject({ changed: ['payout'], payout: after.payout.toBase58() })
    expect(await tokenBalance(client.connection, after.payout)).toBe(0n)
  })

  it('names nothing to update, a bad label, and a key that is not the authority', async () => {
    const p = await registered('update-errors', true)
    expect(await h.cli(['update', '-c', p.config])).toMatchObject({
      code: 2,
      json: { error: { name: 'NothingToUpdateError' } },
    })
    expect(await h.cli(['update', '-c', p.config, '--region', 'eu central'])).toMatchObject({
      code: 3,
      json: { error: { name: 'InvalidCliValueError' } },
    })
    const operatorOnly = await h.cli(['update', '-c', p.config, '--price', '2000'])
    expect(operatorOnly).toMatchObject({ code: 3, json: { error: { name: 'AuthorityKeyRequiredError' } } })
    expect(error(operatorOnly).remedy).toContain(p.authority.publicKey.toBase58())
    expect((await client.fetchProvider(p.provider)).pricePerSecond).toBe(1000n)
    const withAuthority = await h.cli(['update', '-c', p.config, '-a', p.authorityPath, '--price', '2000'])
    expect(withAuthority.code, JSON.stringify(withAuthority.json)).toBe(0)
    expect((await client.fetchProvider(p.provider)).pricePerSecond).toBe(2000n)
  })
})

describe('synkti-provider pause and resume', { timeout: 120_000 }, () => {
  it('pause stops new leases, again is AlreadyPausedError, resume takes them again; stake --amount 0 sends nothing', async () => {
    const p = await registered('pause')
    expect((await h.cli(['pause', '-c', p.config])).json).toMatchObject({ status: 'paused' })
    expect((await client.fetchProvider(p.provider)).status.kind).toBe('paused')
    const twice = await h.cli(['pause', '-c', p.config])
    expect(twice).toMatchObject({ code: 4, json: { error: { name: 'AlreadyPausedError' } } })
    expect(error(twice).remedy).toContain('synkti-provider resume')
    expect((await h.cli(['resume', '-c', p.config])).code).toBe(0)
    expect((await client.fetchProvider(p.provider)).status.kind).toBe('active')
    expect(await h.cli(['stake', '-c', p.config, '--amount', '0'])).toMatchObject({
      code: 3,
      json: { error: { name: 'InvalidCliValueError' } },
    })
    // more than the authority holds: named, with the faucet, before anything is sent
    const poor = await h.cli(['stake', '-c', p.config, '--amount', '3000001'])
    expect(poor).toMatchObject({ code: 3, json: { error: { name: 'StakeTokensMissingError' } } })
    expect(error(poor).remedy).toContain('npm run localnet -- faucet')
    expect((await h.cli(['stake', '-c', p.config, '--amount', '3000000'])).json).toMatchObject({ staked: '5000000' })
  })
})

describe('synkti-provider exit and withdraw', { timeout: 240_000 }, () => {
  it('names what keeps the stake and until when, finalizes and vests on the way, then pays it back', async () => {
    const p = await registered('exit')
    const notExiting = await h.cli(['withdraw', '-c', p.config])
    expect(notExiting).toMatchObject({ code: 4, json: { error: { name: 'NotExitingError' } } })
    expect(error(notExiting).remedy).toContain('synkti-provider exit')

    // a consumer's lease on it, accepted: the stake backs it
    const consumer = await parties.consumer(m, 10_000_000n)
    const { lease } = await client.openLease({
      consumer: consumer.kp,
      provider: p.provider,
      jobSpecHash: randomBytes(32),
      deposit: 1_000_000n,
      maxPricePerSecond: 10_000n,
    })
    await client.acceptLease({ operator: p.operator, lease })

    const unconfirmed = await h.cli(['exit', '-c', p.config])
    expect(unconfirmed).toMatchObject({ code: 2, json: { error: { name: 'ExitNotConfirmedError' } } })
    expect((await client.fetchProvider(p.provider)).status.kind).toBe('active')
    const exited = await h.cli(['exit', '-c', p.config, '--yes'])
    expect(exited.code, JSON.stringify(exited.json)).toBe(0)
    expect(exited.json).toMatchObject({ status: 'exiting', withdrawableAt: null })
    expect(String(exited.json.blockers)).toContain(lease.toBase58())

    const open = await h.cli(['withdraw', '-c', p.config])
    expect(open).toMatchObject({ code: 4, json: { error: { name: 'OpenLeasesRemainError' } } })
    expect(error(open).message).toContain(lease.toBase58())

    // the lease ends after some served time: its record and the provider's held pay stay for a dispute window
    await warp(30)
    await client.closeLease({ signer: consumer.kp, lease })
    const exposed = await h.cli(['withdraw', '-c', p.config])
    expect(exposed).toMatchObject({ code: 4, json: { error: { name: 'ExposureRemainsError' } } })
    expect(error(exposed).message).toContain(`lease ${lease.toBase58()} ended`)
    expect(error(exposed).message).toMatch(/held pay of \d+/)
    expect(error(exposed).remedy).toMatch(/run synkti-provider withdraw again after \d{4}-/)
    expect((await client.fetchProvider(p.provider)).staked).toBe(2_000_000n)

    // past both windows: withdraw finalizes the record and vests the pay itself; then the cooldown runs
    await warp(2 * m.params.disputeWindowSecs + 10)
    const cooling = await h.cli(['withdraw', '-c', p.config])
    expect(cooling).toMatchObject({ code: 4, json: { error: { name: 'CooldownNotElapsedError' } } })
    expect(error(cooling).message).toMatch(/unlocks at \d{4}-.*finalized 1 lease record/)
    const after = await client.fetchProvider(p.provider)
    expect(after).toMatchObject({ leaseRecords: 0 })
    expect(after.held.every((t) => t.payout + t.fee === 0n)).toBe(true)
    expect(await client.connection.getAccountInfo(lease)).toBeNull()

    await warp(m.params.exitCooldownSecs + 1)
    const before = await tokenBalance(client.connection, p.stakeWallet)
    const done = await h.cli(['withdraw', '-c', p.config])
    expect(done.code, JSON.stringify(done.json)).toBe(0)
    expect(done.json).toMatchObject({ withdrawn: '2000000', staked: '0', destination: p.stakeWallet.toBase58() })
    expect(await tokenBalance(client.connection, p.stakeWallet)).toBe(before + 2_000_000n)
    // again: nothing left, nothing sent
    expect((await h.cli(['withdraw', '-c', p.config])).json).toMatchObject({ withdrawn: '0', staked: '0' })
  })

  it('a cold authority signs exit and withdraw; the operator key alone is AuthorityKeyRequiredError', async () => {
    const p = await registered('exit-cold', true)
    expect(await h.cli(['exit', '-c', p.config, '--yes'])).toMatchObject({
      code: 3,
      json: { error: { name: 'AuthorityKeyRequiredError' } },
    })
    const exited = await h.cli(['exit', '-c', p.config, '--yes', '-a', p.authorityPath])
    expect(exited.code, JSON.stringify(exited.json)).toBe(0)
    expect(exited.json.withdrawableAt).toBe(exited.json.unlockAt)
    const early = await h.cli(['withdraw', '-c', p.config, '-a', p.authorityPath])
    expect(early).toMatchObject({ code: 4, json: { error: { name: 'CooldownNotElapsedError' } } })
    expect(error(early).remedy).toContain(new Date(Number(exited.json.unlockAt) * 1000).toISOString())
    expect((await h.cli(['exit', '-c', p.config, '--yes', '-a', p.authorityPath])).json).toMatchObject({
      error: { name: 'AlreadyExitingError' },
    })
  })
})

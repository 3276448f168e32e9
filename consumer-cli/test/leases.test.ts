/**
 * Chain commands against localnet: each as a real child process (`node consumer-cli/bin/synkti.js …`)
 * once, follow-up cases through `main` in-process (the same code, without a process start).
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { isoSeconds } from '../src/ending.js'
import { type ConsumerFx, chain, client, type MarketFx, type ProviderFx, parties, passTime } from './support/chain.js'
import { json, keypairFile, type Ran, runBin, runMain, tempDir } from './support/cli.js'

let m: MarketFx
let p: ProviderFx
let c: ConsumerFx
let wallet: string
let flags: string[]

beforeAll(async () => {
  ;({ m, p, c } = await parties.trio())
  wallet = await keypairFile(c.kp)
  flags = ['-u', chain.rpcUrl, '-k', wallet, '--market', m.key.toBase58()]
})

const GAP = 10

/** An accepted lease on a market with a 10 s attestation gap, whose provider never attests. */
async function silentProvider() {
  const short = await parties.market((params) => {
    params.maxAttestationGapSecs = GAP
  })
  const [silent, consumer] = await Promise.all([
    parties.provider(short, 1_000n, 1_000_000n),
    parties.consumer(short, 1_000_000n),
  ])
  const own = ['-u', chain.rpcUrl, '-k', await keypairFile(consumer.kp), '--market', short.key.toBase58()]
  const { lease } = await parties.activeLease(consumer, silent, 1_000_000n)
  return { silent, consumer, own, lease }
}

const ok = (ran: Ran) => {
  if (ran.code !== 0) throw new Error(`exit ${ran.code}: ${ran.stdout}${ran.stderr}`)
  return json(ran)
}

describe('synkti lease list', () => {
  it("lists the wallet's leases and nobody else's, with their status and escrow", async () => {
    const active = await parties.activeLease(c, p, 1_000_000n)
    const open = await parties.openLease(c, p, 700_000n)
    const other = await parties.consumer(m, 1_000_000n)
    await parties.openLease(other, p, 600_000n)

    const asJson = await runBin(['lease', 'list', '--json', ...flags])
    const asText = await runMain(['lease', 'list', ...flags])
    const listed = ok(asJson) as unknown as {
      consumer: string
      leases: { address: string; status: string; deposited: string }[]
    }
    expect(listed.consumer).toBe(c.kp.publicKey.toBase58())
    const byAddress = Object.fromEntries(listed.leases.map((l) => [l.address, l]))
    expect(Object.keys(byAddress).sort()).toEqual([active.lease.toBase58(), open.lease.toBase58()].sort())
    expect(byAddress[active.lease.toBase58()]).toMatchObject({ status: 'active', deposited: '1000000' })
    expect(byAddress[open.lease.toBase58()]).toMatchObject({ status: 'open', deposited: '700000' })

    // the market filter is applied on chain: another market has none of these leases
    const otherMarket = await parties.market()
    const elsewhere = json(await runMain(['lease', 'list', '--json', ...flags, '--market', otherMarket.key.toBase58()]))
    expect(elsewhere.leases).toEqual([])
    // an address that is no market is named, not read as a market without leases
    for (const [wrong, found] of [
      [c.token.toBase58(), 'is not a market: it holds another kind of account'],
      [Keypair.generate().publicKey.toBase58(), 'there is no account at that address'],
    ] as const) {
      const ran = await runMain(['lease', 'list', '--json', ...flags, '--market', wrong])
      expect(ran.code).toBe(4)
      expect(json(ran).error).toMatchObject({
        name: 'MarketNotFoundError',
        message: expect.stringContaining(found),
        remedy: expect.stringContaining('npm run deploy'),
      })
    }

    expect(asText.code).toBe(0)
    const rows = asText.stdout.trim().split('\n')
    expect(rows[0]).toMatch(/^LEASE\s+STATUS\s+PROVIDER\s+DEPOSITED\s+REMAINING\s+PRICE\/S\s+OPENED$/)
    expect(
      rows
        .slice(1)
        .map((r) => r.split(/\s+/)[0])
        .sort(),
    ).toEqual(Object.keys(byAddress).sort())
  })
})

describe('synkti job top-up / stop / dispute open', () => {
  it('top-up adds escrow; stop settles and refunds; a closed lease is a named chain error', async () => {
    const { lease } = await parties.activeLease(c, p, 1_000_000n)
    const id = lease.toBase58()
    const topped = ok(await runBin(['job', 'top-up', id, '--amount', '25_000', '--json', ...flags]))
    expect(topped).toMatchObject({ kind: 'job-top-up', lease: id, amount: '25000', deposited: '1025000' })
    expect((await client.fetchLease(lease)).deposited).toBe(1_025_000n)

    const before = await parties.balance(c.token)
    const stopped = ok(await runBin(['job', 'stop', id, '--json', ...flags]))
    expect(stopped).toMatchObject({ kind: 'job-stop', lease: id })
    const refund = BigInt(stopped.refund as string)
    const paid = BigInt(stopped.payout as string) + BigInt(stopped.fee as string)
    expect(refund + paid).toBe(1_025_000n)
    expect(await parties.balance(c.token)).toBe(before + refund)

    // the lease list and the status say why it ended, with the money as the account has it
    const fee = BigInt(stopped.fee as string)
    const listed = (ok(await runMain(['lease', 'list', '--json', ...flags])).leases as Record<string, unknown>[]).find(
      (l) => l.address === id,
    )
    expect(listed).toMatchObject({
      status: 'ended',
      outcome: 'completed',
      remaining: '0',
      ending: {
        outcome: 'completed',
        reason: 'completed (closed after service)',
        paid: String(paid),
        fee: String(fee),
        refunded: String(refund),
        unrecorded: [],
      },
    })
    const endedAt = (listed as { ending: { at: number } }).ending.at
    const sentence = `ended ${isoSeconds(endedAt)}: completed (closed after service); paid ${paid} (fee ${fee}), refunded ${refund}`
    const text = await runMain(['lease', 'list', ...flags])
    expect(text.stdout).toContain(`\n${id}: ${sentence}`)
    // an ended lease needs no provider to explain itself: no peers configured, still exit 0
    const status = await runMain(['job', 'status', id, ...flags])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toContain(`why       ${sentence}`)

    // stopped twice: how it ended, not the program's bare refusal (nor AccountNotFoundError); nothing sent
    const lamports = await client.connection.getBalance(c.kp.publicKey)
    const again = await runMain(['job', 'stop', id, ...flags])
    expect(again.code).toBe(4)
    expect(again.stderr).toMatch(new RegExp(`^error LeaseAlreadyEndedError: lease ${id} already ended `))
    // the same words as the list and the status (with when the held pay vests)
    expect(again.stderr.split('\n')[0]).toContain(`already ${sentence}`)
    expect(again.stderr).toContain(
      `\nremedy: nothing to stop: its escrow was settled when it ended (synkti job status ${id} shows it)\n`,
    )
    const topUp = await runMain(['job', 'top-up', id, '--amount', '1000', '--json', ...flags])
    expect(topUp.code).toBe(4)
    expect(json(topUp).error).toMatchObject({
      name: 'LeaseAlreadyEndedError',
      message: expect.stringContaining(`lease ${id} already ${sentence}`),
    })
    expect(await client.connection.getBalance(c.kp.publicKey)).toBe(lamports)
  })

  it('a lease that does not exist on the cluster is LeaseNotFoundError, not AccountNotFoundError', async () => {
    const nowhere = Keypair.generate().publicKey.toBase58()
    for (const args of [
      ['job', 'stop', nowhere],
      ['job', 'top-up', nowhere, '--amount', '5'],
      ['job', 'status', nowhere],
      ['job', 'logs', nowhere],
    ]) {
      const ran = await runMain([...args, '--json', ...flags])
      expect(ran.code, args.join(' ')).toBe(4)
      expect(json(ran).error).toEqual({
        name: 'LeaseNotFoundError',
        message: `no lease ${nowhere} on the cluster at ${chain.rpcUrl}: it never opened here, or it ended and its record was finalized (a dispute window after its end)`,
        remedy: 'synkti lease list shows the leases of your wallet on this cluster; check the job id and -u',
      })
    }
  })

  it('a top-up above the balance is InsufficientFundsError with the balance, the amount and the faucet, before sending', async () => {
    const poor = await parties.consumer(m, 1_000_000n)
    const { lease } = await parties.activeLease(poor, p, 700_000n)
    const poorFlags = ['-u', chain.rpcUrl, '-k', await keypairFile(poor.kp), '--market', m.key.toBase58()]
    const lamports = await client.connection.getBalance(poor.kp.publicKey)
    const ran = await runMain(['job', 'top-up', lease.toBase58(), '--amount', '450_000', ...poorFlags])
    expect(ran.code).toBe(4)
    const wallet = poor.kp.publicKey.toBase58()
    expect(ran.stderr).toBe(
      `error InsufficientFundsError: wallet ${wallet} holds 300000 base units of the payment mint ${m.mint.toBase58()}; this needs 450000 (150000 more)\n` +
        `remedy: get test tokens: npm run localnet -- faucet --url ${chain.rpcUrl} --market ${m.key.toBase58()} --to ${wallet} --payment 150000, or put less in escrow (--deposit / --amount)\n`,
    )
    // nothing was sent: no fee paid, the escrow as it was
    expect(await client.connection.getBalance(poor.kp.publicKey)).toBe(lamports)
    expect((await client.fetchLease(lease)).deposited).toBe(700_000n)
    // what it holds goes in
    const ok = await runMain(['job', 'top-up', lease.toBase58(), '--amount', '300_000', ...poorFlags])
    expect(ok.code, ok.stderr).toBe(0)
  })
})

describe('synkti job status: the runway', () => {
  it('takes off the usage accrued since the last settlement at the lease price', async () => {
    const { lease } = await parties.activeLease(c, p, 1_000_000n)
    const account = await client.fetchLease(lease)
    await passTime(100)
    // no peers: the chain part (with the runway) is printed, the node part fails by name
    const ran = await runMain(['job', 'status', lease.toBase58(), '--json', ...flags])
    const out = json(ran) as unknown as {
      runway: { at: number; unsettledSec: number; accrued: string; available: string; secondsLeft: number }
      lease: { remaining: string }
    }
    const price = account.pricePerSecond
    const { runway } = out
    expect(runway.unsettledSec).toBe(runway.at - account.settledUntil)
    expect(runway.unsettledSec).toBeGreaterThanOrEqual(100)
    expect(BigInt(runway.accrued)).toBe(BigInt(runway.unsettledSec) * price)
    expect(out.lease.remaining).toBe('1000000')
    expect(BigInt(runway.available)).toBe(1_000_000n - BigInt(runway.accrued))
    expect(runway.secondsLeft).toBe(Number(BigInt(runway.available) / price))
    const text = await runMain(['job', 'status', lease.toBase58(), ...flags])
    expect(text.stdout).toMatch(
      /\nrunway {4}\d+ s, until \S+: 1000000 remaining less \d+ owed for \d+ s served since the last settlement\n/,
    )
  })

  it('dispute open freezes the lease and stores the sha256 of the reason', async () => {
    const { lease } = await parties.activeLease(c, p, 1_000_000n)
    const reason = 'endpoint returned 503 for ten minutes'
    const ran = await runBin(['dispute', 'open', lease.toBase58(), '--reason', reason, ...flags])
    expect(ran.code).toBe(0)
    const hash = createHash('sha256').update(reason).digest('hex')
    expect(ran.stdout).toContain(`dispute opened on ${lease.toBase58()}`)
    expect(ran.stdout).toContain(`reason sha256 ${hash}`)
    expect((await client.fetchLease(lease)).status.kind).toBe('disputed')

    // someone else's lease: the program refuses, by name
    const other = await parties.consumer(m, 1_000_000n)
    const theirs = await parties.activeLease(other, p, 600_000n)
    const refused = await runMain(['dispute', 'open', theirs.lease.toBase58(), '--reason', 'x', '--json', ...flags])
    expect(refused.code).toBe(4)
    expect(json(refused).error?.name).toMatch(/Error$/)
    expect((await client.fetchLease(theirs.lease)).status.kind).toBe('active')
  })
})

describe('synkti lease reclaim', () => {
  it('a lease whose provider stopped attesting comes back to the consumer once the gap has passed', async () => {
    const { silent, consumer, own, lease } = await silentProvider()
    const id = lease.toBase58()

    const early = await runMain(['lease', 'reclaim', id, '--json', ...own])
    expect(early.code).toBe(4)
    expect(json(early).error?.name).toBe('LeaseNotStalledError')

    await passTime(GAP + 2)
    const before = await parties.balance(consumer.token)
    const reclaimed = ok(await runBin(['lease', 'reclaim', id, '--json', ...own]))
    expect(reclaimed).toMatchObject({ kind: 'lease-reclaim', lease: id, provider: silent.key.toBase58() })
    // never attested: the whole deposit comes back
    expect(reclaimed.refund).toBe('1000000')
    expect(await parties.balance(consumer.token)).toBe(before + 1_000_000n)
    expect((await client.fetchProvider(silent.key)).reputation.leasesFailed).toBe(1n)

    const text = await runMain(['lease', 'reclaim', id, ...own])
    expect(text.code).toBe(4)
    expect(text.stderr).toMatch(/^error LeaseEndedError: /)

    const status = ok(await runMain(['job', 'status', id, '--json', ...own]))
    expect(status.lease).toMatchObject({
      outcome: 'reclaimed',
      ending: {
        reason: 'reclaimed by the consumer: the provider stopped attesting (stalled)',
        paid: '0',
        refunded: '1000000',
      },
    })
    expect(status.node).toMatchObject({ reachable: false, error: 'NoBootstrapError' })
  })

  it('job stop on a lease whose provider went silent past the gap reclaims it: nothing paid for the silence', async () => {
    const { silent, consumer, own, lease } = await silentProvider()
    // a close would pay the silent provider up to the gap (10 s × 1000) for service nobody vouched for
    await passTime(GAP + 2)
    const before = await parties.balance(consumer.token)
    const stopped = ok(await runMain(['job', 'stop', lease.toBase58(), '--json', ...own]))
    expect(stopped).toMatchObject({ kind: 'job-stop', via: 'reclaim', payout: '0', fee: '0', refund: '1000000' })
    expect(await parties.balance(consumer.token)).toBe(before + 1_000_000n)
    expect((await client.fetchProvider(silent.key)).reputation.leasesFailed).toBe(1n)
  })
})

describe('synkti doctor', () => {
  it('a missing keypair and an unreachable RPC are named, with remedies (exit 7)', async () => {
    const dir = await tempDir()
    const missing = join(dir, 'nope.json')
    const ran = await runBin(['doctor', '-k', missing, '-u', 'http://127.0.0.1:9', '--json'])
    expect(ran.code).toBe(7)
    const out = json(ran) as unknown as {
      checks: { name: string; status: string; error?: string; remedy?: string }[]
      error: { name: string; remedy: string }
    }
    const check = (name: string) => out.checks.find((c) => c.name === name)
    expect(check('keypair')).toMatchObject({
      status: 'failed',
      error: 'KeypairFileMissingError',
      remedy: `create one: synkti keygen -o ${missing} (or synkti-provider keygen; the same file format as solana-keygen), or pass --keypair <file>`,
    })
    expect(check('rpc')).toMatchObject({ status: 'failed', error: 'RpcUnreachableError' })
    expect(check('sol')?.status).toBe('skipped')
    expect(check('peers')).toMatchObject({ status: 'failed', error: 'NoBootstrapError' })
    expect(out.error).toMatchObject({ name: 'PreflightFailedError', remedy: check('keypair')?.remedy })
  })

  it('a funded wallet in a real market passes the chain checks', async () => {
    const ran = await runMain(['doctor', ...flags])
    expect(ran.code).toBe(7) // no bootstrap peers: only that check fails
    const lines = ran.stdout.split('\n')
    for (const name of ['keypair', 'rpc', 'sol', 'market', 'token']) {
      expect(lines.find((l) => l.includes(` ${name} `))).toMatch(/^ok /)
    }
    expect(lines.find((l) => l.includes(' token '))).toContain(`base units in`)
    expect(ran.stderr).toContain('error PreflightFailedError: 1 check(s) failed: peers')
  })

  it('an empty wallet is told how to get SOL and tokens', async () => {
    const { Keypair } = await import('@solana/web3.js')
    const empty = await keypairFile(Keypair.generate())
    const out = json(await runMain(['doctor', '-u', chain.rpcUrl, '-k', empty, '--market', m.key.toBase58(), '--json']))
    const checks = out.checks as { name: string; error?: string; remedy?: string }[]
    expect(checks.find((c) => c.name === 'sol')).toMatchObject({ error: 'InsufficientSolError' })
    expect(checks.find((c) => c.name === 'token')).toMatchObject({ error: 'NoPaymentTokensError' })
    expect(checks.find((c) => c.name === 'token')?.remedy).toContain(m.mint.toBase58())
  })
})

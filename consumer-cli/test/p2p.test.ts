/**
 * Commands that talk to providers over P2P, against real SynktiNodes on 127.0.0.1 keyed by
 * operators registered on localnet: discovery joined with the chain, status, logs, job run.
 */

import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Keypair, PublicKey } from '@solana/web3.js'
import { jobSpecHash, parseJobSpec } from '@synkti/jobs'
import { keypairFromBytes, SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routingTableSize, waitFor } from '../../packages/p2p/test/helpers.js'
import { type ConsumerFx, chain, client, type MarketFx, type ProviderFx, parties } from './support/chain.js'
import { EXAMPLE_SPEC, json, keypairFile, runBin, runMain, SYNKTI_BIN, tempDir } from './support/cli.js'
import { capability, jobView } from './support/fixtures.js'
import { LOOPBACK, type ScriptedProvider, startBootstrap, startProvider } from './support/peers.js'

let m: MarketFx
let a: ProviderFx
let b: ProviderFx
let c: ConsumerFx
let boot: { node: SynktiNode; address: string }
let peerA: ScriptedProvider
let peerB: ScriptedProvider
let stranger: ScriptedProvider
/** announces the capability key but never publishes a record */
let silent: SynktiNode
let flags: string[]

const l4 = capability({ gpu: { model: 'L4', count: 1, vramGb: 24 }, region: 'eu-central' })

beforeAll(async () => {
  m = await parties.market()
  ;[a, b, c] = await Promise.all([
    parties.provider(m, 1_200n, 1_000_000n),
    parties.provider(m, 900n, 1_000_000n),
    parties.consumer(m, 10_000_000n),
  ])
  await client.pauseProvider({ signer: b.authority, provider: b.key })
  const market = m.key.toBase58()
  boot = await startBootstrap()
  peerA = await startProvider(a.operator, boot.address, {
    market,
    provider: a.key.toBase58(),
    capability: l4,
    pricePerSecond: 1_200n,
    onJob: async (request, peer) => {
      // what provider-node does on acceptance: accept the lease on chain, then start the job
      await client.acceptLease({ operator: a.operator, lease: new PublicKey(request.lease) })
      peer.jobs.set(
        request.lease,
        jobView(request.lease, { consumer: request.consumer, state: 'healthy', endpoint: 'http://127.0.0.1:18000' }),
      )
      return { accepted: true, jobId: request.lease }
    },
  })
  peerB = await startProvider(b.operator, boot.address, { market, provider: b.key.toBase58(), capability: l4 })
  stranger = await startProvider(Keypair.generate(), boot.address, {
    market,
    provider: a.key.toBase58(),
    capability: l4,
  })
  silent = await SynktiNode.create({
    privateKey: await keypairFromBytes(Keypair.generate().secretKey),
    listen: LOOPBACK,
    bootstrap: [boot.address],
  })
  await waitFor(() => routingTableSize(silent) >= 1, { what: 'a routing table entry' })
  await silent.announce({ market, gpuModel: 'L4', region: 'eu-central' })
  flags = ['-u', chain.rpcUrl, '-k', await keypairFile(c.kp), '--market', market, '--bootstrap', boot.address]
}, 120_000)

afterAll(async () => {
  await Promise.all([peerA, peerB, stranger].map((p) => p?.node.stop()))
  await silent?.stop()
  await boot?.node.stop()
})

describe('synkti providers', () => {
  it('lists verified records of active registered operators, with chain price and reputation (child process)', async () => {
    const ran = await runBin(['providers', '--gpu', 'L4', '--region', 'eu-central', '--json', ...flags])
    expect(ran.code, ran.stderr).toBe(0)
    const out = json(ran) as unknown as {
      providers: {
        operator: string
        provider: string
        pricePerSecond: string
        staked: string
        reputation: Record<string, string>
      }[]
      rejected: { operator: string; reason: string; why: unknown }[]
    }
    expect(out.providers.map((p) => p.operator)).toEqual([a.operator.publicKey.toBase58()])
    expect(out.providers[0]).toMatchObject({ provider: a.key.toBase58(), pricePerSecond: '1200', staked: '1000000' })
    expect(out.providers[0]?.reputation.leasesCompleted).toBe('0')
    const reasons = Object.fromEntries(out.rejected.map((r) => [r.operator, r.reason]))
    expect(reasons[b.operator.publicKey.toBase58()]).toBe('paused on chain')
    expect(reasons[stranger.operator]).toBe('not registered in this market')
    expect(reasons[silent.operator]).toBe('no valid record on the DHT or unreachable (RecordNotFoundError)')
    expect(out.rejected.find((r) => r.operator === silent.operator)?.why).toEqual({
      kind: 'no-record',
      error: 'RecordNotFoundError',
    })
  })

  it('without a complete capability key, walks the chain registry and fetches each record', async () => {
    const ran = await runMain(['providers', ...flags])
    expect(ran.code, ran.stderr).toBe(0)
    const lines = ran.stdout.trim().split('\n')
    expect(lines[0]).toBe(`1 verified provider(s) in market ${m.key.toBase58()}`)
    expect(lines[2]?.split(/\s{2,}/).slice(0, 5)).toEqual([
      a.operator.publicKey.toBase58(),
      '1× L4 24GB',
      'eu-central',
      'spot',
      '1200',
    ])
    const none = json(await runMain(['providers', '--min-vram', '40', '--json', ...flags]))
    expect(none.providers).toEqual([])
  })
})

describe('synkti providers --for', () => {
  it('says of each provider whether it fits the spec, and every reason it does not', async () => {
    const ran = await runMain(['providers', '--for', EXAMPLE_SPEC, '--json', ...flags])
    expect(ran.code, ran.stderr).toBe(0)
    const out = json(ran) as unknown as {
      name: string
      marketMinStake: string
      providers: { operator: string; provider: string | null; fits: boolean; reasons: unknown[] }[]
    }
    expect(out).toMatchObject({ name: 'llm-demo', marketMinStake: '1000000' })
    const byOperator = Object.fromEntries(out.providers.map((p) => [p.operator, p]))
    expect(byOperator[a.operator.publicKey.toBase58()]).toMatchObject({
      provider: a.key.toBase58(),
      fits: true,
      reasons: [],
    })
    expect(byOperator[b.operator.publicKey.toBase58()]).toMatchObject({
      provider: b.key.toBase58(),
      fits: false,
      reasons: [{ kind: 'not-active', status: 'paused' }],
    })

    // out of region, under its price and above its stake: all three said at once
    const dir = await tempDir()
    const strict = join(dir, 'strict.yaml')
    await writeFile(
      strict,
      (await readFile(EXAMPLE_SPEC, 'utf8'))
        .replace('# regions: [eu-central]', 'regions: [us-east]')
        .replace('perSecond: 2000', 'perSecond: 1000'),
    )
    const text = await runMain(['providers', '--for', strict, '--min-stake', '2_000_000', ...flags])
    expect(text.code, text.stderr).toBe(0)
    const lines = text.stdout.trim().split('\n')
    expect(lines[0]).toBe(
      `0 of 2 provider(s) in market ${m.key.toBase58()} fit llm-demo (${strict}; cap 1000/s, stake at least 2000000)`,
    )
    expect(lines).toContain(
      `${a.operator.publicKey.toBase58()}  does not fit: stakes 1000000, below the --min-stake minimum of 2000000; needs a region among us-east, is in eu-central; charges 1200/s, above the cap of 1000/s`,
    )
    expect(lines).toContain(`${b.operator.publicKey.toBase58()}  does not fit: paused on chain`)
  })
})

describe('synkti market prices', () => {
  it('the on-chain price per GPU model and region over verified providers: min, median, max, count', async () => {
    const pm = await parties.market()
    const [x, y, z] = await Promise.all([
      parties.provider(pm, 1_000n, 1_000_000n),
      parties.provider(pm, 1_500n, 1_000_000n),
      parties.provider(pm, 3_000n, 1_000_000n),
    ])
    const market = pm.key.toBase58()
    const h100 = capability({ gpu: { model: 'H100', count: 1, vramGb: 80 }, region: 'us-east' })
    const peers = await Promise.all([
      // the record advertises less than the chain charges: a lease pays the chain's price
      startProvider(x.operator, boot.address, {
        market,
        provider: x.key.toBase58(),
        capability: l4,
        pricePerSecond: 700n,
      }),
      startProvider(y.operator, boot.address, {
        market,
        provider: y.key.toBase58(),
        capability: l4,
        pricePerSecond: 1_500n,
      }),
      startProvider(z.operator, boot.address, {
        market,
        provider: z.key.toBase58(),
        capability: h100,
        pricePerSecond: 3_000n,
      }),
    ])
    try {
      const own = [...flags, '--market', market]
      const ran = await runMain(['market', 'prices', '--json', ...own])
      expect(ran.code, ran.stderr).toBe(0)
      expect(json(ran)).toMatchObject({
        kind: 'market-prices',
        market,
        groups: [
          { gpu: 'H100', gpuCount: 1, region: 'us-east', count: 1, min: '3000', median: '3000', max: '3000' },
          { gpu: 'L4', gpuCount: 1, region: 'eu-central', count: 2, min: '1000', median: '1250', max: '1500' },
        ],
        leftOut: [],
      })
      // with a whole capability key, providers are found by content routing
      const text = await runMain(['market', 'prices', '--gpu', 'L4', '--region', 'eu-central', ...own])
      expect(text.code, text.stderr).toBe(0)
      expect(text.stdout.trim().split('\n')).toEqual([
        'GPU    REGION      PROVIDERS  MIN/S  MEDIAN/S  MAX/S',
        '1× L4  eu-central  2          1000   1250      1500',
      ])
    } finally {
      await Promise.all(peers.map((p) => p.node.stop()))
    }
  })
})

describe('synkti job status / logs', () => {
  it('reads the lease on chain and the job from the provider that serves it', async () => {
    const { lease } = await parties.activeLease(c, a, 800_000n)
    peerA.jobs.set(
      lease.toBase58(),
      jobView(lease.toBase58(), { state: 'healthy', endpoint: 'http://127.0.0.1:18001' }),
    )
    const out = json(await runMain(['job', 'status', lease.toBase58(), '--json', ...flags]))
    expect(out).toMatchObject({
      kind: 'job-status',
      operator: a.operator.publicKey.toBase58(),
      lease: { address: lease.toBase58(), status: 'active', deposited: '800000' },
      node: { reachable: true, job: { state: 'healthy', endpoint: 'http://127.0.0.1:18001' } },
    })
  })

  it('a lease its provider does not know is JobUnknownToProviderError, with the chain part printed', async () => {
    const { lease } = await parties.activeLease(c, a, 800_000n)
    const ran = await runMain(['job', 'status', lease.toBase58(), ...flags])
    expect(ran.code).toBe(6)
    expect(ran.stdout).toContain(`lease     ${lease.toBase58()} (active)`)
    expect(ran.stderr).toMatch(/^error JobUnknownToProviderError: /)
  })

  it("streams the job's log lines to the end, or until quiet without --follow", async () => {
    const { lease } = await parties.activeLease(c, a, 800_000n)
    peerA.jobs.set(lease.toBase58(), jobView(lease.toBase58(), { state: 'healthy' }))
    peerA.logLines.splice(0, peerA.logLines.length, 'loading model', 'listening on 18002', 'E warning: slow disk')
    const ran = await runMain(['job', 'logs', lease.toBase58(), '--follow', ...flags])
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toBe('loading model\nlistening on 18002\nE warning: slow disk\n')

    peerA.keepLogsOpen = true
    try {
      const quiet = await runMain(['job', 'logs', lease.toBase58(), '--json', ...flags])
      expect(quiet.code, quiet.stderr).toBe(0)
      expect(json(quiet)).toMatchObject({
        lines: ['loading model', 'listening on 18002', 'E warning: slow disk'],
        ended: false,
      })
    } finally {
      peerA.keepLogsOpen = false
    }
  })

  it('logs of a failed job say that it failed and why (JobFailedError, exit 6), after its lines', async () => {
    const { lease } = await parties.activeLease(c, a, 800_000n)
    const id = lease.toBase58()
    peerA.jobs.set(id, jobView(id, { state: 'failed', reason: 'exited with code 1 before it was healthy' }))
    peerA.logLines.splice(0, peerA.logLines.length, 'loading model', 'E: out of memory')
    const ran = await runMain(['job', 'logs', id, ...flags])
    expect(ran.code).toBe(6)
    expect(ran.stdout).toBe('loading model\nE: out of memory\n')
    expect(ran.stderr).toContain(`error JobFailedError: job ${id} failed: exited with code 1 before it was healthy\n`)
    expect(ran.stderr).toContain(`remedy: read its logs (synkti job logs ${id}), then stop it`)
    const asJson = await runMain(['job', 'logs', id, '--json', ...flags])
    expect(asJson.code).toBe(6)
    expect(json(asJson)).toMatchObject({
      lines: ['loading model', 'E: out of memory'],
      state: 'failed',
      reason: 'exited with code 1 before it was healthy',
      error: { name: 'JobFailedError' },
    })
    // no lines at all is no success either
    peerA.logLines.splice(0, peerA.logLines.length)
    const empty = await runMain(['job', 'logs', id, ...flags])
    expect(empty.code).toBe(6)
    expect(empty.stdout).toBe('')
    expect(empty.stderr).toMatch(/^error JobFailedError: /m)
  })

  it('logs of a job its provider does not know are JobUnknownToProviderError, not an empty success', async () => {
    const { lease } = await parties.activeLease(c, a, 800_000n)
    peerA.logLines.splice(0, peerA.logLines.length)
    const ran = await runMain(['job', 'logs', lease.toBase58(), '--json', ...flags])
    expect(ran.code).toBe(6)
    expect(json(ran)).toMatchObject({ lines: [], state: null, error: { name: 'JobUnknownToProviderError' } })
  })

  it('a provider whose node is down: the chain part is printed, then ProviderUnreachableError (exit 5)', async () => {
    const offline = await parties.provider(m, 1_000n, 1_000_000n)
    const { lease } = await parties.activeLease(c, offline, 600_000n)
    const ran = await runMain(['job', 'status', lease.toBase58(), ...flags])
    expect(ran.code).toBe(5)
    expect(ran.stdout).toContain(
      `provider  ${offline.key.toBase58()} (operator ${offline.operator.publicKey.toBase58()})`,
    )
    expect(ran.stdout).toContain('job       unknown: the provider could not be asked (ProviderUnreachableError)')
    expect(ran.stderr).toMatch(/^error ProviderUnreachableError: provider node \S+ could not be reached: /)
  })
})

describe('synkti job run', () => {
  it('picks the provider that fits, opens the lease with the spec hash, submits, waits for the endpoint', async () => {
    const spec = parseJobSpec(await readFile(EXAMPLE_SPEC, 'utf8'))
    const ran = await runMain(['job', 'run', EXAMPLE_SPEC, '--deposit', '800000', '--wait', '--json', ...flags])
    expect(ran.code, ran.stdout).toBe(0)
    const out = json(ran) as Record<string, string>
    expect(out).toMatchObject({
      kind: 'job-run',
      operator: a.operator.publicKey.toBase58(),
      provider: a.key.toBase58(),
      deposit: '800000',
      state: 'healthy',
      endpoint: 'http://127.0.0.1:18000',
    })
    const lease = await client.fetchLease(new PublicKey(out.lease as string))
    expect(lease.status.kind).toBe('active')
    expect(Buffer.from(lease.jobSpecHash)).toEqual(Buffer.from(jobSpecHash(spec)))
    expect(lease.policy.maxPricePerSecond).toBe(2_000n)
    const submitted = peerA.submissions.at(-1)
    expect(submitted?.consumer).toBe(c.kp.publicKey.toBase58())
    expect(submitted?.spec).toEqual(JSON.parse(JSON.stringify(spec)))

    // for people: progress on stderr, the endpoint as the last line of stdout
    const human = await runMain(['job', 'run', EXAMPLE_SPEC, '--deposit', '800000', '--wait', ...flags])
    expect(human.code, human.stderr).toBe(0)
    const progress = human.stderr.trim().split('\n')
    expect(progress[0]).toMatch(/^opening a lease with \S+ at 1200\/s, deposit 800000$/)
    expect(progress[1]).toMatch(/^opened lease [1-9A-HJ-NP-Za-km-z]{32,44}$/)
    expect(progress[2]).toBe(`submitting llm-demo to ${a.operator.publicKey.toBase58()}`)
    expect(progress.at(-1)).toMatch(/^healthy on \S+: http:\/\/127\.0\.0\.1:18000$/)
    expect(human.stdout.trim().split('\n').at(-1)).toBe('endpoint http://127.0.0.1:18000')
  })

  it('a provider that declines gets the lease closed again: the deposit comes back', async () => {
    const declining = await parties.provider(m, 800n, 1_000_000n)
    const peer = await startProvider(declining.operator, boot.address, {
      market: m.key.toBase58(),
      provider: declining.key.toBase58(),
      capability: l4,
      pricePerSecond: 800n,
      onJob: async () => ({ accepted: false, reason: 'no GPU free' }),
    })
    try {
      const before = await parties.balance(c.token)
      const ran = await runMain(['job', 'run', EXAMPLE_SPEC, '--provider', declining.key.toBase58(), ...flags])
      expect(ran.code).toBe(6)
      expect(ran.stderr).toMatch(/^error JobRejectedError: provider \S+ declined the job: no GPU free$/m)
      expect(ran.stderr.split('\n')[0]).toMatch(/^opening a lease with \S+ at 800\/s, deposit 2880000$/)
      expect(ran.stderr).toContain('remedy: the lease was closed and the deposit refunded')
      expect(await parties.balance(c.token)).toBe(before)
    } finally {
      await peer.node.stop()
    }
  })

  it('a deposit above the balance is InsufficientFundsError naming both and the faucet, before any lease', async () => {
    const leasesBefore = (await runMain(['lease', 'list', '--json', ...flags])).stdout
    const balance = await parties.balance(c.token)
    const deposit = balance + 1n
    const ran = await runMain(['job', 'run', EXAMPLE_SPEC, '--deposit', String(deposit), ...flags])
    expect(ran.code).toBe(4)
    const wallet = c.kp.publicKey.toBase58()
    expect(ran.stderr).toContain(
      `error InsufficientFundsError: wallet ${wallet} holds ${balance} base units of the payment mint ${m.mint.toBase58()}; this needs ${deposit} (1 more)\n`,
    )
    expect(ran.stderr).toContain(
      `remedy: get test tokens: npm run localnet -- faucet --url ${chain.rpcUrl} --market ${m.key.toBase58()} --to ${wallet} --payment 1,`,
    )
    expect(await parties.balance(c.token)).toBe(balance)
    expect((await runMain(['lease', 'list', '--json', ...flags])).stdout).toBe(leasesBefore)
  })

  it('a named provider that is paused, or whose machine does not fit the spec, is refused before any lease', async () => {
    const leasesBefore = (await runMain(['lease', 'list', '--json', ...flags])).stdout
    const paused = await runMain(['job', 'run', EXAMPLE_SPEC, '--provider', b.key.toBase58(), ...flags])
    expect(paused.code).toBe(4)
    expect(paused.stderr).toMatch(/^error ProviderNotActiveError: /)
    expect(paused.stderr).toContain('remedy: resume the provider')

    const dir = await tempDir()
    const usEast = join(dir, 'us-east.yaml')
    await writeFile(
      usEast,
      (await readFile(EXAMPLE_SPEC, 'utf8')).replace('# regions: [eu-central]', 'regions: [us-east]'),
    )
    const misfit = await runMain([
      'job',
      'run',
      usEast,
      '--provider',
      a.operator.publicKey.toBase58(),
      '--json',
      ...flags,
    ])
    expect(misfit.code).toBe(6)
    expect(json(misfit).error).toMatchObject({
      name: 'SpecDoesNotFitError',
      message: `the job does not fit provider ${a.operator.publicKey.toBase58()}: needs a region among us-east, is in eu-central`,
    })
    const none = await runMain(['job', 'run', usEast, ...flags])
    expect(none.code).toBe(6)
    expect(none.stderr).toMatch(/^error NoSuitableProviderError: none of \d+ provider\(s\) can take the job/)
    expect(none.stderr).toContain(`${a.operator.publicKey.toBase58()} (needs a region among us-east, is in eu-central)`)
    expect((await runMain(['lease', 'list', '--json', ...flags])).stdout).toBe(leasesBefore)
  })
})

describe('synkti job run, interrupted', () => {
  it('Ctrl-C while it waits for health names the open lease and the command that ends it (exit 130)', async () => {
    // a provider that accepts on chain but whose job never becomes healthy: --wait waits
    const slow = await parties.provider(m, 700n, 1_000_000n)
    const peer = await startProvider(slow.operator, boot.address, {
      market: m.key.toBase58(),
      provider: slow.key.toBase58(),
      capability: l4,
      pricePerSecond: 700n,
      onJob: async (request, p) => {
        await client.acceptLease({ operator: slow.operator, lease: new PublicKey(request.lease) })
        p.jobs.set(request.lease, jobView(request.lease, { consumer: request.consumer, state: 'starting' }))
        return { accepted: true, jobId: request.lease }
      },
    })
    try {
      const child = spawn(
        process.execPath,
        [SYNKTI_BIN, 'job', 'run', EXAMPLE_SPEC, '--provider', slow.key.toBase58(), '--wait', ...flags],
        { env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYNKTI_'))) },
      )
      let stderr = ''
      const waiting = new Promise<void>((resolve) => {
        child.stderr.on('data', (d) => {
          stderr += d
          if (/submitting llm-demo/.test(stderr)) resolve()
        })
      })
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
      await waiting
      const lease = /opened lease (\S+)/.exec(stderr)?.[1]
      if (lease === undefined) throw new Error(`no lease in: ${stderr}`)
      await waitFor(async () => peer.jobs.has(lease), { what: 'the job submitted' })
      child.kill('SIGINT')
      expect(await exited).toBe(130)
      expect(stderr).toMatch(
        /^error InterruptedError: interrupted \(SIGINT\) while waiting for llm-demo to become healthy$/m,
      )
      expect(stderr).toContain(`remedy: lease ${lease} is open with its deposit in escrow`)
      expect(stderr).toContain(`synkti job stop ${lease}`)
      // it is open indeed, and the named command ends it
      expect((await client.fetchLease(new PublicKey(lease))).status.kind).toBe('active')
      const stopped = await runMain(['job', 'stop', lease, ...flags])
      expect(stopped.code, stopped.stderr).toBe(0)
    } finally {
      await peer.node.stop()
    }
  })
})

describe('synkti doctor with peers', () => {
  it('passes every check with a funded wallet, a market and a reachable bootstrap peer', async () => {
    const ran = await runMain(['doctor', ...flags])
    expect(ran.code, ran.stdout + ran.stderr).toBe(0)
    expect(ran.stdout.split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(6)
  })
})

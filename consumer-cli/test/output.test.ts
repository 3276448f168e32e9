import { describe, expect, it } from 'vitest'
import type { LeaseView } from '../src/chain.js'
import { describeError } from '../src/classify.js'
import type { DoctorResult } from '../src/commands/doctor.js'
import type { RunResult } from '../src/commands/job-run.js'
import type { StatusResult } from '../src/commands/job-status.js'
import type { PricesResult } from '../src/commands/market-prices.js'
import type { ProvidersResult } from '../src/commands/providers.js'
import type { ProviderFitResult } from '../src/commands/providers-for.js'
import { MarketNotSetError } from '../src/errors.js'
import { rejection } from '../src/offers.js'
import { renderJson, renderText, table } from '../src/output.js'
import { address, capability, jobView, offer, reputation } from './support/fixtures.js'

const lease: LeaseView = {
  address: address(),
  market: address(),
  consumer: address(),
  provider: address(),
  id: 18_446_744_073_709_551_615n,
  status: 'active',
  outcome: null,
  endedAt: null,
  ending: null,
  dispute: null,
  handoffs: null,
  pricePerSecond: 1_000n,
  maxPricePerSecond: 2_000n,
  deposited: 3_600_000n,
  spent: 600_000n,
  remaining: 3_000_000n,
  openedAt: 1_700_000_000,
  acceptedAt: 1_700_000_005,
  settledUntil: 1_700_000_600,
  migrationCount: 1,
}

describe('--json', () => {
  it('is one object per run: bigints as exact decimal strings, the error beside the result', () => {
    const out = renderJson({ kind: 'lease-list', consumer: lease.consumer, market: null, leases: [lease] })
    expect(out.endsWith('\n')).toBe(true)
    expect(out.trim().split('\n')).toHaveLength(1)
    const parsed = JSON.parse(out)
    expect(parsed.leases[0].id).toBe('18446744073709551615')
    expect(parsed.leases[0].remaining).toBe('3000000')
    expect(parsed.error).toBeUndefined()
    const failed = JSON.parse(renderJson(null, describeError(new MarketNotSetError())))
    expect(failed).toEqual({
      error: { name: 'MarketNotSetError', message: 'no market given', remedy: new MarketNotSetError().remedy },
    })
  })
})

describe('text', () => {
  it('aligns tables', () => {
    expect(
      table(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['w', '22'],
        ],
      ),
    ).toBe('A    LONGER\nxyz  1\nw    22')
  })

  it('providers: one row each with GPU, price, stake and reputation; what was left out and why', () => {
    const o = offer({
      capability: capability({ gpu: { model: 'H100', count: 8, vramGb: 80 }, region: 'eu-central', spot: false }),
      pricePerSecond: 1_234n,
      reputation: reputation({ leasesCompleted: 9n, leasesFailed: 1n }),
    })
    const result: ProvidersResult = {
      kind: 'providers',
      market: lease.market,
      filters: {},
      providers: [o],
      rejected: [rejection('abc', null, { kind: 'no-record', error: 'RecordNotFoundError' })],
    }
    const lines = renderText(result).split('\n')
    expect(lines[0]).toBe(`1 verified provider(s) in market ${lease.market}`)
    expect(lines[1]).toMatch(/^OPERATOR\s+GPU\s+REGION\s+KIND\s+PRICE\/S\s+STAKE\s+DONE\/FAILED\/LOST\s+JOBS$/)
    expect(lines[2]?.split(/\s{2,}/)).toEqual([
      o.operator,
      '8× H100 80GB',
      'eu-central',
      'on-demand',
      '1234',
      '1000000',
      '9/1/0',
      '0',
    ])
    expect(lines[3]).toBe('left out abc: no valid record on the DHT or unreachable (RecordNotFoundError)')
  })

  it('job status: the chain, then what the provider signed', () => {
    const result: StatusResult = {
      kind: 'job-status',
      lease,
      // 3000000 remaining, 60 s served since the last settlement at 1000/s
      runway: {
        at: 1_790_000_060,
        unsettledSec: 60,
        accrued: 60_000n,
        available: 2_940_000n,
        secondsLeft: 2_940,
        paidThrough: 1_790_003_000,
        billing: true,
      },
      operator: 'OP',
      node: {
        reachable: true,
        at: 1_700_000_700,
        admitting: true,
        job: jobView(lease.address, { state: 'healthy', endpoint: 'http://127.0.0.1:9000' }),
        failovers: [],
      },
    }
    const text = renderText(result)
    expect(text).toContain(`lease     ${lease.address} (active)`)
    expect(text).toContain('after 1 failover(s)')
    expect(text).toContain('escrow    deposited 3600000, spent 600000, remaining 3000000 at 1000/s')
    expect(text).toContain(
      'runway    2940 s, until 2026-09-21T15:03:20Z: 3000000 remaining less 60000 owed for 60 s served since the last settlement',
    )
    expect(text).toContain('job       healthy, model synkti/standin-1')
    expect(text).toContain('endpoint  http://127.0.0.1:9000')
    const down = renderText({ ...result, node: { reachable: false, error: 'ProviderUnreachableError' } })
    expect(down).toContain('job       unknown: the provider could not be asked (ProviderUnreachableError)')
  })

  it('an ended lease says why, in the list and in its status; --json carries the same as data', () => {
    const ended: LeaseView = {
      ...lease,
      status: 'ended',
      outcome: 'completed',
      endedAt: 1_790_000_100,
      remaining: 0n,
      ending: {
        outcome: 'completed',
        at: 1_790_000_100,
        reason: 'completed (closed after service)',
        paid: 123_000n,
        fee: 3_075n,
        refunded: 877_000n,
        held: null,
        unrecorded: [],
      },
      handoffs: { count: 1, lastAt: 1_790_000_000, paidToEarlier: 23_000n, paidToCurrent: 100_000n },
    }
    const sentence =
      'ended 2026-09-21T14:15:00Z: completed (closed after service); paid 123000 (fee 3075), refunded 877000'
    const list = renderText({ kind: 'lease-list', consumer: lease.consumer, market: null, leases: [lease, ended] })
    const lines = list.split('\n')
    expect(lines[2]?.split(/\s{2,}/)[1]).toBe('ended: completed')
    expect(lines.slice(3)).toEqual([
      '',
      `${ended.address}: ${sentence}`,
      `${ended.address}: handed off 1 time(s), last at 2026-09-21T14:13:20Z: earlier provider(s) were paid 23000, the current one 100000`,
    ])
    const status = renderText({
      kind: 'job-status',
      lease: ended,
      runway: null,
      operator: 'OP',
      node: { reachable: false, error: 'X' },
    })
    expect(status).toContain(`lease     ${ended.address} (ended: completed at 2026-09-21T14:15:00Z)`)
    expect(status).toContain(`why       ${sentence}`)
    expect(status).toContain('handoffs  handed off 1 time(s)')
    const parsed = JSON.parse(
      renderJson({
        kind: 'job-status',
        lease: ended,
        runway: null,
        operator: 'OP',
        node: { reachable: false, error: 'X' },
      }),
    )
    expect(parsed.lease.ending).toEqual({
      outcome: 'completed',
      at: 1_790_000_100,
      reason: 'completed (closed after service)',
      paid: '123000',
      fee: '3075',
      refunded: '877000',
      held: null,
      unrecorded: [],
    })
  })

  it('providers --for: one line per provider, with every reason it does not fit', () => {
    const fits = offer({ pricePerSecond: 1_200n })
    const result: ProviderFitResult = {
      kind: 'provider-fit',
      market: 'M',
      spec: 'llm.yaml',
      name: 'llm-demo',
      cap: 2_000n,
      marketMinStake: 1_000_000n,
      minStake: null,
      providers: [
        { operator: fits.operator, provider: fits.provider, fits: true, offer: fits, reasons: [] },
        {
          operator: 'B',
          provider: 'BP',
          fits: false,
          offer: null,
          reasons: [
            { kind: 'infeasible', rule: { kind: 'region', allowed: ['us-east'], have: 'eu-central' } },
            { kind: 'price', price: 2_500n, cap: 2_000n },
          ],
        },
      ],
    }
    expect(renderText(result).split('\n')).toEqual([
      '1 of 2 provider(s) in market M fit llm-demo (llm.yaml; cap 2000/s)',
      `${fits.operator}  fits: 1× L4 24GB, eu-central, 1200/s`,
      'B  does not fit: needs a region among us-east, is in eu-central; charges 2500/s, above the cap of 2000/s',
    ])
    const parsed = JSON.parse(renderJson(result))
    expect(parsed.providers[1].reasons[1]).toEqual({ kind: 'price', price: '2500', cap: '2000' })
  })

  it('market prices: a table per GPU and region, and how many were left out', () => {
    const result: PricesResult = {
      kind: 'market-prices',
      market: 'M',
      filters: {},
      groups: [{ gpu: 'L4', gpuCount: 1, region: 'eu-central', count: 3, min: 1_000n, median: 1_200n, max: 1_500n }],
      leftOut: [rejection('P', 'PA', { kind: 'not-active', status: 'paused' })],
    }
    expect(renderText(result).split('\n')).toEqual([
      'GPU    REGION      PROVIDERS  MIN/S  MEDIAN/S  MAX/S',
      '1× L4  eu-central  3          1000   1200      1500',
      '1 provider(s) left out (synkti providers says why)',
    ])
    expect(renderText({ ...result, groups: [], leftOut: [] })).toBe(
      'no verified provider with an active account in market M',
    )
  })

  it('job run: the endpoint is the last line once healthy; otherwise how to follow', () => {
    const run: RunResult = {
      kind: 'job-run',
      lease: lease.address,
      name: 'llm-demo',
      provider: lease.provider,
      operator: 'OP',
      pricePerSecond: 1_000n,
      deposit: 3_600_000n,
      signature: 'sig',
      state: 'healthy',
      endpoint: 'http://127.0.0.1:9000',
    }
    expect(renderText(run).split('\n').at(-1)).toBe('endpoint http://127.0.0.1:9000')
    expect(renderText({ ...run, state: 'submitted', endpoint: null })).toContain(
      `follow it with: synkti job status ${lease.address}`,
    )
  })

  it('doctor: every check with what was observed, failures with their error and remedy', () => {
    const result: DoctorResult = {
      kind: 'doctor',
      cluster: 'localnet',
      rpcUrl: 'http://127.0.0.1:8899',
      checks: [
        { name: 'keypair', status: 'ok', observed: 'ABC (/k.json)' },
        {
          name: 'rpc',
          status: 'failed',
          observed: 'unreachable',
          error: 'RpcUnreachableError',
          remedy: 'npm run localnet',
        },
        { name: 'sol', status: 'skipped', observed: 'skipped: an earlier check failed' },
      ],
    }
    expect(renderText(result).split('\n')).toEqual([
      'synkti doctor (localnet, http://127.0.0.1:8899)',
      'ok       keypair  ABC (/k.json)',
      'FAILED   rpc      unreachable',
      '                  RpcUnreachableError; remedy: npm run localnet',
      'skipped  sol      skipped: an earlier check failed',
    ])
  })

  it('transactions print their outcome and signature', () => {
    expect(
      renderText({
        kind: 'job-stop',
        lease: 'L',
        outcome: 'completed',
        seconds: 60n,
        payout: 58_500n,
        fee: 1_500n,
        refund: 40_000n,
        signature: 'S',
        via: 'close',
      }),
    ).toBe('closed L (completed): paid 58500 for 60 s, fee 1500, refunded 40000\nsignature S')
    expect(renderText({ kind: 'job-top-up', lease: 'L', amount: 5n, deposited: 15n, signature: 'S' })).toBe(
      'topped up L by 5: 15 deposited in all\nsignature S',
    )
  })
})

import { describe, expect, it } from 'vitest'
import type { LeaseView } from '../src/chain.js'
import { describeError } from '../src/classify.js'
import type { DoctorResult } from '../src/commands/doctor.js'
import type { RunResult } from '../src/commands/job-run.js'
import type { StatusResult } from '../src/commands/job-status.js'
import type { ProvidersResult } from '../src/commands/providers.js'
import { MarketNotSetError } from '../src/errors.js'
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
      rejected: [{ operator: 'abc', reason: 'RecordNotFoundError' }],
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
    expect(lines[3]).toBe('left out abc: RecordNotFoundError')
  })

  it('job status: the chain, then what the provider signed', () => {
    const result: StatusResult = {
      kind: 'job-status',
      lease,
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
    expect(text).toContain('job       healthy, model synkti/standin-1')
    expect(text).toContain('endpoint  http://127.0.0.1:9000')
    const down = renderText({ ...result, node: { reachable: false, error: 'ProviderUnreachableError' } })
    expect(down).toContain('job       unknown: the provider could not be asked (ProviderUnreachableError)')
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
      }),
    ).toBe('closed L (completed): paid 58500 for 60 s, fee 1500, refunded 40000\nsignature S')
    expect(renderText({ kind: 'job-top-up', lease: 'L', amount: 5n, deposited: 15n, signature: 'S' })).toBe(
      'topped up L by 5: 15 deposited in all\nsignature S',
    )
  })
})

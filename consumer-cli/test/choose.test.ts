import { readFile } from 'node:fs/promises'
import { PublicKey } from '@solana/web3.js'
import { parseJobSpec, requirementOf } from '@synkti/jobs'
import { describe, expect, it } from 'vitest'
import { checkOffer, chooseOffer, describeInfeasible } from '../src/choose.js'
import { depositFor, discoveryFilters } from '../src/commands/job-run.js'
import { joinOffers, matchesFilters, rejection } from '../src/offers.js'
import { EXAMPLE_SPEC } from './support/cli.js'
import { address, capability, chainProvider, offer, record } from './support/fixtures.js'

const spec = parseJobSpec(await readFile(EXAMPLE_SPEC, 'utf8'))
const req = requirementOf(spec)
const cap = BigInt(spec.priceCap.perSecond)

function thrown(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected an error')
}

describe('joining DHT records with the chain', () => {
  it('keeps operators registered and active in the market, with the chain price and reputation', () => {
    const market = address()
    const active = chainProvider({
      market: new PublicKey(market),
      pricePerSecond: 1_500n,
      reputation: { ...chainProvider().reputation, leasesCompleted: 7n },
    })
    const paused = chainProvider({ market: new PublicKey(market), status: { kind: 'paused' } })
    const stranger = address()
    const { offers, rejected } = joinOffers(
      [
        record(active.operator.toBase58(), market, { price: 900n }),
        record(paused.operator.toBase58(), market),
        record(stranger, market),
      ],
      [active, paused],
    )
    expect(offers).toHaveLength(1)
    expect(offers[0]).toMatchObject({
      operator: active.operator.toBase58(),
      provider: active.address.toBase58(),
      pricePerSecond: 1_500n,
      advertisedPricePerSecond: 900n,
    })
    expect(offers[0]?.reputation.leasesCompleted).toBe(7n)
    expect(rejected).toEqual([
      {
        operator: paused.operator.toBase58(),
        provider: paused.address.toBase58(),
        reason: 'paused on chain',
        why: { kind: 'not-active', status: 'paused' },
      },
      { operator: stranger, provider: null, reason: 'not registered in this market', why: { kind: 'not-registered' } },
    ])
  })

  it("a record naming someone else's provider account is rejected, not joined by its signer", () => {
    const market = address()
    const mine = chainProvider({ market: new PublicKey(market) })
    const theirs = chainProvider({ market: new PublicKey(market), pricePerSecond: 10n })
    const signed = record(mine.operator.toBase58(), market)
    const claims = { ...signed, record: { ...signed.record, provider: theirs.address.toBase58() } }
    const { offers, rejected } = joinOffers([claims], [mine, theirs])
    expect(offers).toEqual([])
    expect(rejected).toEqual([
      {
        operator: mine.operator.toBase58(),
        provider: theirs.address.toBase58(),
        reason: `its record names provider account ${theirs.address.toBase58()}, whose operator is ${theirs.operator.toBase58()}`,
        why: {
          kind: 'operator-mismatch',
          provider: theirs.address.toBase58(),
          accountOperator: theirs.operator.toBase58(),
        },
      },
    ])
    // naming its own account, the same record joins; naming none that exists, it is unregistered
    const own = { ...signed, record: { ...signed.record, provider: mine.address.toBase58() } }
    expect(joinOffers([own], [mine, theirs]).offers.map((o) => o.provider)).toEqual([mine.address.toBase58()])
    const nowhere = { ...signed, record: { ...signed.record, provider: address() } }
    expect(joinOffers([nowhere], [mine]).rejected[0]?.why).toEqual({ kind: 'not-registered' })
  })

  it('a record for another market does not join an account of this one', () => {
    const p = chainProvider()
    const elsewhere = address()
    const { offers, rejected } = joinOffers([record(p.operator.toBase58(), elsewhere)], [p])
    expect(offers).toEqual([])
    expect(rejected[0]?.why).toEqual({
      kind: 'wrong-market',
      recordMarket: elsewhere,
      accountMarket: p.market.toBase58(),
    })
  })

  it('filters on what the record offers, case-insensitively like discovery keys', () => {
    const o = offer({ capability: capability({ gpu: { model: 'H100', count: 8, vramGb: 80 }, region: 'eu-central' }) })
    expect(matchesFilters(o, { gpu: 'h100', region: 'EU-CENTRAL', minVramGb: 80 })).toBe(true)
    expect(matchesFilters(o, { minVramGb: 81 })).toBe(false)
    expect(matchesFilters(o, { gpu: 'A100' })).toBe(false)
    expect(matchesFilters(o, { region: 'us-east' })).toBe(false)
  })
})

describe('choosing a provider for a spec', () => {
  it('takes the cheapest offer that fits and is within the price cap', () => {
    const tooSmall = offer({
      pricePerSecond: 100n,
      capability: capability({ gpu: { model: 'T4', count: 1, vramGb: 8 } }),
    })
    const tooDear = offer({ pricePerSecond: cap + 1n })
    const fits = offer({ pricePerSecond: 1_500n })
    const cheaperFits = offer({ pricePerSecond: 1_200n })
    expect(chooseOffer([tooSmall, tooDear, fits, cheaperFits], req, cap)).toBe(cheaperFits)
  })

  it('with no fit, says why each provider was passed over', () => {
    const tooSmall = offer({ capability: capability({ gpu: { model: 'T4', count: 1, vramGb: 8 } }) })
    const tooDear = offer({ pricePerSecond: 5_000n })
    const err = thrown(() =>
      chooseOffer([tooSmall, tooDear], req, cap, [
        rejection('x', null, { kind: 'no-record', error: 'RecordNotFoundError' }),
      ]),
    )
    expect(err.name).toBe('NoSuitableProviderError')
    expect((err as unknown as { rejected: unknown }).rejected).toEqual([
      { operator: 'x', reason: 'no valid record on the DHT or unreachable (RecordNotFoundError)' },
      { operator: tooSmall.operator, reason: 'needs 16 GB of VRAM, its GPUs give 8 GB' },
      { operator: tooDear.operator, reason: 'charges 5000/s, above the cap of 2000/s' },
    ])
    expect(thrown(() => chooseOffer([], req, cap)).message).toBe('no verified provider is up in this market')
  })

  it('a named provider that does not fit or costs too much fails with its own error', () => {
    const region = { ...req, regions: ['us-east'] }
    expect(thrown(() => checkOffer(offer(), region, cap))).toMatchObject({
      name: 'SpecDoesNotFitError',
      reason: 'needs a region among us-east, is in eu-central',
    })
    expect(thrown(() => checkOffer(offer({ pricePerSecond: 2_001n }), req, cap))).toMatchObject({
      name: 'PriceAboveCapError',
      price: 2_001n,
      cap: 2_000n,
    })
    expect(() => checkOffer(offer({ pricePerSecond: 2_000n }), req, cap)).not.toThrow()
  })

  it('describes every infeasibility the planner can report', () => {
    expect(describeInfeasible({ kind: 'gpu-count', need: 2, have: 1 })).toBe('needs 2 GPU(s), has 1')
    expect(describeInfeasible({ kind: 'gpu-model', allowed: ['H100'], have: 'L4' })).toBe(
      'needs a GPU among H100, has L4',
    )
    expect(describeInfeasible({ kind: 'spot', spot: true })).toBe('is a spot machine and the spec does not allow spot')
    expect(describeInfeasible({ kind: 'runtime', need: 'container', have: ['process'] })).toBe(
      'needs the container runtime, offers process',
    )
    expect(describeInfeasible({ kind: 'disk', needGb: 140, haveGb: 100 })).toBe(
      'needs 140 GB of disk for the model, has 100 GB',
    )
  })
})

describe('job run pieces', () => {
  it('discovers by capability key only when the spec pins one GPU model and one region', () => {
    expect(discoveryFilters(spec)).toEqual({})
    expect(discoveryFilters({ ...spec, gpus: { count: 1, models: ['H100'] }, regions: ['eu-central'] })).toEqual({
      gpu: 'H100',
      region: 'eu-central',
    })
    expect(
      discoveryFilters({ ...spec, gpus: { count: 1, models: ['H100', 'A100'] }, regions: ['eu-central'] }),
    ).toEqual({})
    expect(discoveryFilters({ ...spec, regions: ['eu-central'] })).toEqual({})
  })

  it('deposits an hour at the provider price unless told otherwise', () => {
    expect(depositFor(1_000n, undefined)).toBe(3_600_000n)
    expect(depositFor(1_000n, 42n)).toBe(42n)
  })
})

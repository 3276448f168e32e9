import { describe, expect, it } from 'vitest'
import {
  createWorld,
  type FleetEvent,
  formatTrace,
  POOLS,
  PREEMPTION_LEVELS,
  parseScenario,
  parseTrace,
  poolRate,
  pricePerHourAt,
  SPOT_POOLS,
  syntheticPreemptions,
  zoneRisks,
} from '../src/index.js'

const DAY = 86_400
const hits = (events: FleetEvent[]) => events.filter((e) => e.kind === 'hit')

describe('synthetic world', () => {
  it('is the same for the same seed and differs for another', () => {
    const s = parseScenario('')
    expect(createWorld(s, 5, 2 * DAY)).toEqual(createWorld(s, 5, 2 * DAY))
    expect(createWorld(s, 5, 2 * DAY).events).not.toEqual(createWorld(s, 6, 2 * DAY).events)
  })

  it('draws each source from its own stream: changing load moves no preemption or price', () => {
    const a = createWorld(parseScenario('load=low'), 3, 2 * DAY)
    const b = createWorld(parseScenario('load=high'), 3, 2 * DAY)
    expect(a.jobs.length).toBeLessThan(b.jobs.length)
    expect(a.events).toEqual(b.events)
    expect(a.prices).toEqual(b.prices)
    const c = createWorld(parseScenario('preemption=high'), 3, 2 * DAY)
    expect(c.prices).toEqual(a.prices)
    expect(c.jobs).toEqual(createWorld(parseScenario('preemption=low'), 3, 2 * DAY).jobs)
  })

  it('preempts each instance at about the scenario rate', () => {
    const days = 120
    for (const level of ['mid', 'high'] as const) {
      const events = hits(syntheticPreemptions(parseScenario(`preemption=${level}`), 11, days * DAY))
      const slots = SPOT_POOLS.reduce((a, p) => a + p.capacity, 0)
      const rate = events.length / (slots * days * 24)
      expect(rate / PREEMPTION_LEVELS[level]).toBeGreaterThan(0.8)
      expect(rate / PREEMPTION_LEVELS[level]).toBeLessThan(1.2)
    }
  })

  it('makes pools differ in risk, around the scenario mean, and follows those rates', () => {
    const s = parseScenario('preemption=high')
    const risks = zoneRisks(s, 17)
    const rates = SPOT_POOLS.map((p) => poolRate(risks, p))
    const meanRate = rates.reduce((a, b) => a + b, 0) / rates.length
    expect(meanRate).toBeCloseTo(PREEMPTION_LEVELS.high, 12)
    expect(Math.max(...rates) / Math.min(...rates)).toBeGreaterThan(2)
    const days = 200
    const events = hits(syntheticPreemptions(s, 17, days * DAY)) as { pool: number }[]
    const observed = SPOT_POOLS.map((p) => events.filter((e) => e.pool === p.index).length / (p.capacity * days * 24))
    const riskiest = rates.indexOf(Math.max(...rates))
    const calmest = rates.indexOf(Math.min(...rates))
    expect(observed[riskiest]!).toBeGreaterThan(observed[calmest]!)
    expect(observed[riskiest]! / rates[riskiest]!).toBeGreaterThan(0.7)
    expect(observed[riskiest]! / rates[riskiest]!).toBeLessThan(1.3)
  })

  it('correlates preemptions per zone: most co-interruptions of one pool fall within 3 minutes', () => {
    const events = hits(syntheticPreemptions(parseScenario('preemption=high'), 2, 60 * DAY)) as {
      time: number
      pool: number
    }[]
    let within = 0
    let co = 0
    for (const pool of SPOT_POOLS) {
      const times = events.filter((e) => e.pool === pool.index).map((e) => e.time)
      let start = Number.NEGATIVE_INFINITY
      for (const t of times) {
        if (t - start > 600) {
          start = t
          continue
        }
        co++
        if (t - start <= 180) within++
      }
    }
    expect(co).toBeGreaterThan(100)
    expect(within / co).toBeGreaterThan(0.9)
  })

  it('keeps spot prices mean-reverting around the pool price, wider when volatility is high', () => {
    const spread = (level: string) => {
      const w = createWorld(parseScenario(`volatility=${level}`), 4, 30 * DAY)
      const pool = SPOT_POOLS[0]!
      const logs: number[] = []
      for (let t = 0; t < 30 * DAY; t += 3600) logs.push(Math.log(pricePerHourAt(w, pool, t) / pool.pricePerHour))
      const m = logs.reduce((a, b) => a + b, 0) / logs.length
      return { m, sd: Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / logs.length) }
    }
    const low = spread('low')
    const high = spread('high')
    expect(high.sd).toBeGreaterThan(3 * low.sd)
    expect(Math.abs(low.m)).toBeLessThan(0.05)
    const w = createWorld(parseScenario(''), 4, DAY)
    for (const p of POOLS) expect(pricePerHourAt(w, p, 100)).toBeLessThanOrEqual(p.type.onDemandPerHour)
  })
})

describe('traces', () => {
  const header = 'time_s,zone,instance_type,event'

  it('turn rows into interruptions and outages of spot pools', () => {
    const events = parseTrace(
      `${header}\n# comment\n\n10,us-east-1a,p5.4g,interruption\n10,us-east-1a,p5.4g,unavailable\n900,us-east-1a,p5.4g,available\n`,
    )
    const pool = SPOT_POOLS.find((p) => p.zone === 'us-east-1a' && p.type.name === 'p5.4g')!.index
    expect(events).toEqual([
      { time: 10, kind: 'hit', pool, slot: -1 },
      { time: 10, kind: 'unavailable', pool, until: Number.POSITIVE_INFINITY },
      { time: 900, kind: 'available', pool },
    ])
  })

  it('replace the synthetic process', () => {
    const trace = parseTrace(`${header}\n3600,eu-central-1b,g6.xlarge,interruption\n`)
    expect(createWorld(parseScenario(''), 1, DAY, trace).events).toEqual(trace)
  })

  it('round-trip through the CSV format (slots aside)', () => {
    const events = syntheticPreemptions(parseScenario('preemption=high'), 1, 3 * DAY)
    const again = parseTrace(formatTrace(events))
    expect(hits(again)).toHaveLength(hits(events).length)
  })

  it.each([
    ['', 'TraceHeaderError'],
    ['time,zone\n', 'TraceHeaderError'],
    [`${header}\n10,us-east-1a,p5.4g\n`, 'TraceFormatError'],
    [`${header}\nten,us-east-1a,p5.4g,interruption\n`, 'TraceFormatError'],
    [`${header}\n-5,us-east-1a,p5.4g,interruption\n`, 'TraceFormatError'],
    [`${header}\n10,us-east-1a,p5.4g,reboot\n`, 'TraceFormatError'],
    [`${header}\n10,mars-1a,p5.4g,interruption\n`, 'UnknownPoolError'],
    [`${header}\n10,us-east-1a,p5.4g,interruption\n5,us-east-1a,p5.4g,interruption\n`, 'TraceOrderError'],
  ])('name a malformed trace: %j', (text, name) => {
    expect(() => parseTrace(text)).toThrow(expect.objectContaining({ name }))
  })

  it('say which line is wrong', () => {
    expect(() => parseTrace(`${header}\n10,us-east-1a,p5.4g,interruption\n11,us-east-1a,p5.4g,boom\n`)).toThrow(
      expect.objectContaining({ name: 'TraceFormatError', line: 3 }),
    )
  })
})

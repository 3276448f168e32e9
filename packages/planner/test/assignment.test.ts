import { describe, expect, it } from 'vitest'
import {
  type Assignment,
  costMatrix,
  type Engine,
  greedyAssignment,
  naiveAssignment,
  shortestAugmentingPath,
  solveAssignment,
} from '../src/index.js'
import { bruteForce, randomMatrix, rng } from './helpers.js'

const INF = Number.POSITIVE_INFINITY

function expectValid(a: Assignment, rows: number, data: (r: number, c: number) => number) {
  const cols = new Set(a.pairs.map((p) => p.col))
  expect(cols.size).toBe(a.pairs.length)
  for (const p of a.pairs) {
    expect(Number.isFinite(p.cost)).toBe(true)
    expect(p.cost).toBe(data(p.row, p.col))
  }
  expect(a.pairs.length + a.unassigned.length).toBe(rows)
  expect(Number.isFinite(a.total)).toBe(true)
}

describe.each<Engine>(['munkres', 'sap'])('solveAssignment (%s engine)', (engine) => {
  it('matches brute force on small matrices, square and rectangular both ways, with infeasible cells', () => {
    const next = rng(7)
    let cases = 0
    for (let rows = 1; rows <= 7; rows++) {
      for (let cols = 1; cols <= 7; cols++) {
        for (const share of [0, 0.3, 0.6]) {
          for (let t = 0; t < 2; t++) {
            const m = randomMatrix(rows, cols, share, next)
            const want = bruteForce(m)
            const got = solveAssignment(m, { engine })
            expectValid(got, rows, (r, c) => m.data[r * cols + c]!)
            expect(got.pairs.length).toBe(want.placed)
            expect(got.total).toBeCloseTo(want.total, 6)
            cases++
          }
        }
      }
    }
    expect(cases).toBe(294)
  })

  it('answers a row with no feasible column with its reason instead of hanging', () => {
    const m = costMatrix([
      [1, 5, INF],
      [INF, INF, INF],
      [2, 3, 4],
    ])
    const a = solveAssignment(m, { engine })
    expect(a.pairs).toEqual([
      { row: 0, col: 0, cost: 1 },
      { row: 2, col: 1, cost: 3 },
    ])
    expect(a.unassigned).toEqual([{ row: 1, cause: { kind: 'no-feasible-column' } }])
    expect(a.total).toBe(4)
  })

  it('places the most rows when rows compete for one column, then the cheapest', () => {
    // Rows 0 and 1 can only use column 0; row 2 can use either. The optimum places two rows.
    const m = costMatrix([
      [10, INF],
      [1, INF],
      [2, 50],
    ])
    const a = solveAssignment(m, { engine })
    expect(a.pairs).toEqual([
      { row: 1, col: 0, cost: 1 },
      { row: 2, col: 1, cost: 50 },
    ])
    expect(a.unassigned).toEqual([{ row: 0, cause: { kind: 'outcompeted', feasibleColumns: 1 } }])
  })

  it('handles more jobs than slots and an empty matrix', () => {
    const a = solveAssignment(
      costMatrix([
        [3, 1],
        [2, 2],
        [1, 3],
      ]),
      { engine },
    )
    expect(a.total).toBe(2)
    expect(a.unassigned).toEqual([{ row: 1, cause: { kind: 'outcompeted', feasibleColumns: 2 } }])
    expect(solveAssignment(costMatrix([]), { engine })).toEqual({ pairs: [], total: 0, unassigned: [] })
    const allInfeasible = solveAssignment(costMatrix([[INF, INF]]), { engine })
    expect(allInfeasible.unassigned).toEqual([{ row: 0, cause: { kind: 'no-feasible-column' } }])
  })
})

describe('solveAssignment on large matrices', () => {
  it('agrees with the second solver on 150×150, 120×300 and 300×120 with infeasible cells', () => {
    const next = rng(11)
    for (const [r, c] of [
      [150, 150],
      [120, 300],
      [300, 120],
    ] as const) {
      const m = randomMatrix(r, c, 0.4, next)
      const a = solveAssignment(m, { engine: 'munkres' })
      const b = solveAssignment(m, { engine: 'sap' })
      expect(a.pairs.length).toBe(b.pairs.length)
      expect(a.total).toBeCloseTo(b.total, 6)
    }
  })
})

describe('input errors', () => {
  it('refuses a wide-side-down matrix in the raw shortest augmenting path', () => {
    expect(() => shortestAugmentingPath(new Float64Array(6), 3, 2)).toThrow(
      expect.objectContaining({ name: 'MatrixShapeError' }),
    )
  })

  it('refuses NaN and -Infinity costs by name', () => {
    expect(() => costMatrix([[1, Number.NaN]])).toThrow(
      expect.objectContaining({ name: 'NaNCostError', row: 0, col: 1 }),
    )
    expect(() => costMatrix([[-INF]])).toThrow(expect.objectContaining({ name: 'NaNCostError' }))
  })

  it('refuses ragged rows and a data length that does not match', () => {
    expect(() => costMatrix([[1, 2], [3]])).toThrow(expect.objectContaining({ name: 'MatrixShapeError' }))
    expect(() => solveAssignment({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(
      expect.objectContaining({ name: 'MatrixShapeError' }),
    )
  })
})

describe('baselines', () => {
  const m = costMatrix([
    [5, 1, INF],
    [1, 9, INF],
    [INF, INF, INF],
    [2, 3, 4],
  ])

  it('naive takes the first free feasible column in arrival order', () => {
    const a = naiveAssignment(m)
    expect(a.pairs.map((p) => [p.row, p.col])).toEqual([
      [0, 0],
      [1, 1],
      [3, 2],
    ])
    expect(a.total).toBe(18)
    expect(a.unassigned).toEqual([{ row: 2, cause: { kind: 'no-feasible-column' } }])
  })

  it('greedy takes the cheapest free feasible column in arrival order', () => {
    const a = greedyAssignment(m)
    expect(a.pairs.map((p) => [p.row, p.col])).toEqual([
      [0, 1],
      [1, 0],
      [3, 2],
    ])
    expect(a.total).toBe(6)
  })

  it('greedy can be worse than optimal, never better', () => {
    const trap = costMatrix([
      [1, 2],
      [1, 100],
    ])
    expect(greedyAssignment(trap).total).toBe(101)
    expect(solveAssignment(trap).total).toBe(3)
    const next = rng(3)
    for (let t = 0; t < 50; t++) {
      const r = randomMatrix(6, 6, 0.2, next)
      const opt = solveAssignment(r)
      for (const base of [greedyAssignment(r), naiveAssignment(r)]) {
        expect(base.pairs.length <= opt.pairs.length).toBe(true)
        if (base.pairs.length === opt.pairs.length) expect(base.total).toBeGreaterThanOrEqual(opt.total - 1e-9)
      }
    }
  })

  it('reports a row that lost its only column as outcompeted', () => {
    const a = greedyAssignment(costMatrix([[1], [2]]))
    expect(a.unassigned).toEqual([{ row: 1, cause: { kind: 'outcompeted', feasibleColumns: 1 } }])
  })
})

import { describe, expect, it } from 'vitest'
import {
  type Assignment,
  type CostMatrix,
  costMatrix,
  greedyAssignment,
  naiveAssignment,
  shortestAugmentingPath,
  solveAssignment,
  UNPLACED,
} from '../src/index.js'
import { bruteForce, integerTies, matrixOf, munkresOptimum, productMatrix, randomMatrix, rng } from './helpers.js'

const INF = Number.POSITIVE_INFINITY

/** Each column used once, only finite pairs, every row either placed or explained. */
function expectValid(a: Assignment, m: CostMatrix) {
  const cols = new Set(a.pairs.map((p) => p.col))
  expect(cols.size).toBe(a.pairs.length)
  for (const p of a.pairs) {
    expect(Number.isFinite(p.cost)).toBe(true)
    expect(p.cost).toBe(m.data[p.row * m.cols + p.col])
  }
  const rows = [...a.pairs.map((p) => p.row), ...a.unassigned.map((u) => u.row)]
  expect(new Set(rows).size).toBe(m.rows)
  expect(rows.length).toBe(m.rows)
  expect(Number.isFinite(a.total)).toBe(true)
}

describe('solveAssignment against brute force', () => {
  // Every shape from 1×1 to 7×7 (square, wide and tall), with random costs, forbidden cells,
  // integer ties and all-equal costs.
  const kinds: [string, (rows: number, cols: number, next: () => number) => CostMatrix][] = [
    ['random', (r, c, next) => randomMatrix(r, c, 0, next)],
    ['30% forbidden', (r, c, next) => randomMatrix(r, c, 0.3, next)],
    ['60% forbidden', (r, c, next) => randomMatrix(r, c, 0.6, next)],
    ['integer ties', (r, c, next) => integerTies(r, c, 3, next)],
    ['all equal', (r, c) => matrixOf(r, c, () => 5)],
  ]
  it.each(kinds)('%s', (_, make) => {
    const next = rng(7)
    for (let rows = 1; rows <= 7; rows++) {
      for (let cols = 1; cols <= 7; cols++) {
        for (let t = 0; t < 3; t++) {
          const m = make(rows, cols, next)
          const want = bruteForce(m)
          const got = solveAssignment(m)
          expectValid(got, m)
          expect(got.pairs.length).toBe(want.placed)
          expect(got.total).toBeCloseTo(want.total, 6)
        }
      }
    }
  })

  it('places the most rows first when rows compete for few columns', () => {
    const next = rng(19)
    for (let t = 0; t < 200; t++) {
      const rows = 2 + Math.floor(next() * 6)
      const cols = 2 + Math.floor(next() * 6)
      // Every row but the first may use little more than the first two columns.
      const m = matrixOf(rows, cols, (i, j) => (i > 0 && j > 1 && next() < 0.9 ? INF : Math.round(next() * 50)))
      const want = bruteForce(m)
      const got = solveAssignment(m)
      expectValid(got, m)
      expect(got.pairs.length).toBe(want.placed)
      expect(got.total).toBeCloseTo(want.total, 6)
    }
  })
})

describe('solveAssignment against munkres on medium matrices', () => {
  const cases: [string, (next: () => number) => CostMatrix][] = [
    ['square 60', (next) => randomMatrix(60, 60, 0, next)],
    ['square 200', (next) => randomMatrix(200, 200, 0, next)],
    ['wide 80×130', (next) => randomMatrix(80, 130, 0, next)],
    ['tall 130×80', (next) => randomMatrix(130, 80, 0, next)],
    ['nearly square 150×155', (next) => randomMatrix(150, 155, 0, next)],
    ['nearly square 155×150', (next) => randomMatrix(155, 150, 0, next)],
    ['integer ties 150', (next) => integerTies(150, 150, 5, next)],
    ['integer ties 90×140', (next) => integerTies(90, 140, 3, next)],
    ['integer ties 140×90', (next) => integerTies(140, 90, 3, next)],
    ['all equal 90×60', () => matrixOf(90, 60, () => 2.5)],
    ['all equal 60×90', () => matrixOf(60, 90, () => 2.5)],
    ['30% forbidden 150', (next) => randomMatrix(150, 150, 0.3, next)],
    ['30% forbidden 100×160', (next) => randomMatrix(100, 160, 0.3, next)],
    ['30% forbidden 160×100', (next) => randomMatrix(160, 100, 0.3, next)],
    ['an impossible row 120', (next) => matrixOf(120, 120, (i) => (i === 40 ? INF : next() * 100))],
    ['an impossible column 120', (next) => matrixOf(120, 120, (_, j) => (j === 7 ? INF : next() * 100))],
    // Every row prefers the same few columns: each row's cheapest columns mislead, the dense search must finish.
    ['shared favourites 150', (next) => matrixOf(150, 150, (i, j) => j + next() * 3 + (i % 7))],
    ['negative costs 100', (next) => matrixOf(100, 100, () => -1000 + next() * 10)],
    // Price × duration, the planner's own cost structure: every row wants the same columns and
    // the dense searches alone would need Θ(n) scans per row (the auction prices take over).
    ['price × duration 150', (next) => productMatrix(150, 150, next)],
    ['price × duration 100×160', (next) => productMatrix(100, 160, next)],
    ['price × duration 160×100', (next) => productMatrix(160, 100, next)],
    [
      'price × duration with forbidden pairs 150',
      (next) => {
        const m = productMatrix(150, 150, next)
        return matrixOf(150, 150, (i, j) => (next() < 0.3 ? INF : m.data[i * 150 + j]!))
      },
    ],
    [
      'price × duration, and jobs competing for five slots 120×120',
      (next) => {
        const m = productMatrix(120, 120, next)
        return matrixOf(120, 120, (i, j) => (i < 40 && j >= 5 ? INF : m.data[i * 120 + j]!))
      },
    ],
    [
      // found hard long before the last two rows show that not all can be placed: the auction's
      // price war over column 0 has to be cut short
      'price × duration where the last two jobs fit only slot 0, 150',
      (next) => {
        const m = productMatrix(150, 150, next)
        return matrixOf(150, 150, (i, j) => (i >= 148 && j > 0 ? INF : m.data[i * 150 + j]!))
      },
    ],
    // Hall's condition fails: 40 jobs fit only slots 0..4, so most of them stay unplaced.
    [
      'jobs competing for five slots 100×60',
      (next) => matrixOf(100, 60, (i, j) => (i < 40 && j >= 5 ? INF : Math.round(next() * 1000) / 10)),
    ],
    [
      'jobs competing for five slots 60×100',
      (next) => matrixOf(60, 100, (i, j) => (j < 40 && i >= 5 ? INF : Math.round(next() * 1000) / 10)),
    ],
    [
      'jobs competing for five slots 80×80',
      (next) => matrixOf(80, 80, (i, j) => (i < 40 && j >= 5 ? INF : Math.round(next() * 1000) / 10)),
    ],
  ]
  it.each(cases)('%s', (_, make) => {
    const next = rng(11)
    for (let t = 0; t < 3; t++) {
      const m = make(next)
      const want = munkresOptimum(m)
      const got = solveAssignment(m)
      expectValid(got, m)
      expect(got.pairs.length).toBe(want.placed)
      expect(got.total).toBeCloseTo(want.total, 6)
    }
  })
})

describe('solveAssignment edge cases', () => {
  it('answers a row with no feasible column with its reason instead of hanging', () => {
    const m = costMatrix([
      [1, 5, INF],
      [INF, INF, INF],
      [2, 3, 4],
    ])
    const a = solveAssignment(m)
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
    const a = solveAssignment(m)
    expect(a.pairs).toEqual([
      { row: 1, col: 0, cost: 1 },
      { row: 2, col: 1, cost: 50 },
    ])
    expect(a.unassigned).toEqual([{ row: 0, cause: { kind: 'outcompeted', feasibleColumns: 1 } }])
  })

  it('handles more jobs than slots', () => {
    const a = solveAssignment(
      costMatrix([
        [3, 1],
        [2, 2],
        [1, 3],
      ]),
    )
    expect(a.total).toBe(2)
    expect(a.unassigned).toEqual([{ row: 1, cause: { kind: 'outcompeted', feasibleColumns: 2 } }])
  })

  it('returns nothing for an empty matrix, rows without columns, and a fully infeasible one', () => {
    expect(solveAssignment(costMatrix([]))).toEqual({ pairs: [], total: 0, unassigned: [] })
    expect(solveAssignment(costMatrix([[], []])).unassigned).toEqual([
      { row: 0, cause: { kind: 'no-feasible-column' } },
      { row: 1, cause: { kind: 'no-feasible-column' } },
    ])
    const none = solveAssignment(
      costMatrix([
        [INF, INF, INF],
        [INF, INF, INF],
      ]),
    )
    expect(none).toEqual({
      pairs: [],
      total: 0,
      unassigned: [
        { row: 0, cause: { kind: 'no-feasible-column' } },
        { row: 1, cause: { kind: 'no-feasible-column' } },
      ],
    })
  })

  it('solves one row and one column', () => {
    expect(solveAssignment(costMatrix([[4, 2, INF, 3]])).pairs).toEqual([{ row: 0, col: 1, cost: 2 }])
    const column = solveAssignment(costMatrix([[4], [INF], [2], [3]]))
    expect(column.pairs).toEqual([{ row: 2, col: 0, cost: 2 }])
    expect(column.unassigned.map((u) => [u.row, u.cause.kind])).toEqual([
      [0, 'outcompeted'],
      [1, 'no-feasible-column'],
      [3, 'outcompeted'],
    ])
    expect(solveAssignment(costMatrix([[INF]])).unassigned).toEqual([{ row: 0, cause: { kind: 'no-feasible-column' } }])
  })

  it('places as many rows as there are columns in an all-equal matrix, in either orientation', () => {
    for (const [rows, cols] of [
      [300, 200],
      [200, 300],
      [250, 250],
    ] as const) {
      const m = matrixOf(rows, cols, () => 1)
      const a = solveAssignment(m)
      expectValid(a, m)
      expect(a.pairs.length).toBe(Math.min(rows, cols))
      expect(a.total).toBe(Math.min(rows, cols))
    }
  })
})

describe('shortestAugmentingPath', () => {
  it('solves the raw typed-array problem and marks rows the optimum leaves unplaced', () => {
    expect(Array.from(shortestAugmentingPath(new Float64Array([1, INF, 2, INF, 3, INF]), 2, 3))).toEqual([0, 1])
    expect(Array.from(shortestAugmentingPath(new Float64Array([1, INF, 2, INF]), 2, 2))).toEqual([0, UNPLACED])
    expect(Array.from(shortestAugmentingPath(new Float64Array(0), 0, 4))).toEqual([])
  })

  it('still places one more row through an expensive path after some row had to stay unplaced', () => {
    // Rows 0 and 1 share column 0 only, so one of them stays unplaced, and the search that finds
    // this comes first. Row 2 then gets in only by moving row 3 to column 2 and row 4 to column 3
    // for 5000: leaving a row unplaced must be priced above that, or row 2 is left out too.
    const m = costMatrix([
      [0, INF, INF, INF, INF, INF],
      [0, INF, INF, INF, INF, INF],
      [INF, 0, INF, INF, INF, INF],
      [INF, 0, 1, INF, INF, INF],
      [INF, INF, 0, 5000, INF, INF],
    ])
    const colOfRow = shortestAugmentingPath(m.data, m.rows, m.cols)
    const placed = [...colOfRow.entries()].filter(([, c]) => c !== UNPLACED)
    expect(placed.length).toBe(bruteForce(m).placed)
    expect(placed.reduce((sum, [r, c]) => sum + m.data[r * m.cols + c]!, 0)).toBe(5001)
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

// What a command loads before it does anything is fixed by its static imports. These graphs are
// walked from the source (type-only imports erased, dynamic imports not followed), so the test
// fails the day someone imports libp2p, the chain client or a cloud SDK into a path that parses
// flags, specs or configs.
import { describe, expect, it } from 'vitest'
import { importGraph, runtimeSpecifiers } from '../../../scripts/import-graph.js'

/** Packages that cost a second or more to load and open sockets or chain clients. */
const HEAVY = [
  /^libp2p$/,
  /^@libp2p\//,
  /^@chainsafe\//,
  /^@anchor-lang\//,
  /^@coral-xyz\//,
  /^@solana\/spl-token$/,
  /^@aws-sdk\//,
  /^@ovhcloud\//,
  /^node-llama-cpp$/,
  /^fastify$/,
]

function heavyIn(entry: string): string[] {
  const { packages, files } = importGraph(entry)
  const heavy = [...packages].filter(([name]) => HEAVY.some((re) => re.test(name))).map(([n, by]) => `${n} (${by})`)
  const workspace = [...files].filter((f) => /^(packages\/(p2p|cloud|inference)|clients\/market)\//.test(f))
  return [...heavy, ...workspace]
}

describe('start-up: what parsing costs', () => {
  it('erases type-only imports and keeps the rest', () => {
    const source = [
      "import type { A } from 'a'",
      "import { type B } from 'b'",
      "import { type C, d } from 'c'",
      "import e from 'e'",
      "import 'f'",
      "export type { G } from 'g'",
      "export { h } from 'h'",
      "export * from 'i'",
      "const j = await import('j')",
    ].join('\n')
    expect(runtimeSpecifiers('x.ts', source)).toEqual(['c', 'e', 'f', 'h', 'i'])
  })

  it('the walker sees libp2p behind `synkti-provider run` (it is not blind)', () => {
    const heavy = heavyIn('provider-node/src/cli/commands/run.ts')
    expect(heavy).toEqual(expect.arrayContaining([expect.stringMatching(/^libp2p /)]))
    expect(heavy).toEqual(expect.arrayContaining([expect.stringMatching(/^@aws-sdk\/client-ec2 /)]))
  })

  it('synkti-provider: --help, keygen and flag errors load no libp2p, chain client or cloud SDK', () => {
    expect(heavyIn('provider-node/src/cli/main.ts')).toEqual([])
  })

  it('synkti: the CLI loads no libp2p, chain client or cloud SDK before a command runs', () => {
    expect(heavyIn('consumer-cli/src/cli.ts')).toEqual([])
  })

  it('@synkti/jobs: reading a spec or a node status loads no libp2p', () => {
    expect(heavyIn('packages/jobs/src/index.ts')).toEqual([])
  })
})

/**
 * `npm run bench:cli`: how long the CLIs take to start, as a user runs them (`node bin/…`, through
 * tsx as the repository ships them today), against a bare `node -e 0` measured in the same run.
 * Commands alternate run by run so that a busy machine slows all of them alike. With a localnet
 * on --url (default: none), `synkti lease list` adds one RPC round trip to the start.
 *
 *   cli runs=… node_p50_ms=… synkti_help_p50_ms=… (…x) synkti_provider_help_p50_ms=… (…x) …
 *
 * Usage: npm run bench:cli [-- --runs 10] [-- --url http://127.0.0.1:8899]
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Keypair } from '@solana/web3.js'
import { quantile } from '@synkti/simulator'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, url: { type: 'string' } } })
const RUNS = Math.max(1, Number(values.runs))
const bin = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))
const SYNKTI = bin('consumer-cli/bin/synkti.js')
const PROVIDER = bin('provider-node/bin/synkti-provider.js')

interface Case {
  name: string
  args: string[]
  /** exit codes that mean the command ran as intended */
  ok: number[]
}

const cases: Case[] = [
  { name: 'node', args: ['-e', '0'], ok: [0] },
  { name: 'synkti_help', args: [SYNKTI, '--help'], ok: [0] },
  { name: 'synkti_provider_help', args: [PROVIDER, '--help'], ok: [0] },
  // a usage error: parsing alone, the path every mistyped flag takes
  { name: 'synkti_provider_usage_error', args: [PROVIDER, 'register', '--no-such-flag'], ok: [2] },
]
if (values.url !== undefined) {
  // a fresh wallet has no leases: the answer is one getProgramAccounts round trip
  const wallet = `${process.env.TMPDIR ?? '/tmp'}/synkti-bench-cli-${process.pid}.json`
  await import('node:fs/promises').then((fs) =>
    fs.writeFile(wallet, JSON.stringify(Array.from(Keypair.generate().secretKey))),
  )
  cases.push({ name: 'synkti_lease_list', args: [SYNKTI, 'lease', 'list', '-u', values.url, '-k', wallet], ok: [0] })
}

const times = new Map<string, number[]>(cases.map((c) => [c.name, []]))
for (let run = 0; run < RUNS; run++) {
  for (const c of cases) {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, c.args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const ms = performance.now() - t0
    if (!c.ok.includes(r.status ?? -1)) {
      throw new Error(`${c.name} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`)
    }
    times.get(c.name)?.push(ms)
  }
  process.stderr.write(`run ${run + 1}/${RUNS}\n`)
}

const p50 = (name: string) =>
  quantile(
    [...(times.get(name) ?? [])].sort((a, b) => a - b),
    0.5,
  )
const base = p50('node')
const parts = [`cli runs=${RUNS}`, `node_p50_ms=${base.toFixed(0)}`]
for (const c of cases.slice(1)) {
  parts.push(`${c.name}_p50_ms=${p50(c.name).toFixed(0)} ${c.name}_vs_node=${(p50(c.name) / base).toFixed(1)}x`)
}
console.log(parts.join(' '))

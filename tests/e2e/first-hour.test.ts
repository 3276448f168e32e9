import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NODE, PROVIDER_BIN, REPO, SYNKTI_BIN } from './harness/paths.js'
import { type JsonLine, nodeEvent, type Proc, ProcessGroup, runJson } from './harness/processes.js'

/**
 * The first hour of a provider and a consumer who follow only the READMEs (issue "The first
 * hour"), on one machine: three people with homes of their own — a deployer, a provider, a
 * consumer — and nothing but the project's own commands, as the READMEs write them
 * (localnet/README.md "Faucet", provider-node/README.md "Register" and "Run",
 * consumer-cli/README.md "Commands"). The only additions are what one machine shared with other
 * tests needs: the chain on a free port (`-u`/`--url`, documented on every command) and the
 * provider's API on a free port (`--api-port`, documented); its P2P port is register's choice.
 */

const MODEL_SPEC = 'consumer-cli/examples/smollm2.yaml'

/** The programs a README line starts with, as the repository runs them (npm scripts run these). */
const PROGRAMS: Record<string, string[]> = {
  synkti: [SYNKTI_BIN],
  'synkti-provider': [PROVIDER_BIN],
  'npm run localnet --': [join(REPO, 'scripts/localnet.mjs')],
  'npm run deploy --': [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'migrations/deploy.ts')],
  'npm run fetch-model --': ['bash', join(REPO, 'scripts/fetch-model.sh')],
}

// What belongs to the machine rather than to a person: the Rust toolchain and its build of the
// chain, the project's tool and model caches. A new home must not mean a 45-minute rebuild.
const realHome = homedir()
const MACHINE: NodeJS.ProcessEnv = {
  RUSTUP_HOME: process.env.RUSTUP_HOME ?? join(realHome, '.rustup'),
  CARGO_HOME: process.env.CARGO_HOME ?? join(realHome, '.cargo'),
  CARGO_TARGET_DIR:
    process.env.CARGO_TARGET_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(realHome, '.cache'), 'synkti/target'),
  SYNKTI_CACHE_DIR:
    process.env.SYNKTI_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(realHome, '.cache'), 'synkti'),
}

interface Person {
  name: string
  home: string
  env: NodeJS.ProcessEnv
}

let dir: string
let url: string
let market: string
const group = new ProcessGroup()
const people: Record<'deployer' | 'provider' | 'consumer', Person> = {} as never
let node: Proc

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Splits a README line into the program's argv; `~` is the person's home. */
function argv(person: Person, line: string): [string, string[]] {
  const prefix = Object.keys(PROGRAMS)
    .sort((a, b) => b.length - a.length)
    .find((p) => line === p || line.startsWith(`${p} `))
  if (prefix === undefined) throw new Error(`not a documented program: ${line}`)
  const words = line
    .slice(prefix.length)
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => w.replace(/^~(?=\/|$)/, person.home))
  const program = PROGRAMS[prefix] as string[]
  const [command, ...rest] = program
  return command === 'bash' ? ['bash', [...rest, ...words]] : [NODE, [...program, ...words]]
}

/** Runs one README line as `person`; resolves with its exit code and its last JSON line (with --json). */
async function run(person: Person, line: string, timeoutMs = 180_000) {
  const [command, args] = argv(person, line)
  return runJson(command, args, { cwd: REPO, env: person.env, timeoutMs })
}

/** Like `run`, but the line must succeed; returns its JSON. */
async function ok(person: Person, line: string, timeoutMs?: number): Promise<JsonLine> {
  const r = await run(person, line, timeoutMs)
  expect(r.code, `${person.name}: ${line}\n${r.stdout}\n${r.stderr}`).toBe(0)
  return r.json ?? {}
}

/** `synkti-provider run --role worker --json`, as the provider starts (and restarts) its node. */
function startNode(): void {
  const [command, args] = argv(people.provider, 'synkti-provider run --role worker --json')
  node = group.start('provider', command, args, { env: people.provider.env, cwd: REPO })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'synkti-first-hour-'))
  for (const name of ['deployer', 'provider', 'consumer'] as const) {
    const home = join(dir, name)
    await mkdir(home)
    people[name] = { name, home, env: { ...MACHINE, HOME: home, SYNKTI_STATE_DIR: join(home, '.local/state/synkti') } }
  }
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  // `npm run localnet` (it creates the deployer's key at ~/.config/solana/id.json)
  const [command, args] = argv(people.deployer, `npm run localnet -- --port ${port} --ledger ${join(dir, 'ledger')}`)
  const chain = group.start('localnet', command, args, { env: people.deployer.env, cwd: REPO })
  // it prints `ready` once it serves
  const deadline = Date.now() + 120_000
  while (!chain.text.includes('ready')) {
    if (!chain.running) throw new Error(`localnet exited: ${chain.text.slice(-10).join('\n')}`)
    if (Date.now() > deadline) throw new Error('localnet: not ready within 120 s')
    await new Promise((r) => setTimeout(r, 200))
  }
}, 600_000)

afterAll(async () => {
  await group.stopAll()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('the first hour, as the READMEs say it', { timeout: 900_000 }, () => {
  it('a deployer makes a market; a provider registers and runs on its own machine', async () => {
    const { deployer, provider } = people
    await ok(deployer, `npm run localnet -- faucet --url ${url} --to ~/.config/solana/id.json --sol 10 --json`)
    const deployed = await ok(deployer, `npm run deploy -- --url ${url} --create-mints --json`)
    market = String(deployed.market)
    expect(market).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/)

    // the provider: a key, SOL and stake tokens from the faucet (the deployer holds the test mints)
    await ok(provider, 'synkti-provider keygen -o ~/.config/solana/id.json --json')
    const operatorKey = join(provider.home, '.config/solana/id.json')
    await ok(
      deployer,
      `npm run localnet -- faucet --url ${url} --market ${market} --to ${operatorKey} --sol 2 --stake 1000000 --json`,
    )
    // register chooses the node's P2P port once and prints the address peers bootstrap through
    const api = await freePort()
    const registered = await ok(
      provider,
      `synkti-provider register -u ${url} --market ${market} --stake 1000000 --price 1200 --gpu L4 --vram 24 --count 1 --region eu-central --api-port ${api} --json`,
    )
    const listen = registered.listen as string[]
    const bootstrap = `${listen[0]}/p2p/${registered.peerId}`
    await ok(provider, 'npm run fetch-model -- --dir ~/.config/synkti/state/models', 300_000)
    const doctor = await ok(provider, `synkti-provider doctor --operation accept-lease --spec ${MODEL_SPEC} --json`)
    expect(doctor).toMatchObject({ ok: true })

    // on one's own machine: `--role worker` serves leases
    startNode()
    const started = await node.waitFor('started', nodeEvent('started'), 120_000)
    // the address register printed is the one the node serves on
    expect(started.addrs).toContain(bootstrap)
    people.consumer.env = { ...people.consumer.env, SYNKTI_MARKET: market, SYNKTI_BOOTSTRAP: bootstrap }
  })

  it('a consumer finds the provider, runs the example job, follows it, tops it up and stops it', async () => {
    const { deployer, consumer } = people
    await ok(consumer, 'synkti keygen --json')
    await ok(
      deployer,
      `npm run localnet -- faucet --url ${url} --market ${market} --to ${join(consumer.home, '.config/solana/id.json')} --sol 2 --payment 20000000 --json`,
    )
    await ok(consumer, `synkti doctor -u ${url} --json`)

    // a lone provider is found by capability, and the example job fits it
    const found = await ok(consumer, `synkti providers -u ${url} --gpu L4 --region eu-central --json`)
    expect((found.providers as unknown[]).length).toBe(1)
    const fits = await ok(consumer, `synkti providers -u ${url} --for ${MODEL_SPEC} --json`)
    expect(JSON.stringify(fits)).not.toMatch(/does not fit/)

    const job = await ok(consumer, `synkti job run ${MODEL_SPEC} -u ${url} --deposit 3_600_000 --wait --json`, 300_000)
    const lease = String(job.lease)
    const endpoint = String(job.endpoint)
    const answer = await fetch(`${endpoint}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'HuggingFaceTB/SmolLM2-135M-Instruct',
        prompt: 'The capital of France is',
        max_tokens: 4,
        temperature: 0,
      }),
    })
    expect(answer.status).toBe(200)

    const status = await ok(consumer, `synkti job status ${lease} -u ${url} --json`)
    expect(JSON.stringify(status)).toMatch(/healthy|running/)
    const logs = await run(consumer, `synkti job logs ${lease} -u ${url} --json`)
    expect(logs.code, logs.stderr).toBe(0)
    await ok(consumer, `synkti job top-up ${lease} -u ${url} --amount 1_000_000 --json`)

    // the provider restarts its node (Ctrl-C, then the same command): the tenant's job is not
    // killed with it, still answers meanwhile, and the new node adopts it
    node.child.kill('SIGINT')
    expect(await node.exited).toBe(0)
    const meanwhile = await fetch(`${endpoint}/health`)
    expect(meanwhile.status).toBe(200)
    startNode()
    await node.waitFor(
      'the job adopted',
      nodeEvent('job-adopted', (e) => e.lease === lease),
      120_000,
    )
    expect((await fetch(`${endpoint}/health`)).status).toBe(200)
    const stopped = await ok(consumer, `synkti job stop ${lease} -u ${url} --json`)
    expect(JSON.stringify(stopped)).toMatch(/completed|closed/)

    // a second stop says the lease has already ended, by name, and moves nothing
    const again = await run(consumer, `synkti job stop ${lease} -u ${url} --json`)
    expect(again.code).not.toBe(0)
    expect(again.json?.error).toMatchObject({ name: 'LeaseAlreadyEndedError' })

    const leases = await ok(consumer, `synkti lease list -u ${url} --json`)
    expect(JSON.stringify(leases)).toContain(lease)
  })

  it('a consumer disputes a lease its provider is serving', async () => {
    const { consumer } = people
    const job = await ok(consumer, `synkti job run ${MODEL_SPEC} -u ${url} --deposit 3_600_000 --wait --json`, 300_000)
    const lease = String(job.lease)
    const disputed = await ok(
      consumer,
      `synkti dispute open ${lease} -u ${url} --reason endpoint-returned-503-for-ten-minutes --json`,
    )
    expect(JSON.stringify(disputed)).toContain(lease)
    // the node stops serving a disputed lease (never served for free)
    await node.waitFor(
      'the disputed job stopped',
      nodeEvent('job', (e) => e.lease === lease && e.state === 'stopped'),
      120_000,
    )
    const why = node.lines.filter((l) => l.lease === lease && typeof l.reason === 'string').map((l) => l.reason)
    // whichever watcher saw it first (the lease check or the runway) names the dispute
    expect(
      why.some((r) => /disputed/.test(String(r))),
      why.join('; '),
    ).toBe(true)
  })
})

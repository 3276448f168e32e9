// The documented example job on a provider registered exactly as provider-node/README.md says
// ("Register": operator key, authority with the stake, the README's flags, then the weights of the
// example job into the node's cache with the project's own command), on localnet (issue 19, item 2):
// `doctor --operation accept-lease` says it checked no job instead of "ready"; with `--spec` it
// checks the example's real weights, and its remedy is a command that runs and fixes it; then the
// node accepts the example job (consumer-cli/examples/smollm2.yaml, as the consumer submits it)
// and serves it. A home directory of its own.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { PublicKey } from '@solana/web3.js'
import { defaultModelCacheDir, SMOLLM2 } from '@synkti/inference/spawn'
import { jobOfLease, jobSpecHash, parseJobSpec, parseNodeStatus } from '@synkti/jobs'
import { keypairFromBytes, SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chain, client, type MarketFx, parties } from '../support/chain.js'
import { type InProcessCli, inProcessCli } from './in-process.js'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const EXAMPLE = join(REPO, 'consumer-cli', 'examples', 'smollm2.yaml')
// the machine's cache, where `npm run test:deps` put SmolLM2 (read before the test's own HOME is set)
const MACHINE_CACHE = dirname(defaultModelCacheDir())

let h: InProcessCli
let m: MarketFx
const stops: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  h = await inProcessCli()
  m = await parties.market()
}, 120_000)

afterAll(async () => {
  await Promise.allSettled(stops.map((stop) => stop()))
})

type Check = { id: string; status: { kind: string; remedy?: string } }
const checkOf = (json: Record<string, unknown>, id: string) => (json.checks as Check[]).find((c) => c.id === id)

/** A remedy's command, run as a user runs it: a shell in the clone. */
async function runRemedy(command: string): Promise<string> {
  const child = spawn('sh', ['-c', command], {
    cwd: REPO,
    env: { ...process.env, HOME: h.home, SYNKTI_CACHE_DIR: MACHINE_CACHE },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const [code] = (await once(child, 'exit')) as [number]
  expect(code, out).toBe(0)
  return out
}

describe('the documented example job on a provider registered as documented', { timeout: 240_000 }, () => {
  it('doctor checks the real job and names a fix that works; the node then serves the example', async () => {
    // Register, as the README says: the hot operator key, the authority (cold wallet) with the stake
    const operatorPath = join(h.home, '.config', 'solana', 'id.json')
    const keygen = await h.cli(['keygen', '-o', operatorPath])
    expect(keygen.code, JSON.stringify(keygen.json)).toBe(0)
    const authority = await parties.funded(2)
    await Promise.all([
      parties.fund(new PublicKey(String(keygen.json.address)), 2),
      parties.tokenAccount(m, authority.publicKey, m.stakeMint, 1_000_000n),
    ])
    const authorityPath = await h.writeKeypair(join(h.home, 'cold-wallet.json'), authority)
    const register = await h.cli([
      'register',
      '-u',
      chain.rpcUrl,
      '--market',
      m.key.toBase58(),
      '-a',
      authorityPath,
      '--stake',
      '1000000',
      '--price',
      '1200',
      '--gpu',
      'H100',
      '--vram',
      '80',
      '--count',
      '1',
      '--region',
      'eu-central',
      '--zone',
      'eu-central-1a',
      '--cloud',
      'aws',
      '--spot',
    ])
    expect(register.code, JSON.stringify(register.json)).toBe(0)
    const configPath = join(h.home, '.config', 'synkti', 'provider.json')
    const modelDir = join(h.home, '.config', 'synkti', 'state', 'models')

    // without a job, doctor says it checked none, never "ready" on a model called "none"
    const noJob = await h.cli(['doctor', '--operation', 'accept-lease'])
    expect(noJob.code, JSON.stringify(noJob.json)).toBe(0)
    expect(noJob.json).toMatchObject({ operation: 'accept-lease', job: null })
    expect(checkOf(noJob.json, 'weights')?.status.kind).toBe('unverified')

    // for the example job: its weights are not in this node's cache yet, and the fix is the project's command
    const before = await h.cli(['doctor', '--operation', 'accept-lease', '--spec', EXAMPLE])
    expect(before.code, JSON.stringify(before.json)).toBe(7)
    expect(before.json).toMatchObject({ job: 'smollm2', ok: false })
    const weights = checkOf(before.json, 'weights')
    expect(weights?.status.kind).toBe('failed')
    const remedy = String(weights?.status.remedy)
    expect(remedy).toMatch(new RegExp(`^npm run fetch-model -- --dir ${modelDir} `))
    expect(remedy).not.toContain('huggingface-cli')

    // the README's last Register line is that command: it works, and doctor then passes
    const fetched = await runRemedy(remedy.slice(0, remedy.indexOf(' (')))
    expect(fetched).toContain(join(modelDir, 'sha256', SMOLLM2.sha256))
    const after = await h.cli(['doctor', '--operation', 'accept-lease', '--spec', EXAMPLE])
    expect(after.code, JSON.stringify(after.json)).toBe(0)
    expect(after.json).toMatchObject({ job: 'smollm2', ok: true })
    expect(checkOf(after.json, 'weights')?.status.kind).toBe('ok')

    // `synkti-provider run --role worker` on this machine, and the example as the consumer submits it
    const { loadNodeConfig } = await import('../../src/node/config.js')
    const { ProviderNode } = await import('../../src/node/provider-node.js')
    const config = await loadNodeConfig(configPath)
    const node = await ProviderNode.start({
      config: { ...config, context: 'workstation', role: 'worker', api: { ...config.api, port: 0 } },
      log: () => undefined,
    })
    stops.push(() => node.stop())
    const c = await parties.consumer(m, 10_000_000n)
    const consumer = await SynktiNode.create({
      privateKey: await keypairFromBytes(c.kp.secretKey),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: node.p2p.multiaddrs,
      dhtMode: 'client',
    })
    stops.unshift(() => consumer.stop())
    const spec = parseJobSpec(await readFile(EXAMPLE, 'utf8'))
    const { lease } = await client.openLease({
      consumer: c.kp,
      provider: new PublicKey(String(register.json.provider)),
      jobSpecHash: jobSpecHash(spec),
      maxPricePerSecond: 2_000n,
      deposit: 5_000_000n,
    })
    const address = lease.toBase58()
    expect(await consumer.protocols.submitJob(node.p2p.peerId, { lease: address, spec })).toEqual({
      accepted: true,
      jobId: address,
    })
    let endpoint: string | null = null
    for (let i = 0; i < 600 && endpoint === null; i++) {
      const job = jobOfLease(parseNodeStatus(JSON.parse(JSON.stringify(node.status()))), address)
      if (job?.state === 'failed') throw new Error(`job failed: ${job.reason}`)
      endpoint = job?.state === 'healthy' ? job.endpoint : null
      if (endpoint === null) await sleep(200)
    }
    expect(endpoint).not.toBeNull()
    const reply = await fetch(`${endpoint}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: SMOLLM2.name, prompt: 'The capital of France is', max_tokens: 4, temperature: 0 }),
    })
    expect(reply.status).toBe(200)
    expect(((await reply.json()) as { choices: { text: string }[] }).choices[0]?.text).toMatch(/^ Paris/)
  })
})

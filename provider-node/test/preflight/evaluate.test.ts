import { SMOLLM2 } from '@synkti/inference/spawn'
import { describe, expect, it } from 'vitest'
import {
  type CheckResult,
  evaluateActive,
  evaluateDisk,
  evaluateGpu,
  evaluateKeypair,
  evaluatePeers,
  evaluateRegistered,
  evaluateRpc,
  evaluateRuntime,
  evaluateSol,
  evaluateStake,
  evaluateWeights,
  formatDoctor,
  gpuNameMatches,
  MIN_OPERATOR_LAMPORTS,
  type RegistrationObservation,
  remedies,
} from '../../src/preflight/index.js'
import { capability } from '../support/nodes.js'
import { market, provider, requirement } from './fixtures.js'

const URL_LOCAL = 'http://127.0.0.1:8899'
const MARKET = 'Mkt1111111111111111111111111111111111111111'

function remedyOf(c: CheckResult): string {
  if (c.status.kind !== 'failed') throw new Error(`${c.id} is ${c.status.kind}, not failed: ${c.observed}`)
  return c.status.remedy
}

describe('keypair', () => {
  it('names the operator it read', () => {
    const c = evaluateKeypair({ kind: 'loaded', path: '/k.json', address: 'Op1' })
    expect(c).toMatchObject({ id: 'keypair', status: { kind: 'ok' } })
    expect(c.observed).toBe('read /k.json: operator Op1')
  })
  it('missing → keygen at that path; unreadable → permissions; malformed → restore or replace', () => {
    expect(remedyOf(evaluateKeypair({ kind: 'missing', path: '/k.json' }))).toBe('synkti-provider keygen -o /k.json')
    expect(remedyOf(evaluateKeypair({ kind: 'unreadable', path: '/k.json', reason: 'EACCES' }))).toMatch(
      /^chmod 600 \/k\.json/,
    )
    const bad = evaluateKeypair({ kind: 'malformed', path: '/k.json', reason: 'not JSON' })
    expect(bad.observed).toContain('not JSON')
    expect(remedyOf(bad)).toContain('mv /k.json /k.json.bad && synkti-provider keygen -o /k.json')
  })
})

describe('rpc', () => {
  it('reports the version and slot it saw', () => {
    const c = evaluateRpc({ kind: 'reachable', url: URL_LOCAL, version: '2.1.0', slot: 42 })
    expect(c.status.kind).toBe('ok')
    expect(c.observed).toBe(`getVersion via ${URL_LOCAL} = solana-core 2.1.0, slot 42`)
  })
  it('a dead local RPC is fixed by starting the localnet on its port', () => {
    expect(remedyOf(evaluateRpc({ kind: 'unreachable', url: URL_LOCAL, reason: 'ECONNREFUSED' }))).toBe(
      'npm run localnet',
    )
    expect(remedyOf(evaluateRpc({ kind: 'unreachable', url: 'http://127.0.0.1:18899', reason: 'ECONNREFUSED' }))).toBe(
      'npm run localnet -- --port 18899',
    )
    expect(
      remedyOf(evaluateRpc({ kind: 'unreachable', url: 'https://rpc.example.org', reason: 'ENOTFOUND' })),
    ).toContain(`curl -s https://rpc.example.org -H 'content-type: application/json'`)
  })
})

describe('registration, status and stake', () => {
  const m = market(1_000_000n)
  const registered = (staked: bigint, status = { kind: 'active' } as const): RegistrationObservation => ({
    kind: 'registered',
    url: URL_LOCAL,
    market: m,
    provider: provider(m, staked, status),
  })

  it('a registered, active, staked provider passes all three', () => {
    const o = registered(1_000_000n)
    expect(
      [evaluateRegistered(o, MARKET, '/k.json'), evaluateActive(o, MARKET), evaluateStake(o)].map((c) => c.status),
    ).toEqual([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' }])
  })

  it('unregistered → register with the market minimum; status and stake are skipped, not failed twice', () => {
    const o: RegistrationObservation = { kind: 'unregistered', url: URL_LOCAL, market: m, operator: 'Op1' }
    expect(remedyOf(evaluateRegistered(o, MARKET, '/k.json'))).toBe(
      `synkti-provider register --market ${MARKET} --stake 1000000`,
    )
    expect(evaluateActive(o, MARKET).status).toEqual({ kind: 'skipped', because: 'registered' })
    expect(evaluateStake(o).status).toEqual({ kind: 'skipped', because: 'registered' })
  })

  it('a provider that names another operator: point --keypair at that key', () => {
    const p = provider(m, 1_000_000n)
    const o: RegistrationObservation = {
      kind: 'other-operator',
      url: URL_LOCAL,
      market: m,
      provider: p,
      operator: 'Op1',
    }
    const c = evaluateRegistered(o, MARKET, '/k.json')
    expect(c.observed).toContain(`has operator ${p.operator.toBase58()}, this keypair is Op1`)
    expect(remedyOf(c)).toBe(
      `this keypair is not the provider's operator: point --keypair (now /k.json) at the keypair of ${p.operator.toBase58()}`,
    )
    expect(evaluateStake(o).status).toEqual({ kind: 'skipped', because: 'registered' })
  })

  it('a missing market is named, with how to make one on a local chain', () => {
    const c = evaluateRegistered({ kind: 'market-missing', url: URL_LOCAL, market: MARKET }, MARKET, '/k.json')
    expect(c.observed).toContain(`market ${MARKET} does not exist`)
    expect(remedyOf(c)).toContain('npm run deploy')
  })

  it('paused → resume; exiting → register anew, with the unlock time', () => {
    expect(remedyOf(evaluateActive(registered(1_000_000n, { kind: 'paused' } as never), MARKET))).toBe(
      'synkti-provider resume',
    )
    const exiting = registered(1_000_000n, { kind: 'exiting', unlockAt: 1_800_000_000 } as never)
    const remedy = remedyOf(evaluateActive(exiting, MARKET))
    expect(remedy).toContain('2027-01-15T08:00:00.000Z')
    expect(remedy).toContain(`synkti-provider register --market ${MARKET} --stake 1000000`)
  })

  it('stake below the minimum asks for exactly the difference', () => {
    const c = evaluateStake(registered(400_000n))
    expect(c.observed).toBe('staked 400000, market minimum 1000000 (stake-mint base units)')
    expect(remedyOf(c)).toBe('synkti-provider stake --amount 600000')
  })
})

describe('sol', () => {
  const address = 'So11111111111111111111111111111111111111112'
  it('enough lamports pass; the observation names the address, amount and RPC', () => {
    const c = evaluateSol({ kind: 'read', url: URL_LOCAL, address, lamports: MIN_OPERATOR_LAMPORTS })
    expect(c.status.kind).toBe('ok')
    expect(c.observed).toBe(`getBalance(So11…1112) = 0.01 SOL via ${URL_LOCAL}, need 0.01 SOL`)
  })
  it("short → the project's faucet on local and airdrop clusters, a transfer elsewhere; never the Solana CLI", () => {
    const short = MIN_OPERATOR_LAMPORTS - 1
    expect(remedyOf(evaluateSol({ kind: 'read', url: URL_LOCAL, address, lamports: short }))).toBe(
      `npm run localnet -- faucet --to ${address} --sol 1`,
    )
    const otherPort = 'http://127.0.0.1:18899'
    expect(remedyOf(evaluateSol({ kind: 'read', url: otherPort, address, lamports: 0 }))).toBe(
      `npm run localnet -- faucet --url ${otherPort} --to ${address} --sol 1`,
    )
    const devnet = 'https://api.devnet.solana.com'
    expect(remedyOf(evaluateSol({ kind: 'read', url: devnet, address, lamports: 0 }))).toContain(
      `npm run localnet -- faucet --url ${devnet} --to ${address} --sol 1`,
    )
    const mainnet = 'https://api.mainnet-beta.solana.com'
    expect(remedyOf(evaluateSol({ kind: 'read', url: mainnet, address, lamports: 0 }))).toBe(
      `send 1 SOL to ${address} from a wallet of yours on the cluster of ${mainnet}`,
    )
    for (const url of [URL_LOCAL, devnet, mainnet]) {
      expect(remedyOf(evaluateSol({ kind: 'read', url, address, lamports: 0 }))).not.toMatch(/\bsolana |spl-token/)
    }
  })
})

describe('peers', () => {
  it('connected passes; none with a bootstrap list fails; none and no list is a first node (unverified)', () => {
    expect(evaluatePeers({ kind: 'counted', connected: 2, bootstrap: 1 }, 'start').status.kind).toBe('ok')
    expect(remedyOf(evaluatePeers({ kind: 'counted', connected: 0, bootstrap: 2 }, 'start'))).toBe(remedies.peers())
    expect(evaluatePeers({ kind: 'counted', connected: 0, bootstrap: 0 }, 'start').status.kind).toBe('unverified')
  })
  it('a hand-off with no peer fails even for a first node', () => {
    expect(remedyOf(evaluatePeers({ kind: 'counted', connected: 0, bootstrap: 0 }, 'migrate'))).toBe(
      remedies.firstPeer(),
    )
  })
  it('no libp2p node in the process is unverified', () => {
    expect(evaluatePeers({ kind: 'not-running' }, 'start').status.kind).toBe('unverified')
  })
})

describe('runtime', () => {
  it('a command found, a command missing (vllm gets pip), an engine ready', () => {
    const found = evaluateRuntime({ kind: 'command-found', runtime: 'process', command: 'node', path: '/usr/bin/node' })
    expect(found).toMatchObject({ title: 'job runtime present (process)', status: { kind: 'ok' } })
    expect(remedyOf(evaluateRuntime({ kind: 'command-missing', runtime: 'vllm', command: 'vllm' }))).toBe(
      'pip install vllm',
    )
    expect(remedyOf(evaluateRuntime({ kind: 'command-missing', runtime: 'process', command: 'llama' }))).toContain(
      'command -v llama',
    )
    expect(evaluateRuntime({ kind: 'engine-ready', engine: 'podman', version: '5.2' }).status.kind).toBe('ok')
  })
  it('an engine CLI without its daemon says so and starts the daemon', () => {
    const c = evaluateRuntime({ kind: 'engine-daemon-down', engine: 'docker', detail: 'exit 1: Cannot connect' })
    expect(c.observed).toBe('docker CLI found but daemon unreachable: exit 1: Cannot connect')
    expect(remedyOf(c)).toBe('sudo systemctl start docker')
    expect(remedyOf(evaluateRuntime({ kind: 'no-engine', tried: ['docker', 'podman'] }))).toContain('docker.io')
  })
})

describe('gpu', () => {
  const h100 = { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81_559 }
  const declared = capability()

  it('matches nvidia-smi names to declared models', () => {
    expect(gpuNameMatches('NVIDIA H100 80GB HBM3', 'H100')).toBe(true)
    expect(gpuNameMatches('NVIDIA A100-SXM4-80GB', 'A100-80GB')).toBe(true)
    expect(gpuNameMatches('NVIDIA GeForce RTX 4090', 'RTX4090')).toBe(true)
    expect(gpuNameMatches('NVIDIA L4', 'H100')).toBe(false)
  })

  it('an H100 reporting 81559 MiB has the declared 80 GB (driver reserve tolerated)', () => {
    const c = evaluateGpu({ kind: 'observed', command: 'nvidia-smi', gpus: [h100] }, declared, MARKET)
    expect(c.status.kind).toBe('ok')
    expect(c.observed).toContain('NVIDIA H100 80GB HBM3 81559 MiB')
  })

  it('fewer GPUs than declared → declare what is there', () => {
    const two = capability({ gpu: { model: 'H100', count: 2, vramGb: 80 } })
    const c = evaluateGpu({ kind: 'observed', command: 'nvidia-smi', gpus: [h100] }, two, MARKET)
    expect(remedyOf(c)).toBe(
      `declare what this machine has: synkti-provider register --market ${MARKET} --gpu NVIDIA H100 80GB HBM3 --vram 79 --count 1`,
    )
  })

  it('a job needing more VRAM or another model than is here is declined', () => {
    const l4 = { name: 'NVIDIA L4', memoryMiB: 23_034 }
    const vram = evaluateGpu({ kind: 'observed', command: 'nvidia-smi', gpus: [l4] }, declared, MARKET, requirement())
    expect(remedyOf(vram)).toMatch(/^decline: the job needs 1× 80 GB, 0 here/)
    const model = evaluateGpu(
      { kind: 'observed', command: 'nvidia-smi', gpus: [h100] },
      declared,
      MARKET,
      requirement({ gpuModels: ['A100'] }),
    )
    expect(remedyOf(model)).toContain('decline')
  })

  it('no nvidia-smi → unverified with the declared capability, unless the declaration itself cannot host the job', () => {
    const absent = { kind: 'tool-absent', command: 'nvidia-smi' } as const
    const c = evaluateGpu(absent, declared, MARKET, requirement())
    expect(c.status).toEqual({ kind: 'unverified', note: 'taking the declared capability: nvidia-smi is absent' })
    expect(c.observed).toBe('nvidia-smi not found; declared 1× H100 80 GB')
    expect(remedyOf(evaluateGpu(absent, declared, MARKET, requirement({ gpus: 2, vramGb: 160 })))).toContain('decline')
  })

  it('nvidia-smi failing is a driver problem', () => {
    const c = evaluateGpu(
      { kind: 'tool-failed', command: 'nvidia-smi', detail: 'exit 9: NVIDIA-SMI has failed' },
      declared,
      MARKET,
    )
    expect(remedyOf(c)).toBe('load the NVIDIA driver: sudo modprobe nvidia && nvidia-smi')
  })
})

describe('disk', () => {
  it('enough free space passes; short by 3.5 GB asks to free 4 GB', () => {
    const o = { kind: 'read', path: '/models', freeBytes: 12.5e9, totalBytes: 100e9 } as const
    const ok = evaluateDisk(o, 10, 'weights of m', '/models')
    expect(ok.status.kind).toBe('ok')
    expect(ok.observed).toBe('statfs(/models): 12.5 GB free of 100.0 GB; need 10 GB (weights of m)')
    expect(remedyOf(evaluateDisk(o, 16, 'weights of m', '/models'))).toMatch(/^free 4 GB on the disk of \/models/)
  })
})

describe('weights', () => {
  it('present, not needed and fetchable pass', () => {
    expect(evaluateWeights({ kind: 'present', model: 'm', path: '/models/m', files: 3, bytes: 2e9 }).observed).toBe(
      '/models/m: 3 file(s), 2.0 GB',
    )
    expect(evaluateWeights({ kind: 'not-needed', model: 'm' }).status.kind).toBe('ok')
    expect(evaluateWeights({ kind: 'fetchable', model: 'm', url: 'http://h/api/models/m' }).status.kind).toBe('ok')
  })
  it('gated → login; unknown → check the name; source down → download elsewhere; escaping name → decline', () => {
    expect(remedyOf(evaluateWeights({ kind: 'gated', model: 'm', url: 'u', status: 401 }))).toContain(
      'huggingface-cli login',
    )
    expect(remedyOf(evaluateWeights({ kind: 'not-found', model: 'm', path: '/models/m', url: 'u' }))).toContain(
      'copy the weights to /models/m',
    )
    expect(
      remedyOf(
        evaluateWeights({
          kind: 'source-unreachable',
          model: 'org/m',
          path: '/models/org/m',
          url: 'u',
          reason: 'ECONNREFUSED',
        }),
      ),
    ).toBe('huggingface-cli download org/m --local-dir /models/org/m')
    // no hub configured: nothing says the name exists anywhere, so no download is named
    expect(remedyOf(evaluateWeights({ kind: 'absent', model: 'org/m', path: '/models/org/m' }))).toBe(
      'copy the weights of org/m to /models/org/m, or let the node fetch them: name a Hugging Face-compatible hub as weightsSource in the node config',
    )
    expect(remedyOf(evaluateWeights({ kind: 'invalid-name', model: '../x', modelDir: '/models' }))).toContain('decline')
  })
  it("the example job's weights (SmolLM2) nowhere: the project's command into this node's cache; others: copy or upload", () => {
    const unavailable = (sha256: string, sources: string[]) =>
      remedyOf(
        evaluateWeights({
          kind: 'unavailable',
          sha256,
          path: `/state/models/sha256/${sha256}`,
          answers: sources.map((source) => ({ source, error: 'WeightsNotFoundError', message: 'no' })),
        }),
      )
    expect(unavailable(SMOLLM2.sha256, [])).toMatch(
      /^npm run fetch-model -- --dir \/state\/models \(in the synkti clone/,
    )
    expect(unavailable(SMOLLM2.sha256, ['s3://b/sha256/'])).toContain(
      `aws s3 cp <file> s3://b/sha256/${SMOLLM2.sha256}`,
    )
    const other = 'ab'.repeat(32)
    expect(unavailable(other, [])).toMatch(
      new RegExp(`^cp <file whose sha256 is ${other}> /state/models/sha256/${other}, or`),
    )
    expect(unavailable(other, [])).not.toContain('fetch-model')
  })
  it('no job named (doctor without --spec): unverified, and doctor says it checked no job instead of "ready"', () => {
    const check = evaluateWeights({ kind: 'no-job' })
    expect(check.status).toMatchObject({ kind: 'unverified', note: expect.stringContaining('--spec <job spec file>') })
    const report = { operation: 'accept-lease' as const, ok: true, checks: [check], at: 0 }
    expect(
      formatDoctor({ ...report, job: null })
        .trimEnd()
        .split('\n')
        .at(-1),
    ).toBe("no job checked for accept-lease (the node's own items pass): --spec <job spec file> checks one")
    expect(
      formatDoctor({ ...report, job: 'smollm2' })
        .trimEnd()
        .split('\n')
        .at(-1),
    ).toBe('ready to accept-lease smollm2')
  })
})

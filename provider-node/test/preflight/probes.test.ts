import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { serializeKeypair } from '@synkti/market'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  findTool,
  observeCommand,
  observeContainerEngine,
  observeDisk,
  observeGpu,
  observeKeypair,
  observeWeights,
  parseNvidiaSmi,
  weightsPath,
} from '../../src/preflight/index.js'
import { freePort } from '../../src/runtime/free-port.js'

const docker = await findTool('docker', {})

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))

/** A directory holding only the given executable scripts: a PATH with exactly these tools. */
function pathWith(tools: Record<string, string> = {}): string {
  const dir = tmp('path-')
  for (const [name, script] of Object.entries(tools)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`)
    chmodSync(join(dir, name), 0o755)
  }
  return dir
}

describe('observeKeypair', () => {
  it('reads a solana-keygen file and names the operator', async () => {
    const kp = Keypair.generate()
    const path = join(tmp('kp-'), 'operator.json')
    writeFileSync(path, serializeKeypair(kp))
    expect(await observeKeypair(path)).toEqual({ kind: 'loaded', path, address: kp.publicKey.toBase58() })
  })
  it('tells a missing file from a garbled one and from one that cannot be read', async () => {
    const dir = tmp('kp-')
    expect(await observeKeypair(join(dir, 'none.json'))).toEqual({ kind: 'missing', path: join(dir, 'none.json') })
    writeFileSync(join(dir, 'garbled.json'), '[1,2,3')
    expect(await observeKeypair(join(dir, 'garbled.json'))).toMatchObject({ kind: 'malformed', reason: /not JSON/ })
    writeFileSync(join(dir, 'short.json'), JSON.stringify([1, 2, 3]))
    expect(await observeKeypair(join(dir, 'short.json'))).toMatchObject({ kind: 'malformed', reason: /64/ })
    // A directory where the file should be: readFile fails with EISDIR (root ignores chmod, so not a mode test).
    mkdirSync(join(dir, 'dir.json'))
    expect(await observeKeypair(join(dir, 'dir.json'))).toMatchObject({ kind: 'unreadable', reason: /EISDIR/ })
  })
})

describe('runtime probes', () => {
  it('finds a command on PATH, or says it is missing', async () => {
    expect(await observeCommand('process', 'node', { timeoutMs: 2000 })).toMatchObject({
      kind: 'command-found',
      path: expect.stringMatching(/node$/),
    })
    expect(await observeCommand('vllm', 'vllm', { path: pathWith(), timeoutMs: 2000 })).toEqual({
      kind: 'command-missing',
      runtime: 'vllm',
      command: 'vllm',
    })
  })

  it('no engine on PATH at all', async () => {
    expect(await observeContainerEngine(['docker', 'podman'], { path: pathWith(), timeoutMs: 2000 })).toEqual({
      kind: 'no-engine',
      tried: ['docker', 'podman'],
    })
  })

  it('an engine whose daemon answers is ready (its info output is the version)', async () => {
    const path = pathWith({ podman: 'echo 5.2.1' })
    expect(await observeContainerEngine(['docker', 'podman'], { path, timeoutMs: 2000 })).toEqual({
      kind: 'engine-ready',
      engine: 'podman',
      version: '5.2.1',
    })
  })

  it.skipIf(docker === null)('the real docker CLI with no daemon: CLI found, daemon unreachable', async () => {
    // A socket nobody listens on, so the answer is the same whether or not this machine runs dockerd.
    vi.stubEnv('DOCKER_HOST', `unix://${join(tmp('docker-'), 'none.sock')}`)
    try {
      const o = await observeContainerEngine(['docker'], { timeoutMs: 5000 })
      expect(o).toMatchObject({ kind: 'engine-daemon-down', engine: 'docker' })
      expect(o.kind === 'engine-daemon-down' && o.detail).toMatch(/Cannot connect to the Docker daemon|none\.sock/)
    } finally {
      vi.unstubAllEnvs()
    }
  })
})

describe('gpu probe', () => {
  it('parses nvidia-smi CSV with or without units, and rejects anything else by name', () => {
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559\nNVIDIA L4, 23034 MiB\n')).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81_559 },
      { name: 'NVIDIA L4', memoryMiB: 23_034 },
    ])
    expect(() => parseNvidiaSmi('No devices were found')).toThrow(
      expect.objectContaining({ name: 'InvalidNvidiaSmiOutputError' }),
    )
  })

  it('nvidia-smi absent from PATH', async () => {
    expect(await observeGpu('nvidia-smi', { path: pathWith(), timeoutMs: 2000 })).toEqual({
      kind: 'tool-absent',
      command: 'nvidia-smi',
    })
  })

  it('runs nvidia-smi with the query flags and reads what it prints', async () => {
    // The tool echoes its arguments into the name, so the test sees the exact query it was given.
    const path = pathWith({ 'nvidia-smi': 'echo "NVIDIA H100 80GB HBM3 [$*], 81559"' })
    const o = await observeGpu('nvidia-smi', { path, timeoutMs: 2000 })
    expect(o).toEqual({
      kind: 'observed',
      command: 'nvidia-smi',
      gpus: [
        {
          name: 'NVIDIA H100 80GB HBM3 [--query-gpu=name,memory.total --format=csv,noheader,nounits]',
          memoryMiB: 81_559,
        },
      ],
    })
  })

  it('a failing or hanging nvidia-smi is a failure with its message, never a hang', async () => {
    const failing = pathWith({
      'nvidia-smi': 'echo "NVIDIA-SMI has failed because it could not communicate" >&2; exit 9',
    })
    expect(await observeGpu('nvidia-smi', { path: failing, timeoutMs: 2000 })).toEqual({
      kind: 'tool-failed',
      command: 'nvidia-smi',
      detail: 'exit 9: NVIDIA-SMI has failed because it could not communicate',
    })
    const hanging = pathWith({ 'nvidia-smi': `exec ${process.execPath} -e 'setTimeout(() => {}, 30000)'` })
    expect(await observeGpu('nvidia-smi', { path: hanging, timeoutMs: 300 })).toEqual({
      kind: 'tool-failed',
      command: 'nvidia-smi',
      detail: 'no answer within 300 ms',
    })
  })
})

describe('disk probe', () => {
  it('measures the filesystem of the model directory, or of its nearest existing ancestor', async () => {
    const dir = tmp('models-')
    const here = await observeDisk(dir)
    expect(here).toMatchObject({ kind: 'read', path: dir })
    if (here.kind !== 'read') throw new Error('unreachable')
    expect(here.freeBytes).toBeGreaterThan(0)
    expect(here.totalBytes).toBeGreaterThanOrEqual(here.freeBytes)
    expect(await observeDisk(join(dir, 'not', 'yet'))).toMatchObject({ kind: 'read', path: dir })
  })
})

describe('weights probe', () => {
  let hub: Server
  let hubUrl: string
  const seen: { url: string; auth: string | undefined }[] = []
  beforeAll(async () => {
    // A Hugging Face-shaped hub on loopback: one public model, one gated, the rest unknown.
    hub = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization })
      if (req.url === '/api/models/org/public') res.writeHead(200).end('{"id":"org/public"}')
      else if (req.url === '/api/models/org/gated') res.writeHead(req.headers.authorization ? 200 : 401).end()
      else res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve))
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())))

  const probe = (name: string, modelDir: string, extra: { token?: string; source?: string } = {}) =>
    observeWeights({ model: { name, sizeGb: 16 }, modelDir, source: extra.source ?? hubUrl, timeoutMs: 2000, ...extra })

  it('weights on disk are present, counted and sized, without asking the hub', async () => {
    const dir = tmp('models-')
    mkdirSync(join(dir, 'org', 'local', 'sub'), { recursive: true })
    writeFileSync(join(dir, 'org', 'local', 'config.json'), '{}')
    writeFileSync(join(dir, 'org', 'local', 'sub', 'model.safetensors'), Buffer.alloc(1000))
    const before = seen.length
    expect(await probe('org/local', dir)).toEqual({
      kind: 'present',
      model: 'org/local',
      path: join(dir, 'org', 'local'),
      files: 2,
      bytes: 1002,
    })
    expect(seen.length).toBe(before)
  })

  it('not on disk: fetchable, gated (token sent when given), unknown', async () => {
    const dir = tmp('models-')
    expect(await probe('org/public', dir)).toMatchObject({ kind: 'fetchable', url: `${hubUrl}/api/models/org/public` })
    expect(await probe('org/gated', dir)).toMatchObject({ kind: 'gated', status: 401 })
    expect(await probe('org/gated', dir, { token: 'hf_x' })).toMatchObject({ kind: 'fetchable' })
    expect(seen.at(-1)).toEqual({ url: '/api/models/org/gated', auth: 'Bearer hf_x' })
    expect(await probe('org/nope', dir)).toMatchObject({ kind: 'not-found', path: join(dir, 'org', 'nope') })
  })

  it('an unreachable hub, no hub at all, a weightless job and a name escaping the model directory', async () => {
    const dir = tmp('models-')
    const closed = `http://127.0.0.1:${await freePort()}`
    expect(await probe('org/public', dir, { source: closed })).toMatchObject({
      kind: 'source-unreachable',
      reason: 'ECONNREFUSED',
    })
    expect(
      await observeWeights({
        model: { name: 'synkti/standin-1', sizeGb: 0 },
        modelDir: dir,
        source: closed,
        timeoutMs: 500,
      }),
    ).toEqual({
      kind: 'not-needed',
      model: 'synkti/standin-1',
    })
    expect(await observeWeights({ model: { name: 'org/m', sizeGb: 16 }, modelDir: dir, timeoutMs: 500 })).toEqual({
      kind: 'absent',
      model: 'org/m',
      path: join(dir, 'org', 'm'),
    })
    expect(weightsPath(dir, '../../etc')).toBeNull()
    expect(weightsPath(dir, 'org/m')).toBe(join(dir, 'org', 'm'))
    expect(await probe('../../etc', dir)).toEqual({ kind: 'invalid-name', model: '../../etc', modelDir: dir })
  })
})

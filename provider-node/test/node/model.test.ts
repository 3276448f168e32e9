/**
 * A managed-model job (`run.kind: model`) on a real node against the localnet: the weights named
 * by sha256 come from moto's S3 (the node's `weightsSources`), hash-checked into the node's own
 * cache, and the real engine (synkti-engine: llama.cpp on SmolLM2) answers completions. A job
 * whose weights no cache or source holds is refused by name before the lease is accepted or
 * anything is spawned; so is a job that asks for vLLM.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { PublicKey } from '@solana/web3.js'
import { SMOLLM2 } from '@synkti/inference/spawn'
import { type JobSpec, jobOfLease, jobSpecHash, parseNodeStatus } from '@synkti/jobs'
import { keypairFromBytes, SynktiNode } from '@synkti/p2p'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  findTool,
  freePort,
  type RunningTool,
  smollm2Path,
  startTool,
} from '../../../packages/inference/test/support/tools.js'
import type { NodeEvent } from '../../src/node/events.js'
import { ProviderNode } from '../../src/node/provider-node.js'
import { type ConsumerFx, client, type MarketFx, type ProviderFx, parties } from '../support/chain.js'
import { engineLoaded } from '../support/events.js'
import { modelSpec, nodeConfig } from '../support/nodes.js'

const BUCKET = `weights-${randomBytes(4).toString('hex')}`
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' }

let moto: RunningTool
let m: MarketFx
let p: ProviderFx
let c: ConsumerFx
let node: ProviderNode
let consumer: SynktiNode
const events: NodeEvent[] = []

async function lease(spec: JobSpec): Promise<string> {
  const opened = await client.openLease({
    consumer: c.kp,
    provider: p.key,
    jobSpecHash: jobSpecHash(spec),
    maxPricePerSecond: 5_000n,
    deposit: 5_000_000n,
  })
  return opened.lease.toBase58()
}

async function waitHealthy(lease: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const job = jobOfLease(parseNodeStatus(JSON.parse(JSON.stringify(node.status()))), lease)
    if (job?.state === 'healthy' && job.endpoint !== null) return job.endpoint
    if (job?.state === 'failed') throw new Error(`job failed: ${job.reason}`)
    await sleep(200)
  }
  throw new Error(`job of ${lease} not healthy within ${timeoutMs} ms`)
}

beforeAll(async () => {
  const port = await freePort()
  ;[moto, m] = await Promise.all([
    startTool(findTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], port, { readyPath: '/moto-api/' }),
    parties.market(),
  ])
  const s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials })
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }))
  // a Buffer, not a stream: moto decodes an aws-chunked upload very slowly
  const body = await readFile(smollm2Path())
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `sha256/${SMOLLM2.sha256}`, Body: body }))
  s3.destroy()
  ;[p, c] = await Promise.all([parties.provider(m, 1_000n, 1_000_000n), parties.consumer(m, 100_000_000n)])
  // the node's S3 client finds its credentials where the AWS SDK looks: the environment
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey
  node = await ProviderNode.start({
    config: await nodeConfig(m, p, {
      // a model job is no consumer command: nothing needs to be allowed
      allowCommands: [],
      weightsSources: [{ kind: 's3', bucket: BUCKET, endpoint: moto.url, region: 'us-east-1', forcePathStyle: true }],
    }),
    log: (e) => events.push(e),
  })
  consumer = await SynktiNode.create({
    privateKey: await keypairFromBytes(c.kp.secretKey),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: node.p2p.multiaddrs,
    dhtMode: 'client',
  })
}, 180_000)

afterAll(async () => {
  await Promise.allSettled([consumer?.stop(), node?.stop()])
  await moto?.stop()
})

describe('a model job on a node: weights by hash from S3, the real engine', () => {
  it('accepts it, fetches the weights into its cache, starts llama.cpp and answers completions', async () => {
    expect(node.status().cachedWeights).toEqual([])
    const spec = modelSpec()
    const address = await lease(spec)
    const started = Date.now()
    expect(await consumer.protocols.submitJob(node.p2p.peerId, { lease: address, spec })).toEqual({
      accepted: true,
      jobId: address,
    })
    expect((await client.fetchLease(new PublicKey(address))).status.kind).toBe('active')
    const endpoint = await waitHealthy(address, 120_000)
    const healthyMs = Date.now() - started

    const answer = async () => {
      const reply = await fetch(`${endpoint}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: SMOLLM2.name,
          prompt: 'The capital of France is',
          max_tokens: 8,
          temperature: 0,
        }),
      })
      expect(reply.status).toBe(200)
      const body = (await reply.json()) as { model: string; choices: { text: string }[] }
      expect(body.model).toBe(SMOLLM2.name)
      return body.choices[0]?.text ?? ''
    }
    const text = await answer()
    expect(text).toMatch(/^ Paris/)
    expect(await answer()).toBe(text)

    // the status says where the weights came from and what the engine loaded them with (its
    // `loaded` line is read from the engine's output file, possibly after the health check)
    const loaded = await engineLoaded(events, address)
    expect(loaded).toMatchObject({ lease: address, engine: 'llamacpp', weightsFrom: `s3://${BUCKET}/sha256/` })
    const job = jobOfLease(parseNodeStatus(JSON.parse(JSON.stringify(node.status()))), address)
    expect(job?.engine).toMatchObject({ name: 'llamacpp', weightsFrom: `s3://${BUCKET}/sha256/`, backend: 'cpu' })
    expect(job?.engine?.loadMs).toBeGreaterThan(0)
    // the weights are now this node's: listed in its status and, by hash, in its signed record
    expect(node.status().cachedWeights).toEqual([SMOLLM2.sha256])
    expect(node.status().capability.cachedModels).toContain(`sha256:${SMOLLM2.sha256}`)
    let record: Awaited<ReturnType<SynktiNode['getRecord']>> | undefined
    for (let i = 0; i < 100; i++) {
      record = await consumer.getRecord(m.key.toBase58(), node.address).catch(() => undefined)
      if (record?.record.capability.cachedModels.includes(`sha256:${SMOLLM2.sha256}`)) break
      await sleep(200)
    }
    expect(record?.record.capability.cachedModels).toContain(`sha256:${SMOLLM2.sha256}`)
    console.log(
      `model job: submit → healthy ${healthyMs} ms (weights from S3 in ${job?.engine?.weightsMs} ms, engine load ${job?.engine?.loadMs} ms)`,
    )
  })

  it('refuses a job whose weights no cache or source holds, by name, before accepting or spawning', async () => {
    const absent = randomBytes(32).toString('hex')
    const spec = modelSpec({ sha256: absent, sizeBytes: 1_000_000 })
    const address = await lease(spec)
    const jobsBefore = node.jobs.views().length
    const decision = await consumer.protocols.submitJob(node.p2p.peerId, { lease: address, spec })
    expect(decision).toMatchObject({ accepted: false })
    const reason = decision.accepted ? '' : decision.reason
    expect(reason).toMatch(/^PreflightFailedError: cannot accept-lease: model weights present or fetchable: /)
    expect(reason).toContain(`sha256 ${absent} not in the model cache`)
    expect(reason).toContain(`s3://${BUCKET}/sha256/: WeightsNotFoundError`)
    // nothing happened: the lease is still open (not accepted), no job, no process
    expect((await client.fetchLease(new PublicKey(address))).status.kind).toBe('open')
    expect(node.jobs.views()).toHaveLength(jobsBefore)
    expect(node.jobs.has(address)).toBe(false)
  })

  it('refuses a job that asks for vLLM by name (EngineNotAvailableError); allowCommands plays no part', async () => {
    const spec = modelSpec({}, { name: 'smollm2-vllm', run: { kind: 'model', engine: 'vllm' } })
    const address = await lease(spec)
    const decision = await consumer.protocols.submitJob(node.p2p.peerId, { lease: address, spec })
    expect(decision).toMatchObject({ accepted: false, reason: expect.stringMatching(/^EngineNotAvailableError: /) })
    expect((await client.fetchLease(new PublicKey(address))).status.kind).toBe('open')
    expect(node.jobs.has(address)).toBe(false)
  })
})

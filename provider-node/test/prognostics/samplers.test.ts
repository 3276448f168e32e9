import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  detectGpuSampler,
  gaugeTotal,
  memorySampler,
  parseGpuQuery,
  requestsSampler,
} from '../../src/prognostics/index.js'
import { complete, type StandinProcess, spawnStandin } from '../helpers.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

async function serve(status: number, body: string): Promise<string> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise((resolve) => server.close(resolve)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function standin(extra: Record<string, string | number>): Promise<StandinProcess> {
  const s = await spawnStandin(extra)
  cleanups.push(async () => {
    s.child.kill('SIGTERM')
    await s.exited
  })
  return s
}

describe('memorySampler', () => {
  it('reads the share of memory in use, system and process', async () => {
    const system = await memorySampler().read()
    const own = await memorySampler({ source: 'process' }).read()
    expect(system).toBeGreaterThan(0)
    expect(system).toBeLessThanOrEqual(100)
    expect(own).toBeGreaterThan(0)
    expect(own).toBeLessThan(system)
  })
})

describe('GPU sampler', () => {
  it('parses nvidia-smi CSV, one reading per GPU', () => {
    expect(parseGpuQuery('87, 71234, 81559\n3, 512, 81559\n')).toEqual([
      { utilizationPct: 87, memoryUsedMiB: 71234, memoryTotalMiB: 81559 },
      { utilizationPct: 3, memoryUsedMiB: 512, memoryTotalMiB: 81559 },
    ])
  })

  it('error: output that is not the CSV is NvidiaSmiOutputError', () => {
    expect(() => parseGpuQuery('No devices were found')).toThrow(
      expect.objectContaining({ name: 'NvidiaSmiOutputError' }),
    )
  })

  it('is absent, not faked, where nvidia-smi cannot run', async () => {
    expect(await detectGpuSampler({ command: '/nonexistent/nvidia-smi' })).toBeNull()
  })
})

describe('requestsSampler', () => {
  it('sums vLLM gauges over label sets, ignoring longer names and comments', () => {
    const text = [
      '# HELP vllm:num_requests_running Requests running',
      '# TYPE vllm:num_requests_running gauge',
      'vllm:num_requests_running{model_name="a"} 2',
      'vllm:num_requests_running{model_name="b"} 3',
      'vllm:num_requests_running_total 100',
      'vllm:num_requests_waiting 1',
    ].join('\n')
    expect(gaugeTotal(text, 'vllm:num_requests_running')).toBe(5)
    expect(gaugeTotal(text, 'vllm:num_requests_waiting')).toBe(1)
    expect(gaugeTotal(text, 'vllm:gpu_cache_usage_perc')).toBeUndefined()
  })

  it('reads running + waiting from a stand-in server under load, and zero once it drains', async () => {
    const s = await standin({ 'token-ms': 25, 'max-running': 2 })
    const sampler = requestsSampler({ url: s.url })
    expect(await sampler.read()).toBe(0)
    const load = Array.from({ length: 4 }, (_, i) => complete(s.url, `prompt ${i}`, 20))
    let seen = 0
    for (let i = 0; i < 100 && seen < 4; i++) {
      seen = Math.max(seen, await sampler.read())
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(seen).toBe(4) // two decoding, two queued
    await Promise.all((await Promise.all(load)).map((r) => r.text()))
    expect(await sampler.read()).toBe(0)
  })

  it('error: a /metrics without the gauges is MetricNotFoundError', async () => {
    const url = await serve(200, 'process_cpu_seconds_total 1\n')
    await expect(requestsSampler({ url }).read()).rejects.toMatchObject({
      name: 'MetricNotFoundError',
      metric: 'vllm:num_requests_running',
    })
  })

  it('error: a failing /metrics is MetricsEndpointError', async () => {
    const url = await serve(500, 'oops')
    await expect(requestsSampler({ url }).read()).rejects.toMatchObject({ name: 'MetricsEndpointError', status: 500 })
  })
})

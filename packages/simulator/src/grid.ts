import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { Policy } from './policies.js'
import { type RunOptions, runScenario, type ScenarioResult } from './run.js'
import { GRID } from './scenario.js'
import type { FleetEvent } from './world.js'

export interface GridOptions extends RunOptions {
  /** worker threads; 0 runs in this thread */
  workers?: number
  onProgress?: (done: number, total: number) => void
  scenarios?: readonly number[]
}

/** What a grid worker is sent: plain data only. */
export interface GridTask {
  seed: number
  days: number
  policies?: string[]
  trace?: FleetEvent[]
  indices: number[]
}

/**
 * Runs the 243-scenario grid. Scenarios are independent, so they are dealt to worker threads
 * one at a time (the slow ones do not hold a whole share back); results come back in index order.
 */
export async function runGrid(options: GridOptions = {}): Promise<ScenarioResult[]> {
  const indices = [...(options.scenarios ?? GRID.map((_, i) => i))]
  const total = indices.length
  const workers = Math.min(options.workers ?? availableParallelism(), total)
  const results = new Map<number, ScenarioResult>()
  const done = () => options.onProgress?.(results.size, total)
  if (workers <= 0) {
    for (const i of indices) {
      results.set(i, runScenario(GRID[i]!, options))
      done()
    }
    return indices.map((i) => results.get(i)!)
  }
  const queue = [...indices]
  const policies = options.policies?.map((p: Policy) => p.name)
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const worker = new Worker(new URL('../bin/grid-worker.js', import.meta.url))
      try {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const task: GridTask = { seed: options.seed ?? 1, days: options.days ?? 7, indices: [i] }
          if (policies !== undefined) task.policies = policies
          if (options.trace !== undefined) task.trace = options.trace
          const [r] = await ask(worker, task)
          results.set(i, r!)
          done()
        }
      } finally {
        await worker.terminate()
      }
    }),
  )
  return indices.map((i) => results.get(i)!)
}

function ask(worker: Worker, task: GridTask): Promise<ScenarioResult[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { ok: true; results: ScenarioResult[] } | { ok: false; error: string }) => {
      worker.off('error', onError)
      if (msg.ok) resolve(msg.results)
      else reject(new Error(msg.error))
    }
    const onError = (err: Error) => {
      worker.off('message', onMessage)
      reject(err)
    }
    worker.once('message', onMessage)
    worker.once('error', onError)
    worker.postMessage(task)
  })
}

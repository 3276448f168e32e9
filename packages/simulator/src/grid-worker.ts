import { parentPort } from 'node:worker_threads'
import type { GridTask } from './grid.js'
import { policyByName } from './policies.js'
import { runScenario } from './run.js'
import { GRID } from './scenario.js'

parentPort?.on('message', (task: GridTask) => {
  try {
    const results = task.indices.map((i) => {
      const options: Parameters<typeof runScenario>[1] = { seed: task.seed, days: task.days }
      if (task.policies !== undefined) options.policies = task.policies.map(policyByName)
      if (task.trace !== undefined) options.trace = task.trace
      return runScenario(GRID[i]!, options)
    })
    parentPort?.postMessage({ ok: true, results })
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) })
  }
})

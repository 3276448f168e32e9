/**
 * A synthetic fleet for the bench: slots of three GPU models, one or two cards, two regions,
 * spot and on-demand, some with the model cached; jobs of two sizes, one or two GPUs, some not
 * allowed on spot. The costs then have the planner's real structure (rate × duration, a third of
 * the pairs forbidden), which no random matrix has.
 */
import {
  type Capability,
  fraction,
  gbPerSecond,
  type Job,
  type Risk,
  type Slot,
  seconds,
  usdPerHour,
} from '../src/index.js'

const MODELS = [
  ['H100', 80],
  ['A100-80GB', 80],
  ['L4', 24],
] as const

export function syntheticFleet(jobCount: number, slotCount: number, next: () => number) {
  const slots: Slot[] = Array.from({ length: slotCount }, (_, k) => {
    const [model, vramGb] = MODELS[k % 3]!
    const capability: Capability = {
      gpu: { model, count: 1 + (k % 2), vramGb },
      cloud: 'aws',
      region: k % 5 === 0 ? 'eu-central' : 'us-east',
      zone: `us-east-1${'abcd'[k % 4]}`,
      spot: k % 3 !== 0,
      runtimes: ['vllm', 'container'],
      cachedModels: k % 7 === 0 ? ['llama-8b'] : [],
      diskGb: 500,
    }
    return {
      id: `slot-${k}`,
      capability,
      price: usdPerHour(1 + next() * 3),
      bandwidth: gbPerSecond(0.5 + next()),
      latency: seconds(next() * 0.1),
      load: fraction(next()),
    }
  })
  const jobs: Job[] = Array.from({ length: jobCount }, (_, k) => ({
    id: `job-${k}`,
    requirement: {
      vramGb: k % 4 === 0 ? 70 : 20,
      gpus: k % 3 === 0 ? 2 : 1,
      spotAllowed: k % 5 !== 0,
      runtime: 'vllm',
      model: { name: 'llama-8b', sizeGb: 16 },
    },
    expectedDuration: seconds(3600 * (1 + next())),
  }))
  const risk: Risk = { riskOf: (slot) => fraction(slot.capability.spot ? 0.05 : 0.001) }
  return { jobs, slots, risk }
}

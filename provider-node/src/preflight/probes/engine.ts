import { access } from 'node:fs/promises'
import type { EngineObservation } from '../types.js'
import { findTool, type ToolEnv } from './exec.js'

/** Whether `synkti-engine` (llama.cpp) is where the node spawns it from, and whether `vllm` is on PATH. */
export async function observeEngines(engineBin: string, env: ToolEnv): Promise<EngineObservation> {
  const [present, vllm] = await Promise.all([
    access(engineBin).then(
      () => true,
      () => false,
    ),
    findTool('vllm', env),
  ])
  return { llamacpp: { bin: engineBin, present }, vllm }
}

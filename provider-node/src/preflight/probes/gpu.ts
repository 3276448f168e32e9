import { InvalidNvidiaSmiOutputError } from '../errors.js'
import type { GpuObservation, ObservedGpu } from '../types.js'
import { runTool, type ToolEnv } from './exec.js'

export const NVIDIA_SMI_ARGS = ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits']

/** `NVIDIA H100 80GB HBM3, 81559` per line (memory in MiB, as `nounits` prints it). */
export function parseNvidiaSmi(text: string): ObservedGpu[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const comma = line.lastIndexOf(',')
      const name = line.slice(0, comma).trim()
      const memoryMiB = Number(
        line
          .slice(comma + 1)
          .replace(/MiB/i, '')
          .trim(),
      )
      if (comma < 0 || name === '' || !Number.isFinite(memoryMiB) || memoryMiB < 0) {
        throw new InvalidNvidiaSmiOutputError(line)
      }
      return { name, memoryMiB }
    })
}

export async function observeGpu(command: string, env: ToolEnv): Promise<GpuObservation> {
  const run = await runTool(command, NVIDIA_SMI_ARGS, env)
  if (run.kind === 'absent') return { kind: 'tool-absent', command }
  if (run.kind === 'failed') return { kind: 'tool-failed', command, detail: run.detail }
  try {
    return { kind: 'observed', command, gpus: parseNvidiaSmi(run.stdout) }
  } catch (err) {
    return { kind: 'tool-failed', command, detail: (err as Error).message }
  }
}

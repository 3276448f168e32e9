import type { Runtime } from '@synkti/planner'
import type { ContainerEngine, RuntimeObservation } from '../types.js'
import { findTool, runTool, type ToolEnv } from './exec.js'

/** `info` asks the daemon, not just the CLI: a CLI without a running daemon cannot start a container. */
const ENGINE_INFO: Record<ContainerEngine, string[]> = {
  docker: ['info', '--format', '{{.ServerVersion}}'],
  podman: ['info', '--format', '{{.Version.Version}}'],
}

/** A command runtime (`process`, `vllm`) is present when its command is on PATH (or an absolute path that exists). */
export async function observeCommand(runtime: Runtime, command: string, env: ToolEnv): Promise<RuntimeObservation> {
  const path = await findTool(command, env)
  return path === null
    ? { kind: 'command-missing', runtime, command }
    : { kind: 'command-found', runtime, command, path }
}

/** The first engine whose daemon answers; else the first whose CLI exists (daemon down); else none. */
export async function observeContainerEngine(engines: ContainerEngine[], env: ToolEnv): Promise<RuntimeObservation> {
  let down: RuntimeObservation | undefined
  for (const engine of engines) {
    const run = await runTool(engine, ENGINE_INFO[engine], env)
    if (run.kind === 'ran') return { kind: 'engine-ready', engine, version: run.stdout.trim() }
    if (run.kind === 'failed') down ??= { kind: 'engine-daemon-down', engine, detail: run.detail }
  }
  return down ?? { kind: 'no-engine', tried: engines }
}

/** Running a diagnostic tool: found on PATH or not, then its output or why it failed, never a hang. */
import { execFile } from 'node:child_process'
import which from 'which'

export type ToolRun =
  | { kind: 'absent'; command: string }
  | { kind: 'ran'; command: string; path: string; stdout: string }
  | { kind: 'failed'; command: string; path: string; detail: string }

export interface ToolEnv {
  /** PATH to search instead of the process's (tests use it to hide or provide tools). */
  path?: string
  timeoutMs: number
}

export async function findTool(command: string, env: Pick<ToolEnv, 'path'>): Promise<string | null> {
  return which(command, { nothrow: true, ...(env.path === undefined ? {} : { path: env.path }) })
}

export async function runTool(command: string, args: string[], env: ToolEnv): Promise<ToolRun> {
  const path = await findTool(command, env)
  if (path === null) return { kind: 'absent', command }
  return new Promise((resolve) => {
    execFile(
      path,
      args,
      {
        timeout: env.timeoutMs,
        killSignal: 'SIGKILL',
        env: { ...process.env, ...(env.path === undefined ? {} : { PATH: env.path }) },
      },
      (err, stdout, stderr) => {
        if (err === null) return resolve({ kind: 'ran', command, path, stdout })
        const e = err as { killed?: boolean; code?: number | string }
        const detail = e.killed
          ? `no answer within ${env.timeoutMs} ms`
          : `exit ${e.code ?? '?'}: ${(stderr || stdout || err.message).trim().split('\n')[0]}`
        resolve({ kind: 'failed', command, path, detail })
      },
    )
  })
}

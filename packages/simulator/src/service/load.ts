import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { InvalidTraceSetError } from '../errors.js'
import { parseSpotTrace, type SpotTrace } from './spot-traces.js'

/**
 * Reads spot-traces JSON files: each path is a file or a folder searched recursively. The path
 * relative to `root` (when given) is what names the kind (`availability/…`, `preemption/…`).
 */
export function loadSpotTraces(paths: readonly string[], root?: string): SpotTrace[] {
  const files: string[] = []
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name))
    } else if (p.endsWith('.json')) files.push(p)
  }
  for (const p of paths) {
    if (!existsSync(p)) throw new InvalidTraceSetError(`${p}: no such file or folder`)
    walk(p)
  }
  return files.map((f) => parseSpotTrace(root === undefined ? f : relative(root, f), readFileSync(f, 'utf8')))
}

import { readdir, stat } from 'node:fs/promises'
import { join, relative, resolve, sep } from 'node:path'
import type { WeightsObservation } from '../types.js'

export interface WeightsProbe {
  model: { name: string; sizeGb: number }
  /** Weights of `org/name` live in `<modelDir>/org/name`. */
  modelDir: string
  /** Base URL of a Hugging Face-compatible hub; none: the weights must already be on disk. */
  source?: string
  /** Bearer token for gated models (HF_TOKEN). */
  token?: string
  timeoutMs: number
}

/** Where a model's weights go; `null` when the name would escape the model directory (`../x`). */
export function weightsPath(modelDir: string, name: string): string | null {
  const root = resolve(modelDir)
  const path = resolve(root, name)
  const rel = relative(root, path)
  return rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') ? null : path
}

async function sizeOf(dir: string): Promise<{ files: number; bytes: number } | null> {
  let entries: string[]
  try {
    entries = await readdir(dir, { recursive: true })
  } catch {
    return null
  }
  let files = 0
  let bytes = 0
  for (const entry of entries) {
    const s = await stat(join(dir, entry))
    if (s.isFile()) {
      files++
      bytes += s.size
    }
  }
  return files === 0 ? null : { files, bytes }
}

/** On disk, else asks the hub whether it would serve the model (`GET /api/models/<name>`). */
export async function observeWeights(p: WeightsProbe): Promise<WeightsObservation> {
  const model = p.model.name
  if (p.model.sizeGb === 0) return { kind: 'not-needed', model }
  const path = weightsPath(p.modelDir, model)
  if (path === null) return { kind: 'invalid-name', model, modelDir: p.modelDir }
  const local = await sizeOf(path)
  if (local !== null) return { kind: 'present', model, path, ...local }
  if (p.source === undefined) return { kind: 'absent', model, path }
  const url = `${p.source.replace(/\/$/, '')}/api/models/${model.split('/').map(encodeURIComponent).join('/')}`
  try {
    const res = await fetch(url, {
      method: 'GET',
      headers: p.token === undefined ? {} : { authorization: `Bearer ${p.token}` },
      signal: AbortSignal.timeout(p.timeoutMs),
    })
    await res.body?.cancel()
    if (res.ok) return { kind: 'fetchable', model, url }
    if (res.status === 401 || res.status === 403) return { kind: 'gated', model, url, status: res.status }
    if (res.status === 404) return { kind: 'not-found', model, path, url }
    return { kind: 'source-unreachable', model, path, url, reason: `answered ${res.status}` }
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string } }
    const reason =
      e.name === 'TimeoutError' ? `no answer within ${p.timeoutMs} ms` : (e.cause?.code ?? e.message ?? String(err))
    return { kind: 'source-unreachable', model, path, url, reason }
  }
}

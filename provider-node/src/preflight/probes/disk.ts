import { statfs } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { DiskObservation } from '../types.js'

/**
 * Free space where the model will be written. The model directory may not exist yet (it is made
 * on first download), so the nearest existing ancestor is measured: it is the same filesystem.
 */
export async function observeDisk(dir: string): Promise<DiskObservation> {
  let path = resolve(dir)
  for (;;) {
    try {
      const s = await statfs(path)
      return { kind: 'read', path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      const parent = dirname(path)
      if (code !== 'ENOENT' || parent === path) return { kind: 'unreadable', path, reason: code ?? String(err) }
      path = parent
    }
  }
}

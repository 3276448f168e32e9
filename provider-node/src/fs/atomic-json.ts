/**
 * Small JSON files replaced atomically and durably: a temporary file written and fsynced,
 * renamed over the old one, and the directory fsynced so the rename survives a power cut. A
 * crash leaves the previous content or the next, never half of one. Failover journals, the
 * settlement queue and the job records all keep their state this way.
 */
import { open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

export const TMP_SUFFIX = '.tmp'

/** Makes a rename or unlink in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

let seq = 0

/**
 * After it returns, `path` holds `value` as JSON. The temporary name is unique per write, so
 * two writers of one file never share a half-written temporary; a failed write removes it.
 */
export async function writeJsonAtomic(path: string, value: unknown, mode = 0o600): Promise<void> {
  const tmp = `${path}.${process.pid}.${seq++}${TMP_SUFFIX}`
  try {
    const fh = await open(tmp, 'w', mode)
    try {
      await fh.writeFile(`${JSON.stringify(value)}\n`)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await unlink(tmp).catch(() => undefined)
    throw err
  }
  await syncDir(dirname(path))
}

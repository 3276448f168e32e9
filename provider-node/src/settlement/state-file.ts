/** Small files replaced atomically: temporary file, fsync, rename, fsync of the directory. */
import { open, rename } from 'node:fs/promises'
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

/** After it returns, `path` holds `value` as JSON; a crash before leaves the previous content whole. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}${TMP_SUFFIX}`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(`${JSON.stringify(value)}\n`)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  await syncDir(dirname(path))
}

/**
 * Reading a job spec file: file errors by name, then @synkti/jobs's schema (every bad field, by
 * path). The size is checked on the open file before any byte is read, and no more than the
 * limit (plus one byte) is ever read: a 60 MB file passed by mistake costs a stat, not its
 * length in memory several times over.
 */
import { open } from 'node:fs/promises'
import { InvalidJobSpecError, type JobSpec, MAX_SPEC_BYTES, parseJobSpec } from '@synkti/jobs'
import { SpecFileNotFoundError, SpecFileUnreadableError } from './errors.js'

function tooLarge(path: string, size: number | null): InvalidJobSpecError {
  const what = size === null ? `more than ${MAX_SPEC_BYTES} bytes` : `${size} bytes`
  return new InvalidJobSpecError(
    [{ path: '', message: `the file is ${what}; a job spec is at most ${MAX_SPEC_BYTES} bytes` }],
    `${path} is not a valid job spec (1 problem(s))`,
  )
}

async function readBounded(path: string): Promise<string> {
  let file: Awaited<ReturnType<typeof open>>
  try {
    file = await open(path, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SpecFileNotFoundError(path)
    throw new SpecFileUnreadableError(path, err)
  }
  try {
    let stat: Awaited<ReturnType<typeof file.stat>>
    try {
      stat = await file.stat()
    } catch (err) {
      throw new SpecFileUnreadableError(path, err)
    }
    if (stat.isDirectory()) throw new SpecFileUnreadableError(path, new Error('it is a directory'))
    if (stat.isFile() && stat.size > MAX_SPEC_BYTES) throw tooLarge(path, stat.size)
    // a pipe or a file that grows while read: never more than the limit and one byte
    const buffer = Buffer.alloc(MAX_SPEC_BYTES + 1)
    let length = 0
    try {
      for (;;) {
        const { bytesRead } = await file.read(buffer, length, buffer.length - length, null)
        if (bytesRead === 0) break
        length += bytesRead
        if (length === buffer.length) throw tooLarge(path, null)
      }
    } catch (err) {
      if (err instanceof InvalidJobSpecError) throw err
      throw new SpecFileUnreadableError(path, err)
    }
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    await file.close()
  }
}

export async function readSpec(path: string): Promise<JobSpec> {
  const text = await readBounded(path)
  try {
    return parseJobSpec(text)
  } catch (err) {
    // The same error, naming the file; the fields are listed from `issues` (output.ts).
    if (err instanceof InvalidJobSpecError) {
      throw new InvalidJobSpecError(err.issues, `${path} is not a valid job spec (${err.issues.length} problem(s))`)
    }
    throw err
  }
}

/** Reading a job spec file: file errors by name, then @synkti/jobs's schema (every bad field, by path). */
import { readFile } from 'node:fs/promises'
import { InvalidJobSpecError, type JobSpec, parseJobSpec } from '@synkti/jobs'
import { SpecFileNotFoundError, SpecFileUnreadableError } from './errors.js'

export async function readSpec(path: string): Promise<JobSpec> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SpecFileNotFoundError(path)
    throw new SpecFileUnreadableError(path, err)
  }
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

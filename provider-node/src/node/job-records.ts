import { mkdir, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { type JobSpec, jobSpecSchema } from '@synkti/jobs'
import * as z from 'zod'
import { writeJsonAtomic } from '../fs/atomic-json.js'

/**
 * What the node knows of each job it started, on disk: a node that stops or is killed and
 * starts again finds its jobs still running (each in a process group of its own, writing to its
 * own files, so neither the node's exit nor a Ctrl-C at its terminal reaches them) and adopts
 * them instead of starting a second copy — or stops them when their lease moved on.
 */
export const jobRecordSchema = z.strictObject({
  lease: z.string(),
  consumer: z.string(),
  spec: jobSpecSchema,
  pid: z.int().positive(),
  endpoint: z.string(),
  /** chain unix seconds the node began serving the lease (billing starts there) */
  since: z.int().nonnegative(),
  startedAt: z.int().nonnegative(),
  /** unix seconds the job first answered its health check (absent in records of earlier nodes) */
  healthyAt: z.int().nonnegative().nullable().optional(),
})
export type JobRecord = z.infer<typeof jobRecordSchema> & { spec: JobSpec }

export class JobRecords {
  constructor(readonly dir: string) {}

  private file(lease: string): string {
    return join(this.dir, `${lease}.json`)
  }

  async save(record: JobRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await writeJsonAtomic(this.file(record.lease), record)
  }

  /** The record and the job's output files. */
  async remove(lease: string): Promise<void> {
    const { stdout, stderr } = this.outputOf(lease)
    await Promise.all([this.file(lease), stdout, stderr].map((path) => unlink(path).catch(() => undefined)))
  }

  /** Where the job of `lease` writes its output: files, so it runs on when the node exits. */
  outputOf(lease: string): { stdout: string; stderr: string } {
    return { stdout: join(this.dir, `${lease}.stdout`), stderr: join(this.dir, `${lease}.stderr`) }
  }

  /** Every readable record; unreadable files are skipped (their job cannot be adopted safely). */
  async load(): Promise<JobRecord[]> {
    const names = await readdir(this.dir).catch(() => [] as string[])
    const records: JobRecord[] = []
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        records.push(jobRecordSchema.parse(JSON.parse(await readFile(join(this.dir, name), 'utf8'))))
      } catch {
        // a half-written or foreign file: not ours to act on
      }
    }
    return records
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// A job spec file is checked for size before it is read: a huge file passed by mistake is named
// at once, by its size, without reading it into memory (a 3 GB file could not be read at all).
import { open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MAX_SPEC_BYTES } from '@synkti/jobs'
import { describe, expect, it } from 'vitest'
import { readSpec } from '../src/spec.js'
import { EXAMPLE_SPEC, json, runMain, tempDir } from './support/cli.js'

/** A sparse file of `size` bytes: costs no disk and no time to make. */
async function sparse(path: string, size: number): Promise<string> {
  const file = await open(path, 'w')
  await file.truncate(size)
  await file.close()
  return path
}

describe('reading a job spec file', () => {
  it('a 60 MB file is InvalidJobSpecError naming its size, from a stat, with exit 3', async () => {
    const big = await sparse(join(await tempDir(), 'big.yaml'), 60_000_000)
    await expect(readSpec(big)).rejects.toMatchObject({
      name: 'InvalidJobSpecError',
      message: `${big} is not a valid job spec (1 problem(s))`,
      issues: [{ path: '', message: `the file is 60000000 bytes; a job spec is at most ${MAX_SPEC_BYTES} bytes` }],
    })
    const ran = await runMain(['job', 'run', big, '--json'])
    expect(ran.code).toBe(3)
    expect(json(ran).error).toMatchObject({ name: 'InvalidJobSpecError' })
  })

  it('a file too large to read whole (3 GB) is the same named error, not SpecFileUnreadableError', async () => {
    const huge = await sparse(join(await tempDir(), 'huge.yaml'), 3_000_000_000)
    await expect(readSpec(huge)).rejects.toMatchObject({
      name: 'InvalidJobSpecError',
      issues: [{ path: '', message: `the file is 3000000000 bytes; a job spec is at most ${MAX_SPEC_BYTES} bytes` }],
    })
  })

  it('a spec at the limit is read; the example reads as before', async () => {
    const dir = await tempDir()
    const example = await readSpec(EXAMPLE_SPEC)
    expect(example.name).toBe('llm-demo')
    // padded with a YAML comment to exactly the limit
    const text = `${JSON.stringify(example)}\n#`
    const padded = join(dir, 'padded.yaml')
    await writeFile(padded, text.padEnd(MAX_SPEC_BYTES, 'x'))
    expect(await readSpec(padded)).toEqual(example)
    await writeFile(padded, text.padEnd(MAX_SPEC_BYTES + 1, 'x'))
    await expect(readSpec(padded)).rejects.toMatchObject({ name: 'InvalidJobSpecError' })
  })

  it('a directory and a missing file are named as before', async () => {
    const dir = await tempDir()
    await expect(readSpec(dir)).rejects.toMatchObject({ name: 'SpecFileUnreadableError' })
    await expect(readSpec(join(dir, 'none.yaml'))).rejects.toMatchObject({ name: 'SpecFileNotFoundError' })
  })
})

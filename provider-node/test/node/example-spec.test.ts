// The documented stand-in example (consumer-cli/examples/llm.yaml) names the stand-in by a path
// relative to the clone (`provider-node/bin/standin-inference.js`): it must start wherever
// `synkti-provider run` was started, not only from the clone's root (issue 19, item 2).
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseJobSpec } from '@synkti/jobs'
import { afterEach, describe, expect, it } from 'vitest'
import { JobManager } from '../../src/node/jobs.js'

const LEASE = 'So11111111111111111111111111111111111111112'
const EXAMPLE = new URL('../../../consumer-cli/examples/llm.yaml', import.meta.url)
const started = process.cwd()
let jobs: JobManager | undefined

afterEach(async () => {
  process.chdir(started)
  await jobs?.[Symbol.asyncDispose]()
})

describe("the example spec's relative path", () => {
  it('resolves against the clone, not the directory the node was started in', async () => {
    const spec = parseJobSpec(await readFile(EXAMPLE, 'utf8'))
    expect(spec.run).toMatchObject({
      kind: 'command',
      args: expect.arrayContaining(['provider-node/bin/standin-inference.js']),
    })
    process.chdir(await mkdtemp(join(tmpdir(), 'synkti-elsewhere-')))
    jobs = new JobManager()
    jobs.start(LEASE, 'consumer', spec, 100)
    const endpoint = await jobs.ready(LEASE)
    expect((await fetch(`${endpoint}/health`)).status).toBe(200)
  })
})

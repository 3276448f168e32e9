import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { findTool } from './support/tools.js'

describe('test tool discovery', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('names the missing tool and the command that installs it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-tools-'))
    vi.stubEnv('SYNKTI_TOOLS_BIN', empty)
    expect(() => findTool('moto_server')).toThrow(
      expect.objectContaining({
        name: 'MissingTestToolError',
        message: expect.stringContaining('bash scripts/setup-test-deps.sh'),
      }),
    )
  })
})

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findTool, freePort, type RunningTool, startTool } from './tools.js'

/**
 * Starts AWS's amazon-ec2-metadata-mock on 127.0.0.1, IMDSv2 only. `args` select the mode
 * (e.g. `['spot', '-a', 'terminate', '-d', '2']`); `metadata` overrides default values through its
 * config file (`{ "metadata": { "values": { ... } } }`).
 */
export async function startAemm(args: string[], metadata?: Record<string, unknown>): Promise<RunningTool> {
  const bin = findTool('ec2-metadata-mock')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'aemm-'))
  const config = join(dir, 'aemm-config.json')
  writeFileSync(config, JSON.stringify(metadata === undefined ? {} : { metadata: { values: metadata } }))
  // HOME points at the temp dir so the mock never reads or writes the user's ~/aemm-config.json.
  return startTool(bin, [...args, '-n', '127.0.0.1', '-p', String(port), '-I', '-c', config], port, {
    readyPath: '/latest/api/token',
    env: { HOME: dir },
  })
}

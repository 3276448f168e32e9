import { existsSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@synkti/provider-node'
import type { Proc, ProcessGroup } from './processes.js'

/**
 * AWS's amazon-ec2-metadata-mock as the spot machine's instance metadata service (IMDSv2 only,
 * on 127.0.0.1). The demo starts it quiet and, when the story needs a preemption, restarts it
 * on the same port in spot mode: the node sees the notice on its next poll.
 */

export class MissingToolError extends Error {
  override name = 'MissingToolError'
  readonly remedy = 'bash scripts/setup-test-deps.sh'
  constructor(
    readonly path: string,
    message = `amazon-ec2-metadata-mock not found at ${path}`,
  ) {
    super(message)
  }
}

export function aemmBinary(): string {
  const path = join(process.env.SYNKTI_TOOLS_BIN ?? join(homedir(), '.cache', 'synkti', 'bin'), 'ec2-metadata-mock')
  if (!existsSync(path)) throw new MissingToolError(path)
  return path
}

/** The mock serves a spot notice from its start unless told to wait; a day is "not today". */
const DAY = '86400'
const QUIET = ['spot', '-a', 'terminate', '-d', DAY, '--rebalance-delay-sec', DAY]

export class Imds {
  private proc: Proc | null = null

  private constructor(
    private readonly group: ProcessGroup,
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** A spot instance's metadata, no notice yet. */
  static async start(group: ProcessGroup, metadata: Record<string, string>): Promise<Imds> {
    const dir = await mkdtemp(join(tmpdir(), 'synkti-aemm-'))
    await writeFile(join(dir, 'aemm.json'), JSON.stringify({ metadata: { values: metadata } }))
    const imds = new Imds(group, await freePort(), dir)
    await imds.run(QUIET)
    return imds
  }

  /** From now on the metadata carries a spot interruption notice (action `terminate`). */
  async interrupt(): Promise<void> {
    await this.proc?.stop()
    await this.run(['spot', '-a', 'terminate', '-d', '0', '--rebalance-delay-sec', DAY])
  }

  /**
   * No notice again, on the same port: the metadata a new spot instance sees after the cloud
   * replaced the one it took back (the failover benchmark and the chaos run reuse the machine).
   */
  async quiet(): Promise<void> {
    await this.proc?.stop()
    await this.run(QUIET)
  }

  /** A rebalance recommendation, no interruption yet. */
  async rebalance(): Promise<void> {
    await this.proc?.stop()
    await this.run(['spot', '-a', 'terminate', '-d', DAY, '--rebalance-delay-sec', '0'])
  }

  private async run(mode: string[]): Promise<void> {
    const args = [...mode, '-n', '127.0.0.1', '-p', String(this.port), '-I', '-c', join(this.dir, 'aemm.json')]
    // HOME in the temporary directory: the mock never reads or writes the user's ~/aemm-config.json
    this.proc = this.group.start('imds', aemmBinary(), args, { env: { HOME: this.dir } })
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`${this.url}/latest/api/token`, {
        method: 'PUT',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
        signal: AbortSignal.timeout(500),
      }).then(
        (r) => r.ok,
        () => false,
      )
      if (up) return
      if (!this.proc.running) throw new Error(`ec2-metadata-mock exited: ${this.proc.text.slice(-5).join(' | ')}`)
      await sleep(100)
    }
    throw new Error('ec2-metadata-mock did not answer')
  }
}

/**
 * Files the node cannot trust stop its start by name, and stay where they are: settlement queue
 * items that are not items (`CorruptQueueItemError`) or of the earlier format, which name a lease
 * by its address alone (`LegacyQueueItemError`), and receipt files that are not receipts
 * (`CorruptReceiptFileError`). Each error says to move the file aside; the node then starts.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { beforeAll, describe, expect, it } from 'vitest'
import type { NodeConfig } from '../../src/node/config.js'
import { ProviderNode } from '../../src/node/provider-node.js'
import { type MarketFx, type ProviderFx, parties } from '../support/chain.js'
import { nodeConfig } from '../support/nodes.js'

let m: MarketFx
let p: ProviderFx

beforeAll(async () => {
  m = await parties.market()
  p = await parties.provider(m, 1_000n, 1_000_000n)
}, 120_000)

/** Writes `files` (path under the state dir → content) and returns what start threw. */
async function startWith(config: NodeConfig, files: Record<string, string>): Promise<Error> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(config.stateDir, path, '..'), { recursive: true })
    await writeFile(join(config.stateDir, path), content)
  }
  return ProviderNode.start({ config }).then(
    async (node) => {
      await node.stop()
      throw new Error('the node started')
    },
    (err: Error) => err,
  )
}

async function unchanged(config: NodeConfig, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    expect(await readFile(join(config.stateDir, path), 'utf8')).toBe(content)
  }
}

/** Moves every file named aside (out of the state dir's folders) and starts the node. */
async function startAfterMovingAside(config: NodeConfig, files: Record<string, string>): Promise<void> {
  for (const path of Object.keys(files)) {
    await rename(join(config.stateDir, path), join(config.stateDir, `${path.replaceAll('/', '_')}.aside`))
  }
  const node = await ProviderNode.start({ config })
  await node.stop()
}

const lease = () => Keypair.generate().publicKey.toBase58()

describe('a node does not start on files it cannot trust, and leaves them in place', () => {
  it('earlier-format settlement queue items: LegacyQueueItemError listing each', async () => {
    const config = await nodeConfig(m, p)
    const [a, b] = [lease(), lease()]
    const files = {
      [`settlement/queue/${a}.json`]: JSON.stringify({ lease: a, until: 1_000, enqueuedAt: 1, attempts: 0 }),
      [`settlement/queue/${b}.json`]: JSON.stringify({ lease: b, until: 2_000, enqueuedAt: 1, attempts: 0 }),
    }
    const err = await startWith(config, files)
    expect(err).toMatchObject({ name: 'LegacyQueueItemError', message: expect.stringContaining('move them aside') })
    expect([...(err as unknown as { paths: string[] }).paths].sort()).toEqual(
      Object.keys(files)
        .map((f) => join(config.stateDir, f))
        .sort(),
    )
    await unchanged(config, files)
    expect((await readdir(join(config.stateDir, 'settlement', 'queue'))).sort()).toEqual(
      [`${a}.json`, `${b}.json`].sort(),
    )
    await startAfterMovingAside(config, files)
  }, 60_000)

  it('a queue file that is not an item: CorruptQueueItemError, shown the same way', async () => {
    const config = await nodeConfig(m, p)
    const files = { [`settlement/queue/${lease()}.900.json`]: '{"lease":' }
    const err = await startWith(config, files)
    expect(err).toMatchObject({ name: 'CorruptQueueItemError', message: expect.stringContaining('move it aside') })
    await unchanged(config, files)
    await startAfterMovingAside(config, files)
  }, 60_000)

  it('a receipt file that is not a receipt: CorruptReceiptFileError, not a raw SyntaxError', async () => {
    const config = await nodeConfig(m, p)
    const files = { [`settlement/receipts/${lease()}.json`]: '{"lease": "torn' }
    const err = await startWith(config, files)
    expect(err).toMatchObject({ name: 'CorruptReceiptFileError', message: expect.stringContaining('move it aside') })
    await unchanged(config, files)
    await startAfterMovingAside(config, files)
  }, 60_000)
})

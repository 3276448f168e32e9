import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SettlementQueue } from '../../src/settlement/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'synkti-queue-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const lease = () => Keypair.generate().publicKey.toBase58()

describe('SettlementQueue', () => {
  it('keeps items across a reopen (a restarted node)', async () => {
    const [a, b] = [lease(), lease()]
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_300, 10)
    await q.enqueue(b, 1_400, 11)
    await q.update({ ...q.get(a)!, attempts: 2, lastError: 'RpcUnreachableError: down' })
    const reopened = await SettlementQueue.open(dir)
    expect(reopened.list()).toEqual([
      { lease: a, until: 1_300, enqueuedAt: 10, attempts: 2, lastError: 'RpcUnreachableError: down' },
      { lease: b, until: 1_400, enqueuedAt: 11, attempts: 0, lastError: null },
    ])
  })

  it('coalesces a lease to its latest until, keeping its age', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_300, 10)
    await q.enqueue(a, 1_600, 20)
    await q.enqueue(a, 1_500, 30)
    expect(q.list()).toEqual([{ lease: a, until: 1_600, enqueuedAt: 10, attempts: 0, lastError: null }])
    expect(await readdir(join(dir, 'queue'))).toEqual([`${a}.json`])
  })

  it('removes an item only up to the until it confirmed: a later one stays', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_600, 10)
    expect(await q.remove(a, 1_300)).toBe(false)
    expect(q.size).toBe(1)
    expect(await q.remove(a, 1_600)).toBe(true)
    expect(q.size).toBe(0)
    expect((await SettlementQueue.open(dir)).size).toBe(0)
  })

  it('ignores a write that never got renamed (crash mid-write), keeping the previous item', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_300, 10)
    await writeFile(join(dir, 'queue', `${a}.json.tmp`), '{"lease":"torn')
    const reopened = await SettlementQueue.open(dir)
    expect(reopened.list().map((i) => i.until)).toEqual([1_300])
    expect(await readdir(join(dir, 'queue'))).toEqual([`${a}.json`])
  })

  it('journals outcomes, fsync per line, skipping a torn last line', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.record({ kind: 'attested', lease: a, until: 1_300, signature: 'sig', at: 5 })
    await q.record({ kind: 'dropped', lease: a, until: 1_600, reason: 'lease-closed', error: null, at: 6 })
    await writeFile(join(dir, 'journal.jsonl'), `${await readFile(join(dir, 'journal.jsonl'), 'utf8')}{"kind":"att`)
    expect((await q.journal()).map((e) => e.kind)).toEqual(['attested', 'dropped'])
  })

  it('error: a file that is not a queue item is CorruptQueueItemError, and nothing is deleted', async () => {
    const a = lease()
    await (await SettlementQueue.open(dir)).enqueue(a, 1_300, 10)
    await writeFile(join(dir, 'queue', `${a}.json`), '{"lease": 3}')
    await expect(SettlementQueue.open(dir)).rejects.toMatchObject({ name: 'CorruptQueueItemError' })
    expect(await readFile(join(dir, 'queue', `${a}.json`), 'utf8')).toBe('{"lease": 3}')
  })

  it('error: a bad lease or until is InvalidQueueItemError and writes nothing', async () => {
    const q = await SettlementQueue.open(dir)
    await expect(q.enqueue('not-a-key', 1_300, 1)).rejects.toMatchObject({
      name: 'InvalidQueueItemError',
      field: 'lease',
    })
    await expect(q.enqueue(lease(), 1.5, 1)).rejects.toMatchObject({ name: 'InvalidQueueItemError', field: 'until' })
    expect(await readdir(join(dir, 'queue'))).toEqual([])
  })
})

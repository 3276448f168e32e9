import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type LeaseKey, SettlementQueue } from '../../src/settlement/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'synkti-queue-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** A lease opened at 900 (chain seconds). */
const lease = (openedAt = 900): LeaseKey => ({ lease: Keypair.generate().publicKey.toBase58(), openedAt })
const file = (k: LeaseKey) => `${k.lease}.${k.openedAt}.json`
const keyOf = (k: LeaseKey) => `${k.lease}.${k.openedAt}`

describe('SettlementQueue', () => {
  it('keeps items across a reopen (a restarted node)', async () => {
    const [a, b] = [lease(), lease()]
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_300, 10)
    await q.enqueue(b, 1_400, 11)
    await q.update({ ...q.get(keyOf(a))!, attempts: 2, lastError: 'RpcUnreachableError: down' })
    const reopened = await SettlementQueue.open(dir)
    expect(reopened.list()).toEqual([
      { ...a, until: 1_300, enqueuedAt: 10, attempts: 2, lastError: 'RpcUnreachableError: down' },
      { ...b, until: 1_400, enqueuedAt: 11, attempts: 0, lastError: null },
    ])
  })

  it('coalesces a lease to its latest until, keeping its age', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_300, 10)
    await q.enqueue(a, 1_600, 20)
    await q.enqueue(a, 1_500, 30)
    expect(q.list()).toEqual([{ ...a, until: 1_600, enqueuedAt: 10, attempts: 0, lastError: null }])
    expect(await readdir(join(dir, 'queue'))).toEqual([file(a)])
  })

  it('keys by address and open time: a later lease at the same address is another item, never coalesced', async () => {
    const old = lease(900)
    const reopened = { lease: old.lease, openedAt: 2_000 }
    const q = await SettlementQueue.open(dir)
    await q.enqueue(old, 1_300, 10)
    await q.enqueue(reopened, 2_100, 20)
    expect(q.list()).toEqual([
      { ...old, until: 1_300, enqueuedAt: 10, attempts: 0, lastError: null },
      { ...reopened, until: 2_100, enqueuedAt: 20, attempts: 0, lastError: null },
    ])
    expect((await readdir(join(dir, 'queue'))).sort()).toEqual([file(old), file(reopened)].sort())
    // Removing the later lease's item leaves the earlier one's.
    expect(await q.remove(keyOf(reopened), 2_100)).toBe(true)
    expect((await SettlementQueue.open(dir)).list()).toEqual([
      { ...old, until: 1_300, enqueuedAt: 10, attempts: 0, lastError: null },
    ])
  })

  it('removes an item only up to the until it confirmed: a later one stays', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_600, 10)
    expect(await q.remove(keyOf(a), 1_300)).toBe(false)
    expect(q.size).toBe(1)
    expect(await q.remove(keyOf(a), 1_600)).toBe(true)
    expect(q.size).toBe(0)
    expect((await SettlementQueue.open(dir)).size).toBe(0)
  })

  it('ignores a write that never got renamed (crash mid-write), keeping the previous item', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.enqueue(a, 1_300, 10)
    await writeFile(join(dir, 'queue', `${file(a)}.tmp`), '{"lease":"torn')
    const reopened = await SettlementQueue.open(dir)
    expect(reopened.list().map((i) => i.until)).toEqual([1_300])
    expect(await readdir(join(dir, 'queue'))).toEqual([file(a)])
  })

  it('journals outcomes, fsync per line, skipping a torn last line', async () => {
    const a = lease()
    const q = await SettlementQueue.open(dir)
    await q.record({ kind: 'attested', ...a, until: 1_300, signature: 'sig', at: 5 })
    await q.record({ kind: 'dropped', ...a, until: 1_600, reason: 'lease-closed', error: null, at: 6 })
    await writeFile(join(dir, 'journal.jsonl'), `${await readFile(join(dir, 'journal.jsonl'), 'utf8')}{"kind":"att`)
    expect((await q.journal()).map((e) => e.kind)).toEqual(['attested', 'dropped'])
  })

  it('error: a file that is not a queue item is CorruptQueueItemError, and nothing is deleted', async () => {
    const a = lease()
    await (await SettlementQueue.open(dir)).enqueue(a, 1_300, 10)
    await writeFile(join(dir, 'queue', file(a)), '{"lease": 3}')
    await expect(SettlementQueue.open(dir)).rejects.toMatchObject({ name: 'CorruptQueueItemError' })
    expect(await readFile(join(dir, 'queue', file(a)), 'utf8')).toBe('{"lease": 3}')
  })

  it('error: an item whose file name is not its lease and open time is CorruptQueueItemError', async () => {
    const a = lease()
    await (await SettlementQueue.open(dir)).enqueue(a, 1_300, 10)
    const item = JSON.parse(await readFile(join(dir, 'queue', file(a)), 'utf8'))
    await writeFile(join(dir, 'queue', file(a)), JSON.stringify({ ...item, openedAt: 901 }))
    await expect(SettlementQueue.open(dir)).rejects.toMatchObject({
      name: 'CorruptQueueItemError',
      reason: 'file name and lease differ',
    })
  })

  it('error: items of the earlier format (address only) are LegacyQueueItemError, listed, and left in place', async () => {
    const [a, b] = [lease(), lease()]
    await (await SettlementQueue.open(dir)).enqueue(a, 1_300, 10)
    // What the earlier version wrote: `queue/<lease>.json`, no open time.
    const legacy = [b.lease, Keypair.generate().publicKey.toBase58()].sort()
    const text = (l: string) =>
      `${JSON.stringify({ lease: l, until: 1_400, enqueuedAt: 11, attempts: 0, lastError: null })}\n`
    for (const l of legacy) await writeFile(join(dir, 'queue', `${l}.json`), text(l))
    await expect(SettlementQueue.open(dir)).rejects.toMatchObject({
      name: 'LegacyQueueItemError',
      paths: legacy.map((l) => join(dir, 'queue', `${l}.json`)),
      message: expect.stringContaining('move them aside'),
    })
    // Nothing lost: every file is still there, as it was.
    expect((await readdir(join(dir, 'queue'))).sort()).toEqual([file(a), ...legacy.map((l) => `${l}.json`)].sort())
    for (const l of legacy) expect(await readFile(join(dir, 'queue', `${l}.json`), 'utf8')).toBe(text(l))
  })

  it('error: a bad lease or until is InvalidQueueItemError and writes nothing', async () => {
    const q = await SettlementQueue.open(dir)
    await expect(q.enqueue({ lease: 'not-a-key', openedAt: 900 }, 1_300, 1)).rejects.toMatchObject({
      name: 'InvalidQueueItemError',
      field: 'lease',
    })
    await expect(q.enqueue(lease(-1), 1_300, 1)).rejects.toMatchObject({
      name: 'InvalidQueueItemError',
      field: 'openedAt',
    })
    await expect(q.enqueue(lease(), 1.5, 1)).rejects.toMatchObject({ name: 'InvalidQueueItemError', field: 'until' })
    expect(await readdir(join(dir, 'queue'))).toEqual([])
  })
})

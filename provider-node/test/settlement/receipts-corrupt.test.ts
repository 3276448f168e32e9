/**
 * The attack: something other than the node writes into its receipts directory (a torn copy, a
 * hand edit, a file dropped there by another process). The receipt book must not start on a guess:
 * it names the file and what is wrong with it, says how to go on, and leaves every file in place.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { describe, expect, it } from 'vitest'
import { ReceiptBook } from '../../src/settlement/index.js'
import { CorruptReceiptFileError } from '../../src/settlement/receipts.js'

const address = () => Keypair.generate().publicKey.toBase58()

function stored(lease = address()) {
  return {
    lease,
    openedAt: 900,
    provider: address(),
    signer: address(),
    from: 1_000,
    until: 1_030,
    requests: '7',
    digest: Buffer.alloc(32, 5).toString('base64'),
    signature: Buffer.alloc(64, 1).toString('base64'),
  }
}

async function receiptsDir(): Promise<{ stateDir: string; dir: string }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'receipts-corrupt-'))
  const dir = join(stateDir, 'settlement', 'receipts')
  await mkdir(dir, { recursive: true })
  return { stateDir, dir }
}

describe('ReceiptBook.open: a corrupt file in the receipts directory', () => {
  const cases: [string, (lease: string) => string, RegExp][] = [
    ['not JSON (torn)', (lease) => JSON.stringify(stored(lease)).slice(0, 40), /not JSON/],
    ['JSON null', () => 'null', /not a JSON object/],
    ['an array', () => '[]', /not a JSON object/],
    ['a lease that is no address', (lease) => JSON.stringify({ ...stored(lease), lease: 'x' }), /lease is not/],
    ['until not a number', (lease) => JSON.stringify({ ...stored(lease), until: '1030' }), /until is not/],
    ['requests not decimal', (lease) => JSON.stringify({ ...stored(lease), requests: 7 }), /requests is not/],
    ['another lease under this name', () => JSON.stringify(stored()), /holds the receipt of lease/],
  ]

  for (const [what, content, reason] of cases) {
    it(`${what}: CorruptReceiptFileError naming the file, which stays`, async () => {
      const { stateDir, dir } = await receiptsDir()
      const lease = address()
      const good = stored()
      await writeFile(join(dir, `${good.lease}.json`), JSON.stringify(good))
      const text = content(lease)
      const path = join(dir, `${lease}.json`)
      await writeFile(path, text)
      const err = await ReceiptBook.open(stateDir).then(
        () => expect.unreachable('opened a corrupt receipts directory'),
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(CorruptReceiptFileError)
      expect(err).toMatchObject({ name: 'CorruptReceiptFileError', path, reason: expect.stringMatching(reason) })
      expect((err as Error).message).toContain('move it aside to start')
      // nothing deleted or rewritten
      expect((await readdir(dir)).sort()).toEqual([`${good.lease}.json`, `${lease}.json`].sort())
      expect(await readFile(path, 'utf8')).toBe(text)
    })
  }

  it('moved aside, the book opens with the receipts that are sound', async () => {
    const { stateDir, dir } = await receiptsDir()
    const good = stored()
    await writeFile(join(dir, `${good.lease}.json`), JSON.stringify(good))
    const bad = `${address()}.json`
    await writeFile(join(dir, bad), '{"lease":')
    await expect(ReceiptBook.open(stateDir)).rejects.toMatchObject({ name: 'CorruptReceiptFileError' })
    await rename(join(dir, bad), join(stateDir, bad))
    const book = await ReceiptBook.open(stateDir)
    expect(book.get(good.lease, good.openedAt)).toEqual(good)
  })

  it('an earlier-format receipt (no openedAt) and a stray temporary file still open', async () => {
    const { stateDir, dir } = await receiptsDir()
    const { openedAt: _, ...legacy } = stored()
    await writeFile(join(dir, `${legacy.lease}.json`), JSON.stringify(legacy))
    await writeFile(join(dir, `${legacy.lease}.json.1.0.tmp`), '{"torn')
    const book = await ReceiptBook.open(stateDir)
    expect(book.get(legacy.lease)).toEqual(legacy)
    expect(book.get(legacy.lease, 900)).toBeUndefined()
  })
})

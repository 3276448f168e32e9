import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { loadKeypair } from '@synkti/market'
import { describe, expect, it } from 'vitest'
import { json, runBin, runMain, tempDir } from './support/cli.js'

describe('synkti keygen', () => {
  it("writes a wallet in solana-keygen's format (0600) at -o, and never overwrites it", async () => {
    const path = join(await tempDir(), 'nested', 'wallet.json')
    const made = await runBin(['keygen', '-o', path, '--json'])
    expect(made.code, made.stderr).toBe(0)
    const out = json(made)
    expect(out).toMatchObject({ kind: 'keygen', path })
    expect((await loadKeypair(path)).publicKey.toBase58()).toBe(out.address)
    expect((await stat(path)).mode & 0o777).toBe(0o600)

    const before = await readFile(path, 'utf8')
    const again = await runMain(['keygen', '-o', path, '--json'])
    expect(again.code).toBe(3)
    expect(json(again).error).toMatchObject({ name: 'KeypairExistsError', remedy: expect.stringContaining('mv ') })
    expect(await readFile(path, 'utf8')).toBe(before)
  })

  it('without -o writes the -k path, so the wallet every other command reads is the one made', async () => {
    const path = join(await tempDir(), 'id.json')
    const made = json(await runMain(['keygen', '-k', path, '--json']))
    expect(made).toMatchObject({ kind: 'keygen', path })
    const text = await runMain(['keygen', '-k', path])
    expect(text.stderr).toMatch(/^error KeypairExistsError: a keypair already exists at /)
  })
})

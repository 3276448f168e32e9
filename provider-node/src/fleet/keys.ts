import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { parseKeypair, serializeKeypair } from '@synkti/market'
import { FLEET_KEY_DIR, OPERATOR_KEY_FILE } from './constants.js'

/**
 * The deployer keeps one operator key per worker, generated here and never sent anywhere by
 * `fleet`: `<config dir>/fleet/<cluster>/operator-<index>.json`, the directory 0700 and each file
 * 0600 (solana-keygen's format). The index in the file name is the provider index the key serves.
 */
export function defaultKeyDir(configPath: string, cluster: string): string {
  return join(dirname(resolve(configPath)), FLEET_KEY_DIR, cluster)
}

export function operatorKeyPath(keyDir: string, index: number): string {
  return join(keyDir, `operator-${index}.json`)
}

/** The cluster's operator keys by provider index; an absent directory is an empty fleet. */
export async function readFleetKeys(keyDir: string): Promise<Map<number, Keypair>> {
  let names: string[]
  try {
    names = await readdir(keyDir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw err
  }
  const keys = new Map<number, Keypair>()
  for (const name of names.sort()) {
    const index = OPERATOR_KEY_FILE.exec(name)?.[1]
    if (index === undefined) continue
    const path = join(keyDir, name)
    keys.set(Number(index), parseKeypair(path, await readFile(path, 'utf8')))
  }
  return keys
}

/**
 * A fresh operator key for provider `index`, written before anything on chain names it (so a
 * run that stops half-way never registers a key it did not keep). Never overwrites: `wx`.
 */
export async function createFleetKey(keyDir: string, index: number): Promise<{ keypair: Keypair; path: string }> {
  // 0700 when this creates it; a directory the operator chose is left as it is
  await mkdir(keyDir, { recursive: true, mode: 0o700 })
  const keypair = Keypair.generate()
  const path = operatorKeyPath(keyDir, index)
  await writeFile(path, serializeKeypair(keypair), { mode: 0o600, flag: 'wx' })
  return { keypair, path }
}

import { loadKeypair } from '@synkti/market'
import type { KeypairObservation } from '../types.js'

/** Reads the operator keypair the way the node will, and names what went wrong. */
export async function observeKeypair(path: string): Promise<KeypairObservation> {
  try {
    const kp = await loadKeypair(path)
    return { kind: 'loaded', path, address: kp.publicKey.toBase58() }
  } catch (err) {
    const e = err as Error
    switch (e.name) {
      case 'KeypairFileMissingError':
        return { kind: 'missing', path }
      case 'KeypairFileUnreadableError':
        return { kind: 'unreadable', path, reason: String((e.cause as Error | undefined)?.message ?? e.message) }
      case 'KeypairFileMalformedError':
        return { kind: 'malformed', path, reason: e.message }
      default:
        throw err
    }
  }
}

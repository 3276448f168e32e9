import { fromString } from 'uint8arrays/from-string'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { DHT_KEY_PREFIX, PROVIDER_RECORD_NAMESPACE } from '../constants.js'
import { MalformedRecordError } from '../errors.js'
import { isSolanaAddress } from '../identity.js'

export interface ProviderRecordKey {
  market: string
  operator: string
}

/** `/synkti/provider/<market>/<operator>` as a string. */
export function providerRecordKeyString({ market, operator }: ProviderRecordKey): string {
  return `/${DHT_KEY_PREFIX}/${PROVIDER_RECORD_NAMESPACE}/${market}/${operator}`
}

/** The DHT key (UTF-8 bytes of the key string). */
export function providerRecordKey(key: ProviderRecordKey): Uint8Array {
  return fromString(providerRecordKeyString(key))
}

/** Throws MalformedRecordError for anything but a provider key with two valid addresses. */
export function parseProviderRecordKey(key: Uint8Array | string): ProviderRecordKey {
  const text = typeof key === 'string' ? key : bytesToString(key)
  const parts = text.split('/')
  const [empty, prefix, namespace, market, operator] = parts
  if (
    parts.length !== 5 ||
    empty !== '' ||
    prefix !== DHT_KEY_PREFIX ||
    namespace !== PROVIDER_RECORD_NAMESPACE ||
    market === undefined ||
    operator === undefined ||
    !isSolanaAddress(market) ||
    !isSolanaAddress(operator)
  ) {
    throw new MalformedRecordError(`not a provider record key: ${JSON.stringify(text.slice(0, 200))}`)
  }
  return { market, operator }
}

/**
 * Between Anchor's decoded values and this package's domain values, driven by the IDL's types:
 * u64 ↔ bigint, i64 (times, durations) ↔ number of seconds, `[u8; 32]` ↔ Uint8Array (other
 * fixed-size arrays element by element), fieldless enums ↔ camelCase strings, enums with data ↔
 * `{ kind, ...fields }`.
 * Anchor's coder does the bytes; this only changes the shape, so no layout is written by hand.
 */
import anchor, { type BN, type Idl } from '@anchor-lang/core'
import { PublicKey } from '@solana/web3.js'
import { InvalidArgumentError } from './errors.js'
import { IDL } from './idl.js'
import { secondsToBN, u64ToBN, uint } from './validate.js'

/** The IDL with camelCase names, as Anchor's `Program` and coders see it. */
export const CAMEL_IDL: Idl = anchor.convertIdlToCamelCase(IDL as Idl)

// Anchor's IdlType union, as far as this program uses it.
type IdlType =
  | string
  | { array: [IdlType, number] }
  | { option: IdlType }
  | { vec: IdlType }
  | { defined: { name: string } }

interface IdlField {
  name: string
  type: IdlType
}
type IdlTypeDef =
  | { name: string; type: { kind: 'struct'; fields: IdlField[] } }
  | { name: string; type: { kind: 'enum'; variants: { name: string; fields?: IdlField[] }[] } }

const TYPE_DEFS = new Map((CAMEL_IDL.types as unknown as IdlTypeDef[]).map((t) => [t.name, t]))

export function typeDef(name: string): IdlTypeDef {
  const def = TYPE_DEFS.get(name)
  if (def === undefined) throw new Error(`IDL has no type ${name}`)
  return def
}

function isFieldless(def: IdlTypeDef): boolean {
  return def.type.kind === 'enum' && def.type.variants.every((v) => !v.fields?.length)
}

function bnToNumber(value: BN, path: string): number {
  const n = Number(value.toString())
  if (!Number.isSafeInteger(n)) throw new RangeError(`${path}: ${value.toString()} exceeds 2^53`)
  return n
}

/** Anchor's decoded value of IDL type `type` → domain value. */
export function fromChain(type: IdlType, value: unknown, path = 'value'): unknown {
  if (typeof type === 'string') {
    switch (type) {
      case 'u64':
      case 'u128':
        return BigInt((value as BN).toString())
      case 'i64':
        return bnToNumber(value as BN, path)
      default:
        return value
    }
  }
  if ('array' in type) {
    const [element] = type.array
    if (element === 'u8') return Uint8Array.from(value as number[])
    // Fixed-size arrays of anything else (e.g. the two held-pay tranches) convert element-wise.
    return (value as unknown[]).map((v, i) => fromChain(element, v, `${path}[${i}]`))
  }
  if ('option' in type) return value === null ? null : fromChain(type.option, value, path)
  if ('vec' in type) return (value as unknown[]).map((v, i) => fromChain(type.vec, v, `${path}[${i}]`))
  const def = typeDef(type.defined.name)
  if (def.type.kind === 'struct') return fromFields(def.type.fields, value as Record<string, unknown>, path)
  const [variant, data] = Object.entries(value as Record<string, Record<string, unknown>>)[0] ?? []
  if (variant === undefined) throw new Error(`${path}: empty enum value`)
  if (isFieldless(def)) return variant
  const fields = def.type.variants.find((v) => v.name === variant)?.fields ?? []
  return { kind: variant, ...fromFields(fields, data ?? {}, path) }
}

export function fromFields(fields: IdlField[], value: Record<string, unknown>, path: string): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, fromChain(f.type, value[f.name], `${path}.${f.name}`)]))
}

/** Domain value → what Anchor's coder encodes for IDL type `type`; checks ranges on the way. */
export function toChain(type: IdlType, value: unknown, path = 'value'): unknown {
  if (typeof type === 'string') {
    switch (type) {
      case 'u64':
        return u64ToBN(path, value as bigint)
      case 'i64':
        return secondsToBN(path, value as number)
      case 'u8':
        return uint(path, value as number, 8)
      case 'u16':
        return uint(path, value as number, 16)
      case 'u32':
        return uint(path, value as number, 32)
      case 'pubkey':
        if (!(value instanceof PublicKey)) throw new InvalidArgumentError(path, 'expected a PublicKey')
        return value
      case 'string':
        if (typeof value !== 'string') throw new InvalidArgumentError(path, 'expected a string')
        return value
      case 'bool':
        if (typeof value !== 'boolean') throw new InvalidArgumentError(path, 'expected a boolean')
        return value
      default:
        return value
    }
  }
  if ('array' in type) {
    const [element, len] = type.array
    if (element !== 'u8') {
      if (!Array.isArray(value) || value.length !== len) throw new InvalidArgumentError(path, `expected ${len} items`)
      return value.map((v, i) => toChain(element, v, `${path}[${i}]`))
    }
    if (!(value instanceof Uint8Array) || value.length !== len)
      throw new InvalidArgumentError(path, `expected ${len} bytes`)
    return Array.from(value)
  }
  if ('option' in type) return value === undefined || value === null ? null : toChain(type.option, value, path)
  if ('vec' in type) return (value as unknown[]).map((v, i) => toChain(type.vec, v, `${path}[${i}]`))
  const def = typeDef(type.defined.name)
  if (def.type.kind === 'struct') {
    if (typeof value !== 'object' || value === null) throw new InvalidArgumentError(path, 'expected an object')
    const record = value as Record<string, unknown>
    return Object.fromEntries(
      def.type.fields.map((f) => [f.name, toChain(f.type, record[f.name], `${path}.${f.name}`)]),
    )
  }
  const kind = typeof value === 'string' ? value : (value as { kind?: unknown } | null)?.kind
  const variant = def.type.variants.find((v) => v.name === kind)
  if (variant === undefined) {
    throw new InvalidArgumentError(path, `expected one of ${def.type.variants.map((v) => v.name).join(', ')}`)
  }
  const data = Object.fromEntries(
    (variant.fields ?? []).map((f) => [
      f.name,
      toChain(f.type, (value as Record<string, unknown>)[f.name], `${path}.${f.name}`),
    ]),
  )
  return { [variant.name]: data }
}

/** A defined type by name, e.g. `fromDefined('marketParams', raw)`. */
export function fromDefined<T>(name: string, value: unknown, path = name): T {
  return fromChain({ defined: { name } }, value, path) as T
}

export function toDefined(name: string, value: unknown, path = name): unknown {
  return toChain({ defined: { name } }, value, path)
}

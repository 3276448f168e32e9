/** Events from transaction logs, through Anchor's EventParser, as the typed `MarketEvent` union. */
import anchor from '@anchor-lang/core'
import { CAMEL_IDL, fromFields, typeDef } from './codec.js'
import { PROGRAM_ID } from './constants.js'
import { IDL } from './idl.js'
import type { EventOf, MarketEvent, MarketEventName } from './types.js'

const coder = new anchor.BorshCoder(CAMEL_IDL)
const parser = new anchor.EventParser(PROGRAM_ID, coder)

/** camelCase name Anchor decodes to → the Rust struct's name we expose. */
const EVENT_NAMES = new Map(
  (CAMEL_IDL.events ?? []).map((e, i) => [e.name, IDL.events[i]?.name as MarketEventName] as const),
)

type RawEvent = { name: string; data: Record<string, unknown> }

/** Anchor's EventParser keeps only `Program data:` lines written in this program's own frames. */
function rawEvents(logs: readonly string[]): RawEvent[] {
  return [...parser.parseLogs([...logs])] as RawEvent[]
}

/** Every event of this program in `logs` (a transaction's `logMessages`), in order. */
export function parseEvents(logs: readonly string[]): MarketEvent[] {
  const events: MarketEvent[] = []
  for (const raw of rawEvents(logs)) {
    const name = EVENT_NAMES.get(raw.name)
    if (name === undefined) continue
    const def = typeDef(raw.name)
    if (def.type.kind !== 'struct') continue
    events.push({ name, data: fromFields(def.type.fields, raw.data, name) } as unknown as MarketEvent)
  }
  return events
}

/** The first event called `name`, or undefined. */
export function findEvent<N extends MarketEventName>(events: readonly MarketEvent[], name: N): EventOf<N> | undefined {
  return events.find((e): e is EventOf<N> => e.name === name)
}

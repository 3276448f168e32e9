/**
 * Compile-time checks that the domain types in types.ts have exactly the fields the IDL gives
 * the program's accounts, arguments and events: a field added to (or removed from) the program
 * and regenerated into the IDL fails `tsc` here until types.ts follows. No runtime code.
 */
import type { IdlAccounts, IdlEvents } from '@anchor-lang/core'
import type { SynktiMarket } from './idl.js'
import type * as T from './types.js'

type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never
type Accounts = IdlAccounts<SynktiMarket>
/** Field names of the IDL's type `N` (Anchor's IdlTypes is too loose to compare keys with). */
type TypeDef<N> = Extract<SynktiMarket['types'][number], { name: N }>
type FieldNames<N> = TypeDef<N>['type'] extends { fields: readonly (infer F)[] }
  ? F extends { name: infer S }
    ? S
    : never
  : never
type SameFields<A, N> = [Exclude<keyof A, FieldNames<N>>, Exclude<FieldNames<N>, keyof A>] extends [never, never]
  ? true
  : never
type Events = IdlEvents<SynktiMarket>

// Accounts (the domain form adds the account's own address).
export const accounts: [
  SameKeys<Omit<T.Market, 'address'>, Accounts['market']>,
  SameKeys<Omit<T.Provider, 'address'>, Accounts['provider']>,
  SameKeys<Omit<T.Lease, 'address'>, Accounts['lease']>,
] = [true, true, true]

// Nested types and arguments.
export const types: [
  SameFields<T.MarketParams, 'marketParams'>,
  SameFields<T.Capabilities, 'capabilities'>,
  SameFields<T.Reputation, 'reputation'>,
  SameFields<T.Tranche, 'tranche'>,
  SameFields<T.MigrationPolicy, 'migrationPolicy'>,
  SameFields<T.Receipt, 'receipt'>,
  SameFields<T.PendingMarketUpdate, 'pendingMarketUpdate'>,
] = [true, true, true, true, true, true, true]

// Events: every event the program emits has a domain type with its fields.
type EventName = keyof Events
type DomainEvent<N> = N extends T.MarketEventName ? Extract<T.MarketEvent, { name: N }>['data'] : never
type Capitalized = { [N in EventName as Capitalize<N & string>]: Events[N] }
export const events: { [N in keyof Capitalized]: SameKeys<DomainEvent<N>, Capitalized[N]> } = {
  MarketCreated: true,
  MarketUpdateProposed: true,
  MarketUpdateApplied: true,
  FeesWithdrawn: true,
  ProviderRegistered: true,
  ProviderUpdated: true,
  OperatorRotated: true,
  ProviderPaused: true,
  ProviderResumed: true,
  StakeDeposited: true,
  ExitBegun: true,
  StakeWithdrawn: true,
  EarningsClaimed: true,
  LeaseOpened: true,
  LeaseAccepted: true,
  UsageAttested: true,
  LeaseToppedUp: true,
  LeaseMigrated: true,
  DisputeOpened: true,
  EvidenceAdded: true,
  LeaseEnded: true,
  LeaseFinalized: true,
}

/**
 * Chain fixtures for consumer-cli tests: the market client's `Parties` (fresh funded keypairs,
 * mints, a market, registered and staked providers, consumers with tokens) against the
 * localnet started by test/global-setup.ts.
 */
export { chain, client, parties, passTime } from '../../../clients/market/test/support/chain.js'
export type { ConsumerFx, MarketFx, ProviderFx } from '../../../clients/market/test/support/parties.js'
export { gpu } from '../../../clients/market/test/support/parties.js'

/**
 * What discovery needs from the chain, injected so this package never imports the chain client:
 * whether an operator is registered and active in a market right now.
 */
export interface ChainView {
  isActiveOperator(market: string, operator: string, options?: { signal?: AbortSignal }): Promise<boolean>
}

/**
 * Why a provider cannot take a job, as data (for --json) and in words (for people). One union
 * for every stage: the record, its join with the chain, the chain's own rules, the spec.
 */
import type { InfeasibleReason } from '@synkti/planner'

export type Misfit =
  /** no valid record on the DHT, or its node could not be reached; `error` names why */
  | { kind: 'no-record'; error: string }
  | { kind: 'not-registered' }
  /** the record speaks for another market than the provider account's */
  | { kind: 'wrong-market'; recordMarket: string; accountMarket: string }
  /** the record names a provider account whose operator is not the record's signer */
  | { kind: 'operator-mismatch'; provider: string; accountOperator: string }
  | { kind: 'not-active'; status: 'paused' | 'exiting' }
  /** `source`: the market's minimum (open_lease refuses below it) or the user's --min-stake */
  | { kind: 'stake'; staked: bigint; minimum: bigint; source: 'market' | 'option' }
  /** the planner's `fits` rule that failed */
  | { kind: 'infeasible'; rule: InfeasibleReason }
  /**
   * the machine fits the job but its signed record shows too little of its VRAM free for it now
   * (running jobs hold the rest): the node would decline the lease
   */
  | { kind: 'full'; freeGb: number; totalGb: number; needGb: number; jobs: number }
  /** the on-chain price, which is what a lease charges, above the spec's cap */
  | { kind: 'price'; price: bigint; cap: bigint }

/** Why a capability fails a requirement, in words. */
export function describeInfeasible(reason: InfeasibleReason): string {
  switch (reason.kind) {
    case 'gpu-count':
      return `needs ${reason.need} GPU(s), has ${reason.have}`
    case 'vram':
      return `needs ${reason.needGb} GB of VRAM, its GPUs give ${reason.haveGb} GB`
    case 'gpu-model':
      return `needs a GPU among ${reason.allowed.join(', ')}, has ${reason.have}`
    case 'region':
      return `needs a region among ${reason.allowed.join(', ')}, is in ${reason.have}`
    case 'spot':
      return 'is a spot machine and the spec does not allow spot'
    case 'runtime':
      return `needs the ${reason.need} runtime, offers ${reason.have.join(', ')}`
    case 'disk':
      return `needs ${reason.needGb} GB of disk for the model, has ${reason.haveGb} GB`
  }
}

/** GB with at most one decimal: 24, 7.5. */
const gb = (n: number) => String(Math.round(n * 10) / 10)

export function describeMisfit(m: Misfit): string {
  switch (m.kind) {
    case 'no-record':
      return `no valid record on the DHT or unreachable (${m.error})`
    case 'not-registered':
      return 'not registered in this market'
    case 'wrong-market':
      return `its record is for market ${m.recordMarket}, its account in ${m.accountMarket}`
    case 'operator-mismatch':
      return `its record names provider account ${m.provider}, whose operator is ${m.accountOperator}`
    case 'not-active':
      return `${m.status} on chain`
    case 'stake':
      return `stakes ${m.staked}, below the ${m.source === 'market' ? "market's" : '--min-stake'} minimum of ${m.minimum}`
    case 'infeasible':
      return describeInfeasible(m.rule)
    case 'full':
      return `full: ${gb(m.freeGb)} GB of its ${gb(m.totalGb)} GB VRAM free (${m.jobs} job(s) running), the job needs ${gb(m.needGb)} GB`
    case 'price':
      return `charges ${m.price}/s, above the cap of ${m.cap}/s`
  }
}

/**
 * Make-before-break: the consumer leaves a provider on its own order. A lease is opened on
 * another provider with the same job, and only once that job answers its health check is the
 * traffic switched to it; then the old lease is closed (its service settled, the rest of its
 * escrow refunded). If the new lease does not come up, it is closed and the old one serves on:
 * a move never breaks what runs before the replacement is made.
 *
 * `makeBeforeBreak` is the order of steps, pure over injected steps; `moveJob` binds the steps
 * to the chain and the network through the same functions `synkti job run` uses (launch.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { PublicKey } from '@solana/web3.js'
import { type JobSpec, jobSpecHash } from '@synkti/jobs'
import type { Lease, MarketClient } from '@synkti/market'
import type { SynktiNode } from '@synkti/p2p'
import { eventData } from '../chain.js'
import { describeError } from '../classify.js'
import type { Deps } from '../context.js'
import {
  ConflictingOptionsError,
  JobRejectedError,
  JobSpecMismatchError,
  MoveAbortedError,
  NotYourLeaseError,
  OldLeaseNotClosedError,
} from '../errors.js'
import { followUntilHealthy, type Opened, openLeaseFor, pickOffer, submitJob } from '../launch.js'
import type { Offer } from '../offers.js'
import type { Route } from './route.js'

export type MoveStep = 'choosing' | 'opening' | 'submitting' | 'waiting' | 'switching' | 'draining' | 'closing-old'

export type MoveEvent =
  /** a step begins, or a progress line within one (`step` is the step it belongs to) */
  | { kind: 'move'; step: MoveStep; from: string; to: string | null; line: string }
  | {
      kind: 'moved'
      from: string
      to: string
      operator: string
      endpoint: string
      oldClosed: boolean
      refund: string | null
    }
  | {
      kind: 'move-failed'
      from: string
      to: string | null
      step: MoveStep
      newLeaseClosed: boolean
      error: { name: string; message: string; remedy: string }
    }

export interface MoveOrder {
  /** the lease the job is on now */
  lease: PublicKey
  spec: JobSpec
  /** where the spec came from, for errors */
  specSource: string
  /** provider account or operator; default: the cheapest that fits, other than the one left */
  to?: string
  /** escrow of the new lease; default one hour at its price (as job run) */
  deposit?: bigint
}

/** The new lease, healthy. */
export interface Made {
  lease: PublicKey
  openedAt: number
  offer: Offer
  opened: Opened
  route: Route
}

export interface MoveOutcome {
  from: string
  to: string
  provider: string
  operator: string
  pricePerSecond: bigint
  deposit: bigint
  signature: string
  endpoint: string
  old: { closed: boolean; signature: string | null; refund: bigint | null }
  /** the move was made, but something after it failed (the old lease could not be closed) */
  failure?: Error
}

export interface MoveSteps {
  choose(): Promise<Offer>
  open(offer: Offer): Promise<Opened>
  submit(offer: Offer, lease: PublicKey): Promise<void>
  /** until the new job is healthy, by its provider's word and its own health check */
  healthy(lease: PublicKey, offer: Offer): Promise<{ route: Route; openedAt: number }>
  /** send the traffic to the new lease; resolves once it goes there */
  switchTo(made: Made): Promise<void>
  /** before the old lease closes: let requests on their way to it finish, receipt what it served */
  drain(): Promise<void>
  /** null when there was nothing to close (the old lease had already ended) */
  closeOld(): Promise<{ signature: string; refund: bigint } | null>
  closeNew(lease: PublicKey): Promise<void>
}

const errorOf = (err: unknown) => {
  const r = describeError(err)
  return { name: r.name, message: r.message, remedy: r.remedy }
}

export async function makeBeforeBreak(
  from: string,
  steps: MoveSteps,
  emit: (e: MoveEvent) => void,
): Promise<MoveOutcome> {
  let step: MoveStep = 'choosing'
  let to: string | null = null
  let opened: Opened | null = null
  const begin = (next: MoveStep, line: string) => {
    step = next
    emit({ kind: 'move', step, from, to, line })
  }
  let made: Made
  try {
    begin('choosing', `moving lease ${from}: choosing a provider`)
    const offer = await steps.choose()
    begin('opening', `opening a lease with ${offer.operator} at ${offer.pricePerSecond}/s`)
    opened = await steps.open(offer)
    to = opened.lease.toBase58()
    begin('submitting', `submitting the job to ${offer.operator} on lease ${to}`)
    await steps.submit(offer, opened.lease)
    begin('waiting', `waiting for lease ${to} to be healthy (lease ${from} serves meanwhile)`)
    const { route, openedAt } = await steps.healthy(opened.lease, offer)
    made = { lease: opened.lease, openedAt, offer, opened, route }
    begin('switching', `lease ${to} is healthy at ${route.endpoint}: switching the traffic to it`)
    await steps.switchTo(made)
  } catch (err) {
    // never break before make: the old lease was not touched; the new one goes away again
    let closed = false
    if (err instanceof JobRejectedError) closed = err.refunded
    else if (opened !== null)
      closed = await steps.closeNew(opened.lease).then(
        () => true,
        () => false,
      )
    const failure =
      opened === null
        ? (err as Error)
        : new MoveAbortedError(from, step, `${errorOf(err).name}: ${errorOf(err).message}`, to, closed, err)
    emit({ kind: 'move-failed', from, to, step, newLeaseClosed: closed, error: errorOf(failure) })
    throw failure
  }
  const outcome: MoveOutcome = {
    from,
    to: made.lease.toBase58(),
    provider: made.offer.provider,
    operator: made.route.operator,
    pricePerSecond: made.offer.pricePerSecond,
    deposit: made.opened.deposit,
    signature: made.opened.signature,
    endpoint: made.route.endpoint,
    old: { closed: false, signature: null, refund: null },
  }
  // made; now break
  begin('draining', `the traffic goes to lease ${outcome.to}; letting requests to lease ${from} finish`)
  await steps.drain().catch(() => undefined)
  begin('closing-old', `closing lease ${from}: its service is settled, the rest of its escrow refunded`)
  try {
    const closed = await steps.closeOld()
    if (closed !== null) outcome.old = { closed: true, signature: closed.signature, refund: closed.refund }
  } catch (err) {
    outcome.failure = new OldLeaseNotClosedError(from, outcome.to, errorOf(err).message, err)
  }
  emit({
    kind: 'moved',
    from,
    to: outcome.to,
    operator: outcome.operator,
    endpoint: outcome.endpoint,
    oldClosed: outcome.old.closed,
    refund: outcome.old.refund?.toString() ?? null,
  })
  return outcome
}

/** The consumer's own look at a job's health endpoint: answered 2xx within `timeoutMs`. */
export async function probeHealth(endpoint: string, path: string, timeoutMs: number, pollMs = 500): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await fetch(new URL(path, endpoint), { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) return true
    if (Date.now() + pollMs >= deadline) return false
    await sleep(pollMs)
  }
}

/** The old lease as the chain has it, checked: this wallet's, for this spec. */
export async function leaseToMove(
  client: MarketClient,
  wallet: PublicKey,
  order: Pick<MoveOrder, 'lease' | 'spec' | 'specSource'>,
): Promise<Lease> {
  const old = await client.fetchLease(order.lease)
  const id = order.lease.toBase58()
  if (!old.consumer.equals(wallet)) throw new NotYourLeaseError(id, old.consumer.toBase58(), wallet.toBase58())
  const hash = Buffer.from(jobSpecHash(order.spec)).toString('hex')
  const onLease = Buffer.from(old.jobSpecHash).toString('hex')
  if (hash !== onLease) throw new JobSpecMismatchError(order.specSource, id, hash, onLease)
  return old
}

/** How long the old lease's requests get to finish before it closes. */
export const DRAIN_MS = 30_000
/** The new job's own health endpoint must answer within this after its provider says healthy. */
export const HEALTH_PROBE_MS = 30_000

export interface MoveHooks {
  switchTo(made: Made): Promise<void>
  drain(): Promise<void>
  emit(e: MoveEvent): void
}

/** The move against the chain and the network: `synkti job move` and the gateway's control endpoint. */
export async function moveJob(ctx: { deps: Deps; node: SynktiNode }, order: MoveOrder, hooks: MoveHooks) {
  const { node } = ctx
  const from = order.lease.toBase58()
  let current: MoveStep = 'choosing'
  let to: string | null = null
  const emit = (e: MoveEvent) => {
    if (e.kind === 'move') {
      current = e.step
      to = e.to
    }
    hooks.emit(e)
  }
  // the shared launch steps print progress; here each line is a move event of the step under way
  const deps: Deps = { ...ctx.deps, progress: (line) => emit({ kind: 'move', step: current, from, to, line }) }
  const consumer = await deps.wallet()
  const old = await leaseToMove(deps.client, consumer.publicKey, order)
  const leaving = old.provider.toBase58()
  const steps: MoveSteps = {
    choose: async () => {
      const offer = await pickOffer(node, deps, old.market, order.spec, {
        ...(order.to !== undefined ? { provider: order.to } : {}),
        exclude: [{ provider: leaving, reason: 'the provider the lease leaves' }],
      })
      if (offer.provider === leaving) {
        throw new ConflictingOptionsError('--to', `names the provider lease ${from} is on already`, 'job move')
      }
      return offer
    },
    open: (offer) =>
      openLeaseFor(deps, consumer, offer, order.spec, {
        ...(order.deposit !== undefined ? { deposit: order.deposit } : {}),
        policy: old.policy,
        ...(!old.receiptSigner.equals(old.consumer) ? { receiptSigner: old.receiptSigner } : {}),
      }),
    submit: (offer, lease) => submitJob(node, deps, offer.operator, lease, order.spec),
    healthy: async (lease, offer) => {
      const { operator, job } = await followUntilHealthy(node, deps, lease, order.spec)
      const endpoint = job.endpoint as string
      deps.progress(`the provider says healthy at ${endpoint}; checking ${order.spec.health.path} ourselves`)
      if (!(await probeHealth(endpoint, order.spec.health.path, HEALTH_PROBE_MS))) {
        throw new Error(`${endpoint}${order.spec.health.path} did not answer 2xx within ${HEALTH_PROBE_MS / 1000} s`)
      }
      const account = await deps.client.fetchLease(lease)
      return {
        route: { lease: lease.toBase58(), operator, provider: offer.provider, endpoint },
        openedAt: account.openedAt,
      }
    },
    switchTo: hooks.switchTo,
    drain: hooks.drain,
    closeOld: async () => {
      const now = await deps.client.fetchLease(order.lease)
      if (now.status.kind !== 'active' && now.status.kind !== 'open') return null
      const { signature, events } = await deps.client.closeLease({ signer: consumer, lease: order.lease })
      return { signature, refund: eventData(events, 'LeaseEnded').refund }
    },
    closeNew: async (lease) => {
      await deps.client.closeLease({ signer: consumer, lease })
    },
  }
  return makeBeforeBreak(from, steps, emit)
}

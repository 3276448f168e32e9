/**
 * `synkti job move ID --spec spec.yaml [--to PROVIDER]`: the consumer moves its job to another
 * provider, make-before-break (gateway/move.ts): a new lease with the same job is opened and
 * followed until healthy, the traffic switched to it, then the old lease closed. If the new one
 * does not come up it is closed again and the old one serves on (MoveAbortedError).
 *
 * When a gateway serves the lease (its lock file in the state directory says so), the order goes
 * to that gateway's control endpoint, which switches its traffic behind the same URL; this
 * command prints its progress. Without one, the command moves the job itself and records the
 * move in the state directory, so a gateway started later on the old lease serves the new one.
 */
import type { PublicKey } from '@solana/web3.js'
import type { JobSpec } from '@synkti/jobs'
import type { Deps } from '../context.js'
import { CliError, EXIT_CODES, type ExitClass, GatewayControlError, LeaseAlreadyMovedError } from '../errors.js'
import { type MoveEvent, type MoveOutcome, moveJob } from '../gateway/move.js'
import { LeaseSession } from '../gateway/session.js'
import { acquireLock, type LockInfo, liveLock, readState, writeState } from '../gateway/state.js'
import type { Outcome } from '../output.js'
import { readSpec } from '../spec.js'

export interface MoveOptions {
  lease: PublicKey
  spec: string
  /** provider account or operator; default: the cheapest that fits, other than the one left */
  to?: string
  deposit?: bigint
  stateDir: string
}

export interface MoveResult {
  kind: 'job-move'
  /** the lease the job left */
  from: string
  /** the lease the job is on now */
  lease: string
  provider: string
  operator: string
  pricePerSecond: bigint
  deposit: bigint
  signature: string
  endpoint: string
  old: { closed: boolean; signature: string | null; refund: bigint | null }
  /** the gateway that switched its traffic (its URL did not change), or null when none ran */
  gateway: string | null
  /** the move's events, in order */
  steps: MoveEvent[]
}

export async function run(options: MoveOptions, deps: Deps): Promise<Outcome> {
  const spec = await readSpec(options.spec)
  const id = options.lease.toBase58()
  const steps: MoveEvent[] = []
  const onEvent = (e: MoveEvent) => {
    steps.push(e)
    if (e.kind === 'move') deps.progress(e.line)
  }
  const holder = await liveLock(options.stateDir, id)
  if (holder?.url != null && holder.token !== null) {
    deps.progress(`lease ${id} is served by the gateway at ${holder.url}: ordering the move there`)
    const { outcome, failure } = await viaGateway(holder, id, options, spec, onEvent)
    return { result: result(outcome, holder.url, steps), ...(failure !== undefined ? { failure } : {}) }
  }
  const outcome = await direct(options, spec, deps, onEvent)
  const { failure, ...rest } = outcome
  return { result: result(rest, null, steps), ...(failure !== undefined ? { failure } : {}) }
}

function result(o: Omit<MoveOutcome, 'failure'>, gateway: string | null, steps: MoveEvent[]): MoveResult {
  return {
    kind: 'job-move',
    from: o.from,
    lease: o.to,
    provider: o.provider,
    operator: o.operator,
    pricePerSecond: o.pricePerSecond,
    deposit: o.deposit,
    signature: o.signature,
    endpoint: o.endpoint,
    old: o.old,
    gateway,
    steps,
  }
}

/** No gateway serves the lease: move it here, and leave the move in the state directory. */
async function direct(
  options: MoveOptions,
  spec: JobSpec,
  deps: Deps,
  onEvent: (e: MoveEvent) => void,
): Promise<MoveOutcome> {
  const id = options.lease.toBase58()
  const lock = await acquireLock(options.stateDir, id, { url: null, token: null, serving: id })
  try {
    const before = await readState(options.stateDir, id)
    if (before?.movedTo != null) throw new LeaseAlreadyMovedError(id, before.movedTo)
    const node = await deps.p2p('wallet')
    return await moveJob(
      { deps, node },
      {
        lease: options.lease,
        spec,
        specSource: options.spec,
        ...(options.to !== undefined ? { to: options.to } : {}),
        ...(options.deposit !== undefined ? { deposit: options.deposit } : {}),
      },
      {
        emit: onEvent,
        // what the gateway would do on the switch, on disk only: a gateway started later follows it
        switchTo: async (made) => {
          const account = await deps.client.fetchLease(options.lease)
          const old =
            before !== null && before.openedAt === account.openedAt
              ? LeaseSession.resume(before, 1_000)
              : LeaseSession.fresh(id, account.openedAt, 1_000)
          const next = LeaseSession.fresh(made.lease.toBase58(), made.openedAt, 1_000, old.spent)
          next.movedFrom = id
          await writeState(options.stateDir, next.toState())
          old.movedTo = next.lease
          await writeState(options.stateDir, old.toState())
        },
        drain: async () => {},
      },
    )
  } finally {
    await lock.release()
  }
}

/** A report that came back from the gateway, as an error of the same name, class and remedy. */
class ReportedError extends CliError {
  readonly exitClass: ExitClass
  readonly remedy: string
  constructor(r: { name: string; message: string; remedy: string; exitCode?: number }) {
    super(r.message)
    this.name = r.name
    this.remedy = r.remedy
    const cls = (Object.entries(EXIT_CODES) as [keyof typeof EXIT_CODES, number][]).find(
      ([k, code]) => code === r.exitCode && k !== 'ok',
    )?.[0]
    this.exitClass = (cls ?? 'provider') as ExitClass
  }
}

type Wire<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] extends bigint | null ? string | null : T[K] }

async function viaGateway(
  holder: LockInfo,
  lease: string,
  options: MoveOptions,
  spec: JobSpec,
  onEvent: (e: MoveEvent) => void,
): Promise<{ outcome: Omit<MoveOutcome, 'failure'>; failure?: Error }> {
  const url = holder.url as string
  let response: Response
  try {
    response = await fetch(new URL('/_synkti/move', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
      body: JSON.stringify({
        lease,
        spec,
        specSource: options.spec,
        ...(options.to !== undefined ? { to: options.to } : {}),
        ...(options.deposit !== undefined ? { deposit: options.deposit.toString() } : {}),
      }),
    })
  } catch (err) {
    throw new GatewayControlError(url, (err as Error).message, err)
  }
  if (!response.ok || response.body === null) {
    const answer = (await response.json().catch(() => null)) as {
      error?: { name: string; message: string; remedy: string }
    } | null
    if (answer?.error !== undefined && response.status === 409)
      throw new ReportedError({ ...answer.error, exitCode: EXIT_CODES.usage })
    throw new GatewayControlError(url, `${response.status}: ${answer?.error?.message ?? response.statusText}`)
  }
  type Final = {
    kind: 'move-result'
    outcome: (Wire<Omit<MoveOutcome, 'old' | 'failure'>> & { old: Wire<MoveOutcome['old']> }) | null
    error: { name: string; message: string; remedy: string; exitCode: number } | null
  }
  let final: Final | null = null
  let rest = ''
  const decoder = new TextDecoder()
  const take = (line: string) => {
    if (line.trim() === '') return
    const v = JSON.parse(line) as MoveEvent | Final
    if (v.kind === 'move-result') final = v
    else onEvent(v)
  }
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      rest += decoder.decode(chunk, { stream: true })
      const lines = rest.split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) take(line)
    }
    take(rest)
  } catch (err) {
    throw new GatewayControlError(url, `the answer broke off: ${(err as Error).message}`, err)
  }
  const done = final as Final | null
  if (done === null) throw new GatewayControlError(url, 'the answer ended before the move did')
  if (done.outcome === null)
    throw new ReportedError(done.error ?? { name: 'InternalError', message: 'no outcome', remedy: '' })
  const o = done.outcome
  const outcome: Omit<MoveOutcome, 'failure'> = {
    ...o,
    pricePerSecond: BigInt(o.pricePerSecond),
    deposit: BigInt(o.deposit),
    old: { ...o.old, refund: o.old.refund === null ? null : BigInt(o.old.refund) },
  }
  return { outcome, ...(done.error !== null ? { failure: new ReportedError(done.error) } : {}) }
}

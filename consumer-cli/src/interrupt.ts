/**
 * Ctrl-C as an error rather than a silent exit: while a command holds this, SIGINT and SIGTERM
 * reject `signalled` (once), so the step in flight can be named and what it left open reported
 * through the normal error path. A second signal gets the default behaviour (the handlers are
 * `once`).
 */
export interface Interruption {
  /** rejects with `onSignal(signal)` at the first SIGINT/SIGTERM; never resolves */
  signalled: Promise<never>
  /** aborted at the signal: pass it to work that would otherwise keep polling */
  signal: AbortSignal
  /** `work`, unless a signal comes first */
  race<T>(work: Promise<T>): Promise<T>
  dispose(): void
}

export function interruption(onSignal: (signal: NodeJS.Signals) => Error): Interruption {
  let fire: (err: Error) => void = () => {}
  const aborted = new AbortController()
  const signalled = new Promise<never>((_, reject) => {
    fire = reject
  })
  // a rejection nobody races any more is not an unhandled one
  signalled.catch(() => undefined)
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      const err = onSignal(signal)
      fire(err)
      aborted.abort(err)
    }
    process.once(signal, handler)
    return [signal, handler] as const
  })
  return {
    signalled,
    signal: aborted.signal,
    race: (work) => Promise.race([work, signalled]),
    dispose: () => {
      for (const [signal, handler] of handlers) process.removeListener(signal, handler)
    },
  }
}

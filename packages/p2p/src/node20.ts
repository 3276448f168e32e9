/**
 * js-libp2p 2.x runs on Node 20 except for one transitive dependency: `it-queue` (via
 * `mortice`, the peer store's lock) calls `Promise.withResolvers`, which Node 20 lacks. Every
 * published `it-queue` does, and `mortice`'s range admits no older one, so the package supplies
 * the ES2024 built-in when (and only when) the runtime does not. Imported first by every module
 * that loads libp2p; remove once Node 22 is the floor.
 */

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const promiseCtor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }

if (typeof promiseCtor.withResolvers !== 'function') {
  promiseCtor.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve']
    let reject!: Resolvers<T>['reject']
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

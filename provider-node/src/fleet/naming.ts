import { MAX_PROVIDER_INDEX, NAME_RANDOM_CHARS } from './constants.js'

/**
 * A machine's launch time travels in its name (`synkti-<cluster>-worker-<stamp>-<rand>`): the
 * adapters' `Machine` has no launch time, and a name is the one field all three clouds keep.
 * The stamp is base-36 unix seconds, short enough for Hetzner's 63-character server names.
 */
export function launchSuffix(at: Date, random: () => number = Math.random): string {
  const stamp = Math.floor(at.getTime() / 1000).toString(36)
  let rand = ''
  while (rand.length < NAME_RANDOM_CHARS) rand += Math.floor(random() * 36).toString(36)
  return `${stamp}-${rand}`
}

/**
 * A worker's provider index travels in its name too, first (`…-worker-<index>-<stamp>-<rand>`,
 * "worker 3"): the adapters tag every resource with the cluster and the role only, and `fleet ls`
 * needs the index to find the machine's provider account on chain.
 */
export function workerSuffix(index: number, at: Date, random: () => number = Math.random): string {
  return `${index}-${launchSuffix(at, random)}`
}

const SUFFIX = new RegExp(`[-.]worker[-.](?:([0-9]{1,5})-)?([0-9a-z]{6,7})-[0-9a-z]{${NAME_RANDOM_CHARS}}$`)

/** When a machine named by launchSuffix() or workerSuffix() was launched; undefined for names made elsewhere. */
export function launchedAt(name: string): Date | undefined {
  const match = SUFFIX.exec(name)
  if (match?.[2] === undefined) return undefined
  return new Date(Number.parseInt(match[2], 36) * 1000)
}

/** The provider index in a name made by workerSuffix(); undefined for names without one (older `up`, other tools). */
export function workerIndex(name: string): number | undefined {
  const digits = SUFFIX.exec(name)?.[1]
  if (digits === undefined) return undefined
  const index = Number(digits)
  return index <= MAX_PROVIDER_INDEX ? index : undefined
}

/** `45s`, `12m`, `3h05m`, `2d04h`: the two largest units, enough to tell machines apart. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  const pad = (n: number) => String(n).padStart(2, '0')
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`
  return `${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`
}

import { parseArgs } from 'node:util'
import { STANDIN_DEFAULTS } from '../constants.js'
import { InvalidStandinArgumentsError, InvalidStandinOptionError } from '../errors.js'

export interface StandinOptions {
  host: string
  /** 0 picks an ephemeral port. */
  port: number
  /** The served model name, as `--served-model-name` in vLLM. */
  model: string
  /** Simulated model loading: /health answers 503 until this has elapsed. */
  loadMs: number
  /** Simulated decode latency per generated token. */
  tokenMs: number
  /** Requests decoded at once; the rest wait (vLLM's running vs waiting queues). */
  maxRunning: number
}

const ENV: Record<keyof StandinOptions, string> = {
  host: 'STANDIN_HOST',
  port: 'STANDIN_PORT',
  model: 'STANDIN_MODEL',
  loadMs: 'STANDIN_LOAD_MS',
  tokenMs: 'STANDIN_TOKEN_MS',
  maxRunning: 'STANDIN_MAX_RUNNING',
}

function integer(option: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidStandinOptionError(option, raw)
  }
  return value
}

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  model: { type: 'string' },
  'load-ms': { type: 'string' },
  'token-ms': { type: 'string' },
  'max-running': { type: 'string' },
} as const

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: FLAGS }).values
  } catch (error) {
    throw new InvalidStandinArgumentsError((error as Error).message)
  }
}

/** Flags win over environment variables, which win over defaults. */
export function parseStandinOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): StandinOptions {
  const values = parseFlags(argv)
  const pick = (flag: string | undefined, key: keyof StandinOptions): string | undefined => flag ?? env[ENV[key]]
  const host = pick(values.host, 'host') ?? STANDIN_DEFAULTS.host
  const model = pick(values.model, 'model') ?? STANDIN_DEFAULTS.model
  if (host.trim() === '') throw new InvalidStandinOptionError('host', host)
  if (model.trim() === '') throw new InvalidStandinOptionError('model', model)
  const port = pick(values.port, 'port')
  const loadMs = pick(values['load-ms'], 'loadMs')
  const tokenMs = pick(values['token-ms'], 'tokenMs')
  const maxRunning = pick(values['max-running'], 'maxRunning')
  return {
    host,
    model,
    port: port === undefined ? STANDIN_DEFAULTS.port : integer('port', port, 0, 65_535),
    loadMs: loadMs === undefined ? STANDIN_DEFAULTS.loadMs : integer('load-ms', loadMs, 0),
    tokenMs: tokenMs === undefined ? STANDIN_DEFAULTS.tokenMs : integer('token-ms', tokenMs, 0),
    maxRunning: maxRunning === undefined ? STANDIN_DEFAULTS.maxRunning : integer('max-running', maxRunning, 1),
  }
}

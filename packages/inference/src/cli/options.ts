import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ENGINE_DEFAULTS, type GpuChoice } from '../constants.js'
import { InvalidEngineArgumentsError, InvalidEngineOptionError, InvalidSha256Error } from '../errors.js'
import { parseSha256 } from '../weights/hash.js'

export interface EngineOptions {
  /** The GGUF file. */
  model: string
  /** What the file must hash to; checked before anything starts. */
  sha256: string
  host: string
  /** 0 picks an ephemeral port (the `listening` event says which). */
  port: number
  /** The `model` clients send; default the file's name. */
  servedModelName: string
  contextSize: number
  parallel: number
  /** Undefined: one less than llama.cpp's count of cores useful for math (at least 1). */
  threads: number | undefined
  gpu: GpuChoice
}

/** The `synkti-engine` executable (run it with `process.execPath`), for a node that spawns it. */
export const ENGINE_BIN = fileURLToPath(new URL('../../bin/synkti-engine.js', import.meta.url))

export const USAGE = `usage: synkti-engine --model <file.gguf> --sha256 <hex> [--port 8000] [--host 127.0.0.1]
       [--served-model-name <name>] [--ctx-size 2048] [--parallel 1] [--threads N] [--gpu auto|cuda|vulkan|cpu]`

const FLAGS = {
  model: { type: 'string' },
  sha256: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'served-model-name': { type: 'string' },
  'ctx-size': { type: 'string' },
  parallel: { type: 'string' },
  threads: { type: 'string' },
  gpu: { type: 'string' },
} as const

const GPUS: readonly GpuChoice[] = ['auto', 'cuda', 'vulkan', 'cpu']

function integer(option: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidEngineOptionError(option, raw)
  }
  return value
}

/** Flags only (the node passes everything explicitly); bad input is a named error, exit 2. */
export function parseEngineOptions(argv: readonly string[]): EngineOptions {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: false; strict: true }>>['values']
  try {
    values = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: FLAGS }).values
  } catch (error) {
    throw new InvalidEngineArgumentsError(`${(error as Error).message}\n${USAGE}`)
  }
  if (values.model === undefined || values.model.trim() === '') {
    throw new InvalidEngineArgumentsError(`--model is required\n${USAGE}`)
  }
  if (values.sha256 === undefined) throw new InvalidEngineArgumentsError(`--sha256 is required\n${USAGE}`)
  let sha256: string
  try {
    sha256 = parseSha256(values.sha256)
  } catch (error) {
    if (error instanceof InvalidSha256Error) throw new InvalidEngineOptionError('sha256', values.sha256)
    throw error
  }
  const host = values.host ?? ENGINE_DEFAULTS.host
  if (host.trim() === '') throw new InvalidEngineOptionError('host', host)
  const gpu = values.gpu ?? ENGINE_DEFAULTS.gpu
  if (!GPUS.includes(gpu as GpuChoice)) throw new InvalidEngineOptionError('gpu', gpu)
  const served = values['served-model-name'] ?? basename(values.model).replace(/\.gguf$/i, '')
  if (served.trim() === '') throw new InvalidEngineOptionError('served-model-name', served)
  return {
    model: values.model,
    sha256,
    host,
    port: values.port === undefined ? ENGINE_DEFAULTS.port : integer('port', values.port, 0, 65_535),
    servedModelName: served,
    contextSize:
      values['ctx-size'] === undefined ? ENGINE_DEFAULTS.contextSize : integer('ctx-size', values['ctx-size'], 16),
    parallel: values.parallel === undefined ? ENGINE_DEFAULTS.parallel : integer('parallel', values.parallel, 1, 256),
    threads: values.threads === undefined ? undefined : integer('threads', values.threads, 1, 1024),
    gpu: gpu as GpuChoice,
  }
}

/** The argv that `parseEngineOptions` turns back into `options` (unset fields keep their defaults). */
export function engineArgs(options: Pick<EngineOptions, 'model' | 'sha256'> & Partial<EngineOptions>): string[] {
  const args = ['--model', options.model, '--sha256', options.sha256]
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) args.push(`--${flag}`, String(value))
  }
  add('host', options.host)
  add('port', options.port)
  add('served-model-name', options.servedModelName)
  add('ctx-size', options.contextSize)
  add('parallel', options.parallel)
  add('threads', options.threads)
  add('gpu', options.gpu)
  return args
}

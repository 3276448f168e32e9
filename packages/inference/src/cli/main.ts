import { LlamaEngine } from '../engine/engine.js'
import { buildEngineApp, listenEngineApp } from '../server/app.js'
import { verifyFile } from '../weights/hash.js'
import { parseEngineOptions } from './options.js'

/**
 * `synkti-engine`: checks the weights' hash, listens (health 503 while loading), loads the model,
 * serves until SIGTERM/SIGINT, then stops accepting, lets in-flight requests finish and exits 0.
 * Events go to stdout as one JSON object per line; errors to stderr as `Name: message`.
 *
 * Exit codes: 2 bad arguments, 3 the weights were refused (missing file, wrong hash: nothing was
 * started), 4 the model did not load, 1 anything else.
 */

const EXIT: Record<string, number> = {
  InvalidEngineArgumentsError: 2,
  InvalidEngineOptionError: 2,
  ModelFileNotFoundError: 3,
  WeightsHashMismatchError: 3,
  ModelLoadError: 4,
}

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

function fail(error: unknown): never {
  const name = error instanceof Error ? error.name : 'Error'
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`)
  process.exit(EXIT[name] ?? 1)
}

try {
  const options = parseEngineOptions(process.argv.slice(2))
  const hashStarted = performance.now()
  const digest = await verifyFile(options.model, options.sha256)
  emit({
    event: 'verified',
    sha256: digest.sha256,
    bytes: digest.bytes,
    ms: Math.round(performance.now() - hashStarted),
  })
  const loading = LlamaEngine.load({
    modelPath: options.model,
    contextSize: options.contextSize,
    parallel: options.parallel,
    gpu: options.gpu,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  })
  const engineApp = await listenEngineApp(
    buildEngineApp({ servedModelName: options.servedModelName, sha256: digest.sha256, engine: loading }),
    options.host,
    options.port,
  )
  emit({ event: 'listening', url: engineApp.url, model: options.servedModelName })
  let closing = false
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return
    closing = true
    emit({ event: 'draining', signal })
    engineApp.app.close().then(
      () => {
        emit({ event: 'stopped' })
        process.exit(0)
      },
      (error: unknown) => fail(error),
    )
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  const engine = await loading.catch((error: unknown) => fail(error))
  emit({
    event: 'loaded',
    model: options.servedModelName,
    backend: engine.backend,
    threads: engine.threads,
    contextSize: engine.contextSize,
    loadMs: engine.loadMs,
  })
} catch (error) {
  fail(error)
}

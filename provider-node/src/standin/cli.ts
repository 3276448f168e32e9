import { parseStandinOptions } from './options.js'
import { startStandin } from './server.js'

/**
 * `standin-inference`: runs the stand-in until SIGTERM/SIGINT, then stops accepting, lets
 * in-flight requests finish and exits 0. Events go to stdout as one JSON object per line.
 */

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

try {
  const options = parseStandinOptions(process.argv.slice(2), process.env)
  const standin = await startStandin(options)
  emit({ event: 'listening', url: standin.url, model: options.model })
  const loaded = setTimeout(() => emit({ event: 'loaded', model: options.model }), options.loadMs)
  let closing = false
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return
    closing = true
    clearTimeout(loaded)
    emit({ event: 'draining', signal })
    standin.app.close().then(
      () => {
        emit({ event: 'stopped' })
        process.exit(0)
      },
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
} catch (error) {
  process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`)
  process.exit(2)
}

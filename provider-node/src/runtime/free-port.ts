import { createServer } from 'node:net'

/**
 * A port that was free a moment ago on `host`, for a child that must be told its port before
 * it starts (vLLM's `--port`). Another process could take it in between; callers retry on
 * JobExitedEarlyError if that matters.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no TCP port assigned'))))
    })
  })
}

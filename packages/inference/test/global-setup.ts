import type { TestProject } from 'vitest/node'
import { findTool, freePort, startTool } from './support/tools.js'

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string
  }
}

/** One moto server (its S3) for the run; tests isolate by bucket name. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort()
  const moto = await startTool(findTool('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], port, {
    readyPath: '/moto-api/',
  })
  project.provide('motoUrl', moto.url)
  return () => moto.stop()
}

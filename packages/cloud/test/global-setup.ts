import type { TestProject } from 'vitest/node'
import { findTool, freePort, startTool } from './support/tools.js'

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string
  }
}

/** One moto server for the whole run; tests isolate by cluster name, never by resetting moto. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bin = findTool('moto_server')
  const port = await freePort()
  const moto = await startTool(bin, ['-H', '127.0.0.1', '-p', String(port)], port, {
    readyPath: '/moto-api/',
    env: {
      // Reject what real EC2 rejects: unknown AMIs and instance types.
      MOTO_ENABLE_AMI_VALIDATION: 'true',
      MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
    },
  })
  project.provide('motoUrl', moto.url)
  return () => moto.stop()
}

import { existsSync } from 'node:fs'
import { FETCH_MODEL_COMMAND, SMOLLM2 } from '../../src/constants.js'
import { ModelCache } from '../../src/weights/cache.js'

// moto_server and the rest are found and started as the cloud package's tests do it
export { findTool, freePort, type RunningTool, startTool } from '../../../cloud/test/support/tools.js'

/**
 * The real model in the default cache. Absent, the test fails (never skips) and says how to
 * fetch it.
 */
export function smollm2Path(): string {
  const path = new ModelCache().pathOf(SMOLLM2.sha256)
  if (!existsSync(path)) {
    throw new Error(`SmolLM2-135M-Instruct is not in the model cache (${path}). Fix: ${FETCH_MODEL_COMMAND}`)
  }
  return path
}

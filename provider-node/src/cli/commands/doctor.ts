import { readFile } from 'node:fs/promises'
import { parseJobSpec } from '@synkti/jobs'
import { MarketClient } from '@synkti/market'
import { totalVramGb } from '@synkti/planner'
import { preflightNeeds } from '../../node/admission-service.js'
import type { NodeConfig } from '../../node/config.js'
import { preflightEnv } from '../../node/preflight-env.js'
import {
  formatDoctor,
  type PreflightNeeds,
  type PreflightReport,
  parseOperation,
  runPreflight,
} from '../../preflight/index.js'

/**
 * The Banker's check without starting anything. A lease operation is checked for the job of
 * `specPath` (a job spec file, as the consumer submits it) exactly as the node checks it before
 * accepting; without one, for a job that needs this node's whole declared capability (the
 * largest it could accept) and no weights: the report says that no job was checked.
 */
export async function doctor(
  config: NodeConfig,
  operation: string,
  specPath?: string,
): Promise<{ report: PreflightReport; text: string }> {
  const op = parseOperation(operation)
  const env = preflightEnv(config, new MarketClient({ rpcUrl: config.rpcUrl }))
  const report = await runPreflight(op, env, op === 'start' ? undefined : await needsOf(config, specPath))
  return { report, text: formatDoctor(report) }
}

async function needsOf(config: NodeConfig, specPath: string | undefined): Promise<PreflightNeeds> {
  if (specPath !== undefined) {
    const spec = parseJobSpec(await readFile(specPath, 'utf8'))
    return { ...preflightNeeds(spec), job: spec.name }
  }
  const { capability } = config
  return {
    requirement: {
      vramGb: totalVramGb(capability),
      gpus: capability.gpu.count,
      spotAllowed: capability.spot,
      runtime: capability.runtimes[0] ?? 'process',
      model: { name: '', sizeGb: 0 },
    },
    job: null,
  }
}

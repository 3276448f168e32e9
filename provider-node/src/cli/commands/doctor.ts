import { MarketClient } from '@synkti/market'
import { totalVramGb } from '@synkti/planner'
import type { NodeConfig } from '../../node/config.js'
import { preflightEnv } from '../../node/preflight-env.js'
import { formatDoctor, type PreflightReport, parseOperation, runPreflight } from '../../preflight/index.js'

/**
 * The Banker's check without starting anything. Operations other than `start` are checked
 * for a job that needs this node's whole declared capability (the largest it could accept).
 */
export async function doctor(
  config: NodeConfig,
  operation: string,
): Promise<{ report: PreflightReport; text: string }> {
  const op = parseOperation(operation)
  const env = preflightEnv(config, new MarketClient({ rpcUrl: config.rpcUrl }))
  const { capability } = config
  const needs =
    op === 'start'
      ? undefined
      : {
          requirement: {
            vramGb: totalVramGb(capability),
            gpus: capability.gpu.count,
            spotAllowed: capability.spot,
            runtime: capability.runtimes[0] ?? 'process',
            model: { name: capability.cachedModels[0] ?? 'none', sizeGb: 0 },
          },
        }
  const report = await runPreflight(op, env, needs)
  return { report, text: formatDoctor(report) }
}

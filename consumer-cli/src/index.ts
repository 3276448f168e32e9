/**
 * @packageDocumentation
 * The consumer CLI `synkti`: find verified providers (DHT records joined with on-chain state),
 * run a job from a YAML spec on an escrowed lease, follow it by asking its provider, top up,
 * stop, dispute, and a preflight `doctor`. Solana CLI conventions (`-u`, `-k`, `--json`).
 *
 * @example
 * ```ts
 * import { main } from '@synkti/consumer-cli'
 *
 * const code = await main(['node', 'synkti', 'job', 'run', 'llm.yaml', '--wait', '--json'])
 * ```
 */

export { describeError, type ErrorReport } from './classify.js'
export { type CommandName, type CommandOptions, createProgram, type Invoke, main } from './cli.js'
export { type Config, type GlobalFlags, resolveCluster, resolveConfig, resolveKeypairPath } from './config.js'
export * from './constants.js'
export { createDeps, type Deps } from './context.js'
export * from './errors.js'
export { type Io, processIo } from './io.js'
export { type CommandResult, type Outcome, renderJson, renderText } from './output.js'

import { fileURLToPath } from 'node:url'

/** The repository root and the binaries the harness runs (as a user would, through node). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url))
export const PROVIDER_BIN = fileURLToPath(new URL('../../../provider-node/bin/synkti-provider.js', import.meta.url))
export const SYNKTI_BIN = fileURLToPath(new URL('../../../consumer-cli/bin/synkti.js', import.meta.url))
export const STANDIN_BIN = fileURLToPath(new URL('../../../provider-node/bin/standin-inference.js', import.meta.url))
export const NODE = process.execPath

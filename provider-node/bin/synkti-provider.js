#!/usr/bin/env node
import { register } from 'tsx/esm/api'

// The AWS SDK warns on every call that Node 20 leaves its support window in 2026; the node says
// what it needs in its README, not on every fleet command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= '1'

register()
const { main } = await import('../src/cli/main.ts')
await main()

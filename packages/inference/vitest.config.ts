import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'inference',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Real model, real processes: loading takes seconds on a busy 2-core machine, and two test
    // files decoding at once would only slow each other down.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'cloud',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The AWS SDK's default chain would otherwise ask the real IMDS (169.254.169.254) for a role.
    env: { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'localnet',
    include: ['test/**/*.test.ts'],
    // Builds the binary if needed (seconds when cached) and starts one localnet for the run.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})

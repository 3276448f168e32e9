import { defineConfig } from 'vitest/config'

// Chain tests share one localnet per run (test/global-setup.ts), each with fresh keypairs.
export default defineConfig({
  test: {
    name: 'consumer-cli',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
})

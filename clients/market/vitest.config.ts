import { defineConfig } from 'vitest/config'

// One localnet per run (test/global-setup.ts); chain tests share it, each with fresh keypairs.
export default defineConfig({
  test: {
    name: 'market',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})

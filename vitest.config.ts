import { defineConfig } from 'vitest/config'

// Each workspace package owns its vitest.config.ts (timeouts, global setup such as localnet);
// this file only lists them so that one `vitest run` covers the whole repository.
export default defineConfig({
  test: {
    projects: [
      'clients/*/vitest.config.ts',
      'packages/*/vitest.config.ts',
      'provider-node/vitest.config.ts',
      'consumer-cli/vitest.config.ts',
      'tests/vitest.config.ts',
    ],
  },
})

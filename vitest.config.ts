import { defineConfig } from 'vitest/config'

// Each workspace package owns its vitest.config.ts (timeouts, global setup such as localnet);
// this file only lists them so that one `vitest run` covers the whole repository. Globs, so a
// package added later is picked up and one not yet written is no error.
export default defineConfig({
  test: {
    projects: ['clients/*/vitest.config.ts', 'packages/*/vitest.config.ts', '*/vitest.config.ts'],
  },
})

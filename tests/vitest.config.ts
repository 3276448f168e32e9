import { defineConfig } from 'vitest/config'

// End-to-end runs: real processes (localnet, provider nodes, the synkti CLI) on loopback. Each
// file assembles its own cast; files run one after another, as two casts at once would fight
// for the machine's cores and make the waits meaningless.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['e2e/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
})

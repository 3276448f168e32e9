import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { name: 'provider-node', include: ['test/**/*.test.ts'], testTimeout: 15_000 } })

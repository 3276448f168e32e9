import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { name: 'prognostics', include: ['test/**/*.test.ts'] } })

import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { name: 'vocabulary', include: ['test/**/*.test.ts'] } })

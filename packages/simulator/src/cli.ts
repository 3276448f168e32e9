import { createProgram } from './cli/index.js'

const program = createProgram()
try {
  await program.parseAsync(process.argv)
} catch (err) {
  // Named errors (bad trace rows, bad scenario) print their name and message, no stack.
  const e = err instanceof Error ? err : new Error(String(err))
  program.error(`${e.name}: ${e.message}`, { exitCode: 2 })
}

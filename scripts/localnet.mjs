#!/usr/bin/env node
// `npm run localnet [-- --port N] [-- --reset]`: builds synkti-localnet if needed (through
// scripts/cargo), then runs it in the foreground with the ledger in .localnet/ at the repo root.
// Every other argument is passed to the binary (see `synkti-localnet --help`).
//
// `npm run localnet -- faucet --to <address|keypair file> [--sol N] [--payment N] [--stake N]`:
// SOL and tokens of a market's test mints from the chain that runs (localnet/src/ts/faucet.ts).
import { spawn } from 'node:child_process'
import { register } from 'tsx/esm/api'

register()
const args = process.argv.slice(2)

if (args[0] === 'faucet') {
  const { faucetCli } = await import('../localnet/src/ts/faucet-cli.ts')
  process.exitCode = await faucetCli(args.slice(1))
} else {
  const { buildLocalnet, DEFAULT_LEDGER_DIR } = await import('../localnet/src/ts/index.ts')
  if (!args.includes('--ledger')) args.push('--ledger', DEFAULT_LEDGER_DIR)

  console.log(
    'synkti-localnet: building if needed (scripts/cargo build -p synkti-localnet).\n' +
      '  The first build on a fresh machine compiles the Solana crates: about 20 minutes. Later builds take seconds.',
  )
  let binary
  try {
    binary = await buildLocalnet({ stdio: 'inherit' })
  } catch (err) {
    console.error(`synkti-localnet: ${err.message}`)
    process.exit(1)
  }

  const child = spawn(binary, args, { stdio: 'inherit' })
  // The binary shuts down cleanly on SIGINT/SIGTERM; pass them on and exit with it.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)))
}

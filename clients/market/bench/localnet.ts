/**
 * `npm run bench:localnet [-- --lifecycles N]`: N lease life-cycles (open, accept, 10
 * attestations on the consumer's signed receipts, close, finalize after the dispute window)
 * through the client on a localnet of its own. Prints one line:
 *
 *   localnet lifecycles=N tx=M tx_per_s=X p50_confirm_ms=Y fee_rent_share=Z
 *
 * Z = (signature fees paid by consumer and operator + rent not returned) of one life-cycle, as a
 * fraction of a 1-hour lease at 1 token/hour (1 token = 10^decimals base units), valuing the
 * payment token at 1 SOL (the chain has no price feed). Set-up transactions are not counted.
 * Each attestation carries an Ed25519 instruction, whose signature is charged like one more.
 */
import { parseArgs } from 'node:util'
import { LAMPORTS_PER_SOL } from '@solana/web3.js'
import { MarketClient } from '../src/index.js'
import { startLocalnet } from '../test/support/localnet.js'
import { Parties, warpClock } from '../test/support/parties.js'

const ATTESTATIONS = 10

function wsOf(rpcUrl: string): string {
  const url = new URL(rpcUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.port = String(Number(url.port || 80) + 1)
  return url.toString()
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { lifecycles: { type: 'string', default: '25' } } })
  const lifecycles = Number(values.lifecycles)
  if (!Number.isInteger(lifecycles) || lifecycles < 1) throw new RangeError('--lifecycles must be a positive integer')

  // SYNKTI_RPC_URL: an already running localnet (it must answer synkti_warpClock).
  const external = process.env.SYNKTI_RPC_URL
  const net = external
    ? { rpcUrl: external, wsUrl: process.env.SYNKTI_WS_URL ?? wsOf(external), stop: async () => {} }
    : await startLocalnet()
  try {
    const confirms: number[] = []
    let counting = false
    const client = new MarketClient({
      rpcUrl: net.rpcUrl,
      wsUrl: net.wsUrl,
      onConfirmed: ({ confirmMs }) => {
        if (counting) confirms.push(confirmMs)
      },
    })
    const parties = new Parties(client)
    const m = await parties.market()
    const p = await parties.provider(m, 1_000n, 1_000_000n)
    const c = await parties.consumer(m, 10n ** 12n)
    const lamports = () =>
      Promise.all([c.kp, p.operator].map((k) => client.connection.getBalance(k.publicKey))).then(
        ([a, b]) => (a ?? 0) + (b ?? 0),
      )

    counting = true
    const lamportsBefore = await lamports()
    const started = performance.now()
    let tx = 0
    let firstCycleCost = 0
    for (let i = 1; i <= lifecycles; i++) {
      const cycleStart = i === 1 ? lamportsBefore : 0
      // The escrow must cover one attestation gap (600 s) at the price.
      const { lease, acceptedAt } = await parties.activeLease(c, p, 1_000_000n)
      tx += 2
      for (let k = 1; k <= ATTESTATIONS; k++) {
        await warpClock(net.rpcUrl, 6)
        const until = acceptedAt + 6 * k
        // The consumer's gateway signs what it was served; the node attests with it (paid at once).
        const receipt = parties.receipt(c.kp, lease, p, acceptedAt + 6 * (k - 1), until)
        await client.attestUsage({ operator: p.operator, lease, until, receipt })
        tx++
      }
      await client.closeLease({ signer: c.kp, lease })
      // The record stays for the dispute window; finalizing returns the rent to the consumer.
      await warpClock(net.rpcUrl, m.params.disputeWindowSecs + 1)
      await client.finalizeLease({ caller: c.kp, lease })
      tx += 2
      if (i === 1) firstCycleCost = cycleStart - (await lamports())
    }
    const elapsed = (performance.now() - started) / 1_000
    counting = false
    // One hour at 1 token/hour is one token; valued at 1 SOL.
    const share = firstCycleCost / LAMPORTS_PER_SOL
    console.log(
      `localnet lifecycles=${lifecycles} tx=${tx} tx_per_s=${(tx / elapsed).toFixed(1)} ` +
        `p50_confirm_ms=${median(confirms).toFixed(1)} fee_rent_share=${share.toPrecision(3)}`,
    )
    console.error(
      `  one life-cycle costs ${firstCycleCost} lamports ((${tx / lifecycles} transaction + ${ATTESTATIONS} receipt ` +
        `signatures) × fee + unrefunded rent); ` +
        `${confirms.length} confirmations timed`,
    )
  } finally {
    await net.stop()
  }
}

main()
  .catch((err: unknown) => {
    const e = err as Error & { remedy?: string }
    console.error(`${e.name}: ${e.message}${e.remedy ? `\n  remedy: ${e.remedy}` : ''}`)
    process.exitCode = 1
  })
  // web3.js keeps reconnecting its pub-sub socket to the stopped chain; nothing else is pending.
  .finally(() => process.exit())

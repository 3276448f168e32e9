/**
 * `npm run demo`: the whole Synkti story on this machine, in one command, on loopback only, on a
 * real model: SmolLM2-135M-Instruct (consumer-cli/examples/smollm2.yaml, llama.cpp through
 * synkti-engine on the CPU), its weights fetched by sha256 from moto's S3 by whichever provider
 * runs it. A fixed prompt at temperature 0 is asked through the consumer's gateway before and after
 * the failover; the demo fails unless the answers are identical.
 * See tests/e2e/harness/story.ts for the cast; this file tells the story and prints the summary.
 */
import { PublicKey } from '@solana/web3.js'
import { SMOLLM2 } from '@synkti/inference/spawn'
import { LeaseNotServableError } from '../provider-node/src/node/errors.js'
import { type NodeLine, nodeEvent } from '../tests/e2e/harness/processes.js'
import type { RunningProvider } from '../tests/e2e/harness/provider.js'
import {
  assemble,
  balances,
  type Cast,
  DEPOSIT,
  load,
  preempt,
  synkti,
  total,
  WEIGHTS_FROM,
  waitUntil,
} from '../tests/e2e/harness/story.js'

const SPEC = 'consumer-cli/examples/smollm2.yaml'
const MODEL = SMOLLM2.name
/** Requests per second through the gateway: two CPU cores decode SmolLM2 one request at a time. */
const RATE = 1
/** The fixed prompt, at temperature 0: its answer must not change when the job moves. */
const PROMPT = 'The capital of France is'

const t0 = Date.now()
let stepNo = 0
function step(text: string): void {
  stepNo++
  console.log(`\n[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${stepNo}. ${text}`)
}
const progress = (line: string) => console.log(`          ${line}`)
const fmt = (n: bigint) => n.toLocaleString('en-US')

/** The serving node's first attestation of `lease` that the consumer's receipt backs. */
function attestedOnReceipt(provider: RunningProvider, lease: string): Promise<NodeLine<'settlement-attested'>> {
  return provider.proc.waitFor(
    `an attestation of ${lease} backed by the gateway's receipt`,
    nodeEvent('settlement-attested', (l) => l.lease === lease && l.verified),
    90_000,
  )
}

/** The fixed prompt's completion at temperature 0, through the gateway at `url`. */
async function ask(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, prompt: PROMPT, temperature: 0, max_tokens: 24 }),
    signal: AbortSignal.timeout(90_000),
  })
  if (response.status !== 200) throw new Error(`the fixed prompt: HTTP ${response.status}: ${await response.text()}`)
  const body = (await response.json()) as { choices: { text?: string }[] }
  return body.choices[0]?.text ?? ''
}

/** The `engine-loaded` line of `lease` on `provider`: where its weights came from and how long the load took. */
function engineLoaded(provider: RunningProvider, lease: string): Promise<NodeLine<'engine-loaded'>> {
  return provider.proc.waitFor(
    `the engine loaded for ${lease}`,
    nodeEvent('engine-loaded', (e) => e.lease === lease),
    60_000,
  )
}

let cast: Cast | undefined
let stopping = false
async function cleanup(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    console.log('\nstopping every process and removing temporary files …')
    await cast?.stop()
  }
  process.exit(code)
}
process.once('SIGINT', () => void cleanup(130))
process.once('SIGTERM', () => void cleanup(143))

async function main(): Promise<void> {
  step(`Assemble: localnet, a market, three providers on "three clouds", ${MODEL}'s weights in S3, a consumer`)
  cast = await assemble(progress, { weights: 's3', startTimeoutMs: 120_000 })
  const c = cast

  step('The consumer looks for providers over the DHT (synkti providers)')
  const found = await waitUntil(
    'three verified providers',
    async () => {
      const r = await synkti(c, ['providers', '--gpu', 'L4'])
      const list = r.providers as { operator: string; pricePerSecond: string; region: string }[]
      return list.length >= 2 ? r : null
    },
    60_000,
  )
  type Offer = {
    operator: string
    capability: { cloud: string; region: string; spot: boolean; gpu: { model: string } }
    pricePerSecond: string
    staked: string
    reputation: { leasesCompleted: string; disputesLost: string }
  }
  for (const p of found.providers as Offer[]) {
    const { cloud, region, spot, gpu } = p.capability
    progress(
      `${p.operator.slice(0, 8)}…  ${cloud.padEnd(8)} ${region.padEnd(11)} ${gpu.model} ${spot ? 'spot     ' : 'on-demand'}  ${p.pricePerSecond}/s  stake ${p.staked}  completed ${p.reputation.leasesCompleted}, disputes lost ${p.reputation.disputesLost}`,
    )
  }

  const spot = c.providers[0]
  if (spot === undefined) throw new Error('no spot provider')
  step(`Open a lease on ${spot.spec.name} and run the job (synkti job run ${SPEC} --wait)`)
  const before = await balances(c)
  const run = await synkti(
    c,
    ['job', 'run', SPEC, '--provider', spot.provider.toBase58(), '--deposit', String(DEPOSIT), '--wait'],
    240_000,
  )
  const lease = String(run.lease)
  progress(`lease ${lease}: ${run.state} at ${run.endpoint}`)
  const loaded = await engineLoaded(spot, lease)
  progress(
    `${spot.spec.name} fetched the weights from ${loaded.weightsFrom} in ${loaded.weightsMs} ms (sha256 checked) and ${loaded.engine} (${loaded.backend}) loaded them in ${loaded.loadMs} ms`,
  )

  step(`Load: ${RATE} request/s of ${MODEL} through the consumer's gateway (synkti gateway ${lease.slice(0, 8)}…)`)
  const generator = load(c, lease, RATE, MODEL)
  const gatewayUrl = await generator.gateway.url
  progress(`one URL for the application: ${gatewayUrl} (it follows chain → provider → operator → signed status)`)
  const answerBefore = await ask(gatewayUrl)
  const servedBefore = generator.gateway.endpoint()
  progress(`"${PROMPT}" at temperature 0 → ${JSON.stringify(answerBefore)} (served by ${servedBefore})`)
  const paidOnReceipt = await attestedOnReceipt(spot, lease)
  const early = generator.gateway.receipted()
  progress(
    `${generator.stats.succeeded}/${generator.stats.sent} answered so far; the gateway signed ${early.receipts} receipt(s) for ${early.seconds} s it was served`,
  )
  progress(
    `${spot.spec.name} attested ${String(paidOnReceipt.seconds)} s with the consumer's receipt: paid at once, not held back`,
  )

  step(`Spot interruption: AWS (amazon-ec2-metadata-mock) posts a notice to ${spot.spec.name}`)
  const failover = await preempt(c, progress)
  for (const p of failover.phases) progress(`${p.phase.padEnd(12)} ${String(p.ms).padStart(6)} ms`)
  progress(`outcome ${failover.outcome}: ${failover.from} → ${failover.to}`)
  const onChain = await c.world.client.fetchLease(new PublicKey(lease))
  const taker = c.providers.find((p) => p.provider.equals(onChain.provider))
  progress(
    `on chain: the lease now pays ${taker?.spec.name ?? onChain.provider.toBase58()} (migrations: ${onChain.migrationCount})`,
  )
  await waitUntil(
    'the gateway to forward to the new machine',
    async () => (generator.stats.endpoints.length >= 2 ? true : null),
    30_000,
  )
  const takerLoaded = taker === undefined ? undefined : await engineLoaded(taker, lease)
  if (taker !== undefined && takerLoaded !== undefined) {
    progress(
      `${taker.spec.name} fetched the weights from ${takerLoaded.weightsFrom} in ${takerLoaded.weightsMs} ms and loaded them in ${takerLoaded.loadMs} ms`,
    )
  }
  const answerAfter = await waitUntil(
    'the fixed prompt answered by the new machine',
    async () => {
      const endpoint = generator.gateway.endpoint()
      return endpoint !== null && endpoint !== servedBefore ? ask(gatewayUrl) : null
    },
    90_000,
  )
  const identical = answerAfter === answerBefore
  progress(
    `"${PROMPT}" at temperature 0 → ${JSON.stringify(answerAfter)} (served by ${generator.gateway.endpoint()}): ${identical ? 'identical' : 'DIFFERENT'}`,
  )
  if (taker !== undefined) {
    const paid = await attestedOnReceipt(taker, lease)
    progress(`${taker.spec.name} attested ${String(paid.seconds)} s with the consumer's receipt`)
  }
  const stats = await generator.stop()
  const receipted = generator.gateway.receipted()

  step('The consumer closes the lease (synkti job stop): final settlement and refund')
  const duringLease = await balances(c, new PublicKey(lease))
  const stop = await synkti(c, ['job', 'stop', lease])
  progress(
    `closed: ${stop.outcome}; final ${stop.payout} + fee ${stop.fee} held for the dispute window, refund ${stop.refund}`,
  )
  const after = await balances(c)

  /** where the replacement's weights came from, in the demo's words: S3, or a provider by name */
  const weightsFromLabel = (from: string | undefined): string => {
    if (from === WEIGHTS_FROM) return 'from S3'
    const peer = c.providers.find((p) => from === `peer:${p.operator.publicKey.toBase58()}`)
    return peer === undefined ? `from ${from ?? '?'}` : `from ${peer.spec.name} over P2P`
  }
  step('Summary')
  console.log('\n  Failover (notice → replacement healthy)')
  for (const p of failover.phases) console.log(`    ${p.phase.padEnd(12)} ${String(p.ms).padStart(6)} ms`)
  console.log(
    `    total        ${String(failover.noticeToHealthyMs).padStart(6)} ms  (the replacement's own start: ${failover.replacementStartMs} ms, of which weights ${weightsFromLabel(takerLoaded?.weightsFrom)} ${takerLoaded?.weightsMs ?? '?'} ms, engine load ${takerLoaded?.loadMs ?? '?'} ms)`,
  )
  console.log(`\n  The fixed prompt at temperature 0 ("${PROMPT}", ${MODEL})`)
  console.log(`    before the failover  ${JSON.stringify(answerBefore)}`)
  console.log(`    after the failover   ${JSON.stringify(answerAfter)}`)
  console.log(`    → ${identical ? 'identical' : 'DIFFERENT'}`)
  console.log('\n  Requests')
  console.log(
    `    sent ${stats.sent} through the gateway, succeeded ${stats.succeeded}, failed ${stats.failed}, retried by the application ${stats.retried}`,
  )
  console.log(
    `    receipts: ${receipted.receipts} signed by the consumer's gateway and kept by the serving node, for ${receipted.seconds} s of service`,
  )
  console.log('\n  Token balances (payment mint, base units)      before        after')
  console.log(
    `    consumer                              ${fmt(before.consumer).padStart(12)} ${fmt(after.consumer).padStart(12)}`,
  )
  for (const p of c.providers) {
    console.log(
      `    ${`${p.spec.name} (payout + held)`.padEnd(38)}${fmt(before.providers[p.spec.name] ?? 0n).padStart(12)} ${fmt(after.providers[p.spec.name] ?? 0n).padStart(12)}`,
    )
  }
  console.log(
    `    protocol fee vault                    ${fmt(before.feeVault).padStart(12)} ${fmt(after.feeVault).padStart(12)}`,
  )
  console.log(
    `    lease escrow (while open)             ${fmt(duringLease.escrow).padStart(12)} ${'closed'.padStart(12)}`,
  )
  console.log('\n  Reputation (on chain)')
  for (const p of c.providers) {
    const r = (await c.world.client.fetchProvider(p.provider)).reputation
    console.log(
      `    ${p.spec.name.padEnd(10)} completed ${r.leasesCompleted}, handed off ${r.failoversHandedOff}, taken ${r.failoversTaken}, seconds served ${r.secondsSelfAttested} self-attested + ${r.secondsVerified} on receipts, earned ${r.earned}`,
    )
  }
  const conserved = total(before) === total(after)
  console.log(
    `\n  Conservation: ${fmt(total(before))} before = ${fmt(total(after))} after → ${conserved ? 'OK' : 'VIOLATED'}`,
  )
  if (!conserved) throw new Error('funds not conserved')
  if (!identical) throw new Error('the fixed prompt got a different answer after the failover')
  if (loaded.weightsFrom !== WEIGHTS_FROM) throw new Error(`the weights came from ${loaded.weightsFrom}`)
  if (failover.outcome !== 'restored') throw new LeaseNotServableError(lease, `failover ${failover.outcome}`)
  if (stats.failed > 0) throw new Error(`${stats.failed} requests failed through the gateway`)
  const verified = await Promise.all(
    c.providers.map(async (p) => (await c.world.client.fetchProvider(p.provider)).reputation.secondsVerified),
  )
  if (verified.reduce((a, s) => a + s, 0n) === 0n) throw new Error('no second was paid on a receipt')
}

main().then(
  () => {
    console.log(`\ndemo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    return cleanup(0)
  },
  (err: Error) => {
    console.error(`\ndemo failed: ${err.name}: ${err.message}`)
    for (const p of cast?.providers ?? []) {
      console.error(`\n--- last lines of ${p.spec.name} ---\n${p.proc.text.slice(-12).join('\n')}`)
    }
    return cleanup(1)
  },
)

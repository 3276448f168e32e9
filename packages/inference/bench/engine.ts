/**
 * The engine on this machine with the real model: hash time, load time (llama.cpp + weights +
 * context), prompt and decode speed at temperature 0, with 1 thread (the default on 2 cores) and
 * with a thread per core (llama.cpp's own default). One line, as the other benches print.
 *
 *   npx tsx packages/inference/bench/engine.ts
 */
import { availableParallelism, loadavg } from 'node:os'
import { FETCH_MODEL_COMMAND, SMOLLM2 } from '../src/constants.js'
import { LlamaEngine } from '../src/engine/engine.js'
import { ModelCache } from '../src/weights/cache.js'
import { verifyFile } from '../src/weights/hash.js'

const path = new ModelCache().pathOf(SMOLLM2.sha256)
const hashStarted = performance.now()
await verifyFile(path, SMOLLM2.sha256).catch((error: Error) => {
  console.error(`${error.name}: ${error.message}\nFix: ${FETCH_MODEL_COMMAND}`)
  process.exit(1)
})
const hashMs = performance.now() - hashStarted

const DECODE = 128
const LONG_PROMPT = 'The history of the sea is long. '.repeat(48)

async function measure(threads: number) {
  const engine = await LlamaEngine.load({ modelPath: path, gpu: 'cpu', threads })
  try {
    await engine.complete('Hello', { maxTokens: 4, temperature: 0 })
    let started = performance.now()
    const decoded = await engine.complete('Once upon a time', { maxTokens: DECODE, temperature: 0 })
    const decodeMs = performance.now() - started
    started = performance.now()
    const prefilled = await engine.complete(LONG_PROMPT, { maxTokens: 1, temperature: 0 })
    const prefillMs = performance.now() - started
    return {
      threads: engine.threads,
      loadMs: engine.loadMs,
      decodeTps: (1000 * decoded.completionTokens) / decodeMs,
      prefillTps: (1000 * prefilled.promptTokens) / prefillMs,
    }
  } finally {
    await engine.close()
  }
}

const one = await measure(1)
const cores = availableParallelism()
const all = await measure(cores)
console.log(
  [
    'engine',
    `model=${SMOLLM2.name}:${SMOLLM2.quantization}`,
    `cores=${cores}`,
    `load1=${loadavg()[0]!.toFixed(1)}`,
    `hash_ms=${hashMs.toFixed(0)}`,
    `load_ms=${one.loadMs}`,
    `decode_tps_1t=${one.decodeTps.toFixed(1)}`,
    `prefill_tps_1t=${one.prefillTps.toFixed(0)}`,
    `decode_tps_${all.threads}t=${all.decodeTps.toFixed(1)}`,
    `prefill_tps_${all.threads}t=${all.prefillTps.toFixed(0)}`,
    `decode_ratio_${cores}t_vs_1t=${(all.decodeTps / one.decodeTps).toFixed(2)}`,
  ].join(' '),
)

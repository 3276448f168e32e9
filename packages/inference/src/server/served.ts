import type { LlamaEngine } from '../engine/engine.js'

/**
 * The model this server serves, and its engine once loaded. The server answers from the first
 * moment (health 503, metrics, the model list); generation waits for `ready`.
 */
export class ServedModel {
  #engine: LlamaEngine | undefined
  #failure: Error | undefined
  /** Unix seconds the server started, the model list's `created`. */
  readonly created = Math.floor(Date.now() / 1000)
  /** Resolves with the engine once loaded; rejects with the load's error. */
  readonly ready: Promise<LlamaEngine>

  constructor(
    /** The name clients send as `model` (vLLM's `--served-model-name`). */
    readonly name: string,
    /** The weights' sha256, shown as the model's `root`. */
    readonly sha256: string,
    engine: Promise<LlamaEngine> | LlamaEngine,
  ) {
    this.ready = Promise.resolve(engine)
    this.ready.then(
      (loaded) => {
        this.#engine = loaded
      },
      (error: unknown) => {
        this.#failure = error instanceof Error ? error : new Error(String(error))
      },
    )
  }

  get engine(): LlamaEngine | undefined {
    return this.#engine
  }

  get failure(): Error | undefined {
    return this.#failure
  }
}

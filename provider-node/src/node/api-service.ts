import { type NodeView, type RunningNodeApi, startNodeApi } from '../api/index.js'
import { addressOf, type NodeComponents, type Startable } from './components.js'

export interface ApiComponents extends Pick<NodeComponents, 'config' | 'operator' | 'privateKey' | 'registry' | 'log'> {
  /** what the API shows: read from the other services each time it is asked */
  view: NodeView
}

/**
 * The HTTP API on loopback (`/health`, signed `/status`, `/jobs`, `/metrics`, the status page):
 * `../api` builds it; this service listens, says where, and closes it. It only reads.
 */
export class ApiService implements Startable {
  private current: RunningNodeApi | null = null

  constructor(private readonly components: ApiComponents) {}

  async start(): Promise<void> {
    const { config, privateKey, registry, view, log } = this.components
    this.current = await startNodeApi({
      host: config.api.host,
      port: config.api.port,
      operator: addressOf(this.components),
      registry,
      sign: (bytes) => privateKey.sign(bytes),
      view,
    })
    log({ event: 'api', url: this.current.url })
  }

  /** The listening API, or null before `start()`. */
  get api(): RunningNodeApi | null {
    return this.current
  }

  async stop(): Promise<void> {
    await this.current?.close()
  }
}

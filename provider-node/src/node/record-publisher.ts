import { setTimeout as sleep } from 'node:timers/promises'
import { signProviderRecord } from '@synkti/p2p'
import type { AdmissionService } from './admission-service.js'
import { addressOf, type NodeComponents, type Startable } from './components.js'
import { PublishTimeoutError, refusal } from './errors.js'
import type { P2pService } from './p2p-service.js'
import { nextSeq, nodeRecord } from './record.js'
import type { NodeWeights } from './weights.js'

/** How often the record is re-published whether or not anything changed. */
const RECORD_REFRESH_MS = 60_000
const REPUBLISH_DEBOUNCE_MS = 1_000
/** A record put or provide that has not settled by then is abandoned and tried again. */
const PUBLISH_TIMEOUT_MS = 20_000
const PUBLISH_RETRY_MS = 5_000

export interface RecordPublisherComponents
  extends Pick<NodeComponents, 'config' | 'operator' | 'privateKey' | 'jobs' | 'log' | 'context'> {
  p2p: Pick<P2pService, 'node' | 'current'>
  admission: Pick<AdmissionService, 'admitting'>
  /** the model cache, listed before each publish: its hashes go into the record's capability */
  weights?: Pick<NodeWeights, 'refresh'>
}

/**
 * Keeps this node's signed record on the DHT (naming the provider account it speaks for) and,
 * while it admits work, its capability key announced. Apart from the rest because peers plan
 * with the load in the record: a change of jobs goes out within a second, a refresh every
 * minute, and a DHT that does not answer is retried without holding anything else up.
 */
export class RecordPublisher implements Startable {
  private lastSeq = 0
  private refreshTimer: NodeJS.Timeout | undefined
  private republishTimer: NodeJS.Timeout | undefined
  private stopped = false
  /** whether the last word on the DHT was "no peers" (said once per change, not at every refresh) */
  private alone: boolean | undefined
  private unwatch: (() => void) | undefined

  constructor(private readonly components: RecordPublisherComponents) {}

  /**
   * Publishes in the background. The first node of a network has no DHT peer to store its record
   * with: it keeps record and announcement on itself (consumers bootstrapped to it find it there)
   * and says so once (`no-dht-peers`); when a DHT peer joins, it says so (`dht-peers`) and
   * publishes again at once, so the record reaches it.
   */
  start(): void {
    // a node that will not serve (a deployer) is not listed: no record, no announcement
    if (!this.serves) return
    this.unwatch = this.components.p2p.node.onDhtPeersChange((dhtPeers) => this.onDhtPeers(dhtPeers))
    void this.publish()
    this.refreshTimer = setInterval(() => void this.publish(), RECORD_REFRESH_MS)
    this.refreshTimer.unref()
  }

  private onDhtPeers(dhtPeers: number): void {
    if (this.stopped) return
    if (dhtPeers > 0 && this.alone !== false) {
      this.alone = false
      this.components.log({ event: 'dht-peers', dhtPeers })
      this.republishSoon()
    } else if (dhtPeers === 0 && this.alone === false) {
      this.sayAlone()
    }
  }

  private sayAlone(): void {
    const node = this.components.p2p.current
    if (node === undefined || this.alone === true) return
    this.alone = true
    const address = node.multiaddrs[0]
    this.components.log({
      event: 'no-dht-peers',
      addresses: node.multiaddrs,
      detail:
        'no DHT peers: the record and capability announcement are kept on this node; consumers bootstrapped to it find it, ' +
        `other providers once one joins (synkti-provider run --bootstrap ${address ?? "<this node's address>"})`,
    })
  }

  /** Peers plan with the load in this node's record: a change of jobs is published within a second. */
  republishSoon(delayMs = REPUBLISH_DEBOUNCE_MS): void {
    if (!this.serves || this.components.p2p.current === undefined || this.republishTimer !== undefined || this.stopped)
      return
    this.republishTimer = setTimeout(() => {
      this.republishTimer = undefined
      void this.publish()
    }, delayMs)
    this.republishTimer.unref()
  }

  /** Only a worker serves leases, so only a worker is listed. */
  private get serves(): boolean {
    return this.components.context.role === 'worker'
  }

  /** Signs and stores this node's record, and announces its capability key (a worker's only). */
  async publish(): Promise<void> {
    if (!this.serves) return
    const { config, privateKey, jobs, log, admission } = this.components
    let step: PublishTimeoutError['step'] = 'record'
    try {
      const work = (async () => {
        const p2p = this.components.p2p.node
        const cachedWeights = (await this.components.weights?.refresh()) ?? []
        const seq = nextSeq(this.lastSeq, Date.now())
        const record = nodeRecord({
          config,
          cachedWeights,
          operator: addressOf(this.components),
          addresses: p2p.multiaddrs,
          jobs: jobs.live().length,
          usedVramGb: jobs.usedVramGb(),
          seq,
          now: Math.floor(Date.now() / 1000),
        })
        // signed here rather than by p2p.publishRecord, whose statement cannot name the provider
        await p2p.putRecord(await signProviderRecord(privateKey, record), config.market, record.operator)
        this.lastSeq = seq
        if (admission.admitting) {
          step = 'announce'
          await p2p.announce({
            market: config.market,
            gpuModel: config.capability.gpu.model,
            region: config.capability.region,
          })
        }
      })()
      // a DHT query that never settles must not keep the record from going out: give up and retry
      await Promise.race([
        work,
        sleep(PUBLISH_TIMEOUT_MS, undefined, { ref: false }).then(() => {
          throw new PublishTimeoutError(PUBLISH_TIMEOUT_MS, step)
        }),
      ])
      const dhtPeers = this.components.p2p.node.dhtPeers
      if (dhtPeers === 0) this.sayAlone()
      else this.alone = false
      log({ event: 'published', jobs: jobs.live().length, dhtPeers })
    } catch (err) {
      // no peer yet, or a stuck query: the record goes out on a retry soon, not at the next refresh
      log({ event: 'publish-deferred', error: refusal(err) })
      this.republishSoon(PUBLISH_RETRY_MS)
    }
  }

  beforeStop(): void {
    this.stopped = true
    this.unwatch?.()
    this.unwatch = undefined
    clearInterval(this.refreshTimer)
    clearTimeout(this.republishTimer)
  }

  stop(): void {
    this.beforeStop()
  }
}

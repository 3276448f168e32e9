import { PublicKey } from '@solana/web3.js'
import { verifyNodeStatus } from '@synkti/provider-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeEvent } from './harness/processes.js'
import { assemble, type Balances, balances, type Cast, MODEL, SPEC, synkti, total, waitUntil } from './harness/story.js'

/**
 * The consumer's whole path as a user walks it, every step a real process on loopback: find the
 * providers, run a job, look at it, pay the provider while it serves, top up, list, stop; then
 * the accounts: refund, reputation, and not one base unit created or lost.
 */

const DEPOSIT = 20_000_000n
const TOP_UP = 1_000_000n

interface Offer {
  operator: string
  provider: string
  pricePerSecond: string
  staked: string
  capability: { cloud: string; spot: boolean }
}

let cast: Cast
let before: Balances
let lease: string
let endpoint: string

const byName = (name: string) => {
  const p = cast.providers.find((x) => x.spec.name === name)
  if (p === undefined) throw new Error(`no provider ${name}`)
  return p
}

beforeAll(async () => {
  cast = await assemble(() => {})
})

afterAll(async () => {
  await cast?.stop()
})

describe('happy path: providers, job run, status, logs, settlement, top-up, list, stop', () => {
  it('synkti providers lists the three providers, verified on chain, with their on-chain price and stake', async () => {
    const found = await waitUntil(
      'three providers over the DHT',
      async () => {
        const r = await synkti(cast, ['providers', '--gpu', 'L4'])
        const offers = r.providers as Offer[]
        return offers.length === cast.providers.length ? offers : null
      },
      120_000,
    )
    for (const p of cast.providers) {
      const offer = found.find((o) => o.operator === p.operator.publicKey.toBase58())
      const onChain = await cast.world.client.fetchProvider(p.provider)
      expect(offer, p.spec.name).toBeDefined()
      expect(offer?.provider).toBe(p.provider.toBase58())
      expect(offer?.pricePerSecond).toBe(onChain.pricePerSecond.toString())
      expect(offer?.pricePerSecond).toBe(p.spec.price.toString())
      expect(offer?.staked).toBe(onChain.staked.toString())
      expect(offer?.capability.cloud).toBe(p.spec.cloud)
      expect(offer?.capability.spot).toBe(p.spec.spot)
    }
  })

  it('synkti job run --wait opens a lease with the cheapest fitting provider and the endpoint answers', async () => {
    before = await balances(cast)
    const run = await synkti(cast, ['job', 'run', SPEC, '--deposit', String(DEPOSIT), '--wait'], 180_000)
    lease = String(run.lease)
    endpoint = String(run.endpoint)
    const cheapest = [...cast.providers].sort((a, b) => Number(a.spec.price - b.spec.price))[0]
    expect(run.state).toBe('healthy')
    expect(run.provider).toBe(cheapest?.provider.toBase58())

    const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
    expect(onChain.status.kind).toBe('active')
    expect(onChain.provider.toBase58()).toBe(cheapest?.provider.toBase58())
    expect(onChain.deposited).toBe(DEPOSIT)
    expect(onChain.consumer.toBase58()).toBe(cast.consumer.keypair.publicKey.toBase58())

    const response = await fetch(`${endpoint}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'Synkti moves jobs, not promises.', max_tokens: 4 }),
    })
    expect(response.status).toBe(200)
    const completion = (await response.json()) as { model: string; choices: { text: string }[] }
    expect(completion.model).toBe(MODEL)
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0)
  })

  it('synkti job status shows the job healthy on the lease’s provider', async () => {
    const status = await synkti(cast, ['job', 'status', lease])
    const onLease = status.lease as { provider: string; status: string; deposited: string }
    const node = status.node as { reachable: boolean; job: { state: string; endpoint: string; lease: string } | null }
    expect(onLease.provider).toBe(byName('aws-spot').provider.toBase58())
    expect(onLease.status).toBe('active')
    expect(status.operator).toBe(byName('aws-spot').operator.publicKey.toBase58())
    expect(node.reachable).toBe(true)
    expect(node.job?.lease).toBe(lease)
    expect(node.job?.state).toBe('healthy')
    expect(node.job?.endpoint).toBe(endpoint)
  })

  it("synkti job logs returns the stand-in's own output", async () => {
    const logs = await synkti(cast, ['job', 'logs', lease])
    const lines = (logs.lines as string[]).join('\n')
    expect(logs.lease).toBe(lease)
    expect(lines).toContain('"event":"listening"')
    expect(lines).toContain(MODEL)
  })

  it('settlement attests while the job serves: the provider is paid (held until the window passes)', async () => {
    const spot = byName('aws-spot')
    const attested = await spot.proc.waitFor(
      'an attestation of the lease',
      nodeEvent('settlement-attested', (e) => e.lease === lease && e.seconds > 0),
      120_000,
    )
    expect(BigInt(attested.payout)).toBeGreaterThan(0n)
    // the node's own word: the pay (and the market's fee on it) is held in the earnings vault
    const held = await cast.world.balance(spot.earningsVault)
    expect(held).toBeGreaterThanOrEqual(BigInt(attested.payout))
    const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
    const provider = await cast.world.client.fetchProvider(spot.provider)
    expect(provider.held.reduce((a, t) => a + t.payout + t.fee, 0n)).toBe(held)
    expect(onChain.paidToProviders + onChain.feesPaid).toBe(held)
    expect(onChain.settledUntil).toBeGreaterThan(onChain.acceptedAt)
  })

  it('synkti job top-up adds to the escrow', async () => {
    const r = await synkti(cast, ['job', 'top-up', lease, '--amount', String(TOP_UP)])
    expect(r.deposited).toBe(String(DEPOSIT + TOP_UP))
    const onChain = await cast.world.client.fetchLease(new PublicKey(lease))
    expect(onChain.deposited).toBe(DEPOSIT + TOP_UP)
  })

  it('synkti lease list shows the active lease', async () => {
    const r = await synkti(cast, ['lease', 'list'])
    const leases = r.leases as { address: string; status: string; deposited: string }[]
    expect(leases.map((l) => l.address)).toEqual([lease])
    expect(leases[0]?.status).toBe('active')
    expect(leases[0]?.deposited).toBe(String(DEPOSIT + TOP_UP))
  })

  it("the node's /status is signed by its operator and /metrics counts the attestations", async () => {
    const spot = byName('aws-spot')
    const operator = spot.operator.publicKey.toBase58()
    const signed = await (await fetch(`${spot.apiUrl}/status`)).json()
    const status = await verifyNodeStatus(signed, operator)
    expect(status.operator).toBe(operator)
    expect(status.provider).toBe(spot.provider.toBase58())
    expect(status.jobs.find((j) => j.lease === lease)?.state).toBe('healthy')
    expect(status.chain?.staked).toBe((await cast.world.client.fetchProvider(spot.provider)).staked.toString())
    expect(status.settlement.lastAttestedAt).not.toBeNull()
    // a signature over another body does not pass
    const forged = { ...(signed as object), body: { ...status, admitting: !status.admitting } }
    await expect(verifyNodeStatus(forged, operator)).rejects.toMatchObject({ name: 'InvalidStatusSignatureError' })

    const metrics = await (await fetch(`${spot.apiUrl}/metrics`)).text()
    expect(metrics).toMatch(/^synkti_node_jobs\{state="healthy"\} 1$/m)
    const ok = metrics.match(/^synkti_node_attestations_sent_total\{outcome="ok"\} (\d+)$/m)
    expect(Number(ok?.[1])).toBeGreaterThanOrEqual(1)
  })

  it('synkti job stop closes the lease: final settlement, refund, reputation, conservation', async () => {
    const spot = byName('aws-spot')
    const during = await balances(cast, new PublicKey(lease))
    expect(during.escrow).toBeGreaterThan(0n)
    expect(total(during)).toBe(total(before))

    const stop = await synkti(cast, ['job', 'stop', lease])
    expect(stop.outcome).toBe('completed')
    expect(BigInt(String(stop.refund))).toBeGreaterThan(0n)
    // the record stays for the dispute window, saying why it ended
    const ended = await cast.world.client.fetchLease(new PublicKey(lease))
    expect(ended.status).toMatchObject({ kind: 'ended', outcome: 'completed' })

    const after = await balances(cast)
    // payout and earnings vault: the held pay and the market's fee on it, until they vest
    const earned = (after.providers['aws-spot'] ?? 0n) - (before.providers['aws-spot'] ?? 0n)
    // the consumer put in the deposit and the top-up and got back the refund; the rest was paid
    expect(after.consumer).toBe(before.consumer - DEPOSIT - TOP_UP + BigInt(String(stop.refund)))
    expect(before.consumer - after.consumer).toBe(earned)
    expect(earned).toBe(ended.paidToProviders + ended.feesPaid)
    expect(ended.feesPaid).toBeGreaterThan(0n)
    expect(after.feeVault).toBe(before.feeVault)
    for (const other of ['hetzner', 'ovh']) expect(after.providers[other]).toBe(before.providers[other])
    expect(after.escrow).toBe(0n)
    expect(total(after)).toBe(total(before))

    const reputation = (await cast.world.client.fetchProvider(spot.provider)).reputation
    expect(reputation.leasesCompleted).toBe(1n)
    expect(reputation.leasesFailed).toBe(0n)
    expect(reputation.earned).toBe(ended.paidToProviders)
    expect(reputation.secondsSelfAttested).toBeGreaterThan(0n)
    expect(reputation.secondsVerified).toBe(0n)

    const list = await synkti(cast, ['lease', 'list'])
    const leases = list.leases as { address: string; status: string; outcome: string | null }[]
    expect(leases).toEqual([expect.objectContaining({ address: lease, status: 'ended', outcome: 'completed' })])
  })
})

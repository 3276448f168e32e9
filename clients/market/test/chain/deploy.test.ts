// Level 2 (localnet): migrations/deploy.ts creates mints and a market once; a re-run changes nothing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Keypair } from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../../migrations/deploy.js'
import { derivedMint } from '../../../../migrations/deployment.js'
import { marketAddress, serializeKeypair } from '../../src/index.js'
import { chain, client, parties } from '../support/chain.js'

describe('migrations/deploy.ts', () => {
  let dir: string
  let keypairPath: string
  let paramsPath: string
  let deployer: Keypair
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'synkti-deploy-'))
    deployer = await parties.funded(10)
    keypairPath = join(dir, 'deployer.json')
    await writeFile(keypairPath, serializeKeypair(deployer))
    paramsPath = join(dir, 'params.json')
    await writeFile(paramsPath, JSON.stringify({ minStake: '2000000', feeBps: 100, disputeWindowSecs: 7_200 }))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('creates the mints and the market from a params file, and a second run changes nothing', async () => {
    const args = ['--url', chain.rpcUrl, '--keypair', keypairPath, '--params', paramsPath, '--create-mints']
    const first = await main(args)
    const mint = derivedMint(deployer, 'payment').publicKey
    const stakeMint = derivedMint(deployer, 'stake').publicKey
    const market = marketAddress(deployer.publicKey, mint)
    expect(first).toEqual({
      cluster: 'localnet',
      market: market.toBase58(),
      mint: mint.toBase58(),
      stakeMint: stakeMint.toBase58(),
      steps: [
        { what: 'payment mint', address: mint.toBase58(), action: 'created' },
        { what: 'stake mint', address: stakeMint.toBase58(), action: 'created' },
        { what: 'market', address: market.toBase58(), action: 'created' },
      ],
    })
    expect(await client.fetchMarket(market)).toMatchObject({
      stakeMint,
      minStake: 2_000_000n,
      feeBps: 100,
      slashMultipleBps: 20_000,
      disputeBond: 1_000_000n,
      disputeWindowSecs: 7_200,
      governanceDelaySecs: 86_400,
      arbiter: deployer.publicKey,
      treasury: deployer.publicKey,
    })
    const lamports = await client.connection.getBalance(deployer.publicKey)
    const second = await main(args)
    expect(second.steps.map((s) => s.action)).toEqual(['exists', 'exists', 'exists'])
    expect(await client.connection.getBalance(deployer.publicKey)).toBe(lamports)

    await expect(main([...args, '--fee-bps', '300'])).rejects.toMatchObject({
      name: 'MarketParamsMismatchError',
      differences: ['feeBps is 100, wanted 300'],
    })
  })

  it('names a missing keypair, an unreachable RPC, a wrong cluster and bad params', async () => {
    await expect(main(['--url', chain.rpcUrl, '--keypair', join(dir, 'absent.json')])).rejects.toMatchObject({
      name: 'KeypairFileMissingError',
    })
    await expect(
      main(['--url', 'http://127.0.0.1:9', '--keypair', keypairPath, '--create-mints']),
    ).rejects.toMatchObject({
      name: 'RpcUnreachableError',
      url: 'http://127.0.0.1:9',
    })
    await expect(
      main(['--url', chain.rpcUrl, '--keypair', keypairPath, '--cluster', 'devnet', '--create-mints']),
    ).rejects.toMatchObject({ name: 'WrongClusterError', expected: 'devnet', actual: 'localnet' })
    await expect(main(['--url', chain.rpcUrl, '--keypair', keypairPath])).rejects.toMatchObject({
      name: 'MissingMintsError',
    })
    await expect(main(['--url', chain.rpcUrl, '--keypair', keypairPath, '--fee-bps', 'many'])).rejects.toMatchObject({
      name: 'InvalidParamsError',
    })
    await expect(
      main([
        '--url',
        chain.rpcUrl,
        '--keypair',
        keypairPath,
        '--mint',
        Keypair.generate().publicKey.toBase58(),
        '--stake-mint',
        Keypair.generate().publicKey.toBase58(),
      ]),
    ).rejects.toMatchObject({ name: 'InvalidMintError' })
  })
})

// Level 2 (localnet): plain @solana/web3.js 1.x and @solana/spl-token against synkti-localnet,
// end to end: confirmations go through signatureSubscribe, as they do against a validator.
import { createMint, getAccount, getOrCreateAssociatedTokenAccount, mintTo, TOKEN_PROGRAM_ID } from '@solana/spl-token'
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  type Logs,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from '@solana/web3.js'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const { rpcUrl, wsUrl } = inject('localnet')
let connection: Connection

async function funded(sol: number): Promise<Keypair> {
  const keypair = Keypair.generate()
  const signature = await connection.requestAirdrop(keypair.publicKey, sol * LAMPORTS_PER_SOL)
  const latest = await connection.getLatestBlockhash()
  const confirmed = await connection.confirmTransaction({ signature, ...latest })
  expect(confirmed.value.err).toBeNull()
  return keypair
}

beforeAll(() => {
  connection = new Connection(rpcUrl, { commitment: 'confirmed', wsEndpoint: wsUrl })
})

afterAll(async () => {
  // Closes the websocket so that the run ends promptly.
  const ws = (connection as unknown as { _rpcWebSocket: { close(): void } })._rpcWebSocket
  ws.close()
})

describe('@solana/web3.js 1.x against localnet', () => {
  it('reads the version, genesis hash, slot and rent', async () => {
    const version = await connection.getVersion()
    expect(version['solana-core']).toBe('3.1.12')
    expect(new PublicKey(await connection.getGenesisHash()).toBytes()).toHaveLength(32)
    expect(await connection.getSlot()).toBeGreaterThan(0)
    expect(await connection.getMinimumBalanceForRentExemption(0)).toBe(890_880)
    const epoch = await connection.getEpochInfo()
    expect(epoch.absoluteSlot).toBeGreaterThan(0)
  })

  it('airdrops and confirms through signatureSubscribe', async () => {
    const keypair = await funded(2)
    expect(await connection.getBalance(keypair.publicKey)).toBe(2 * LAMPORTS_PER_SOL)
    const info = await connection.getAccountInfo(keypair.publicKey)
    expect(info?.owner.equals(SystemProgram.programId)).toBe(true)
    expect(info?.lamports).toBe(2 * LAMPORTS_PER_SOL)
  })

  it('sends a SystemProgram transfer with sendAndConfirmTransaction and reads it back', async () => {
    const alice = await funded(3)
    const bob = Keypair.generate()
    const tx = new Transaction().add(
      SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: LAMPORTS_PER_SOL }),
    )
    const signature = await sendAndConfirmTransaction(connection, tx, [alice])
    expect(await connection.getBalance(bob.publicKey)).toBe(LAMPORTS_PER_SOL)
    const record = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 })
    expect(record?.meta?.err).toBeNull()
    expect(record?.meta?.fee).toBe(5000)
    expect(record?.meta?.logMessages).toContain('Program 11111111111111111111111111111111 success')
    expect(record?.transaction.message.staticAccountKeys[0]?.equals(alice.publicKey)).toBe(true)
    const statuses = await connection.getSignatureStatuses([signature])
    expect(statuses.value[0]?.confirmationStatus).toBe('finalized')
    const history = await connection.getSignaturesForAddress(bob.publicKey)
    expect(history.map((h) => h.signature)).toEqual([signature])
  })

  it('rejects a failing transaction in preflight with SendTransactionError and its logs', async () => {
    const alice = await funded(1)
    const tx = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: alice.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 5 * LAMPORTS_PER_SOL,
      }),
    )
    const err = await sendAndConfirmTransaction(connection, tx, [alice]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SendTransactionError)
    const sendErr = err as SendTransactionError
    expect(sendErr.message).toContain('custom program error: 0x1')
    expect((await sendErr.getLogs(connection))?.join('\n')).toContain('insufficient lamports')
  })

  it('delivers logs and account changes to subscribers', async () => {
    const alice = await funded(1)
    const bob = Keypair.generate()
    const logs = new Promise<Logs>((resolve) => {
      const id = connection.onLogs(bob.publicKey, (l) => {
        void connection.removeOnLogsListener(id)
        resolve(l)
      })
    })
    const lamports = new Promise<number>((resolve) => {
      const id = connection.onAccountChange(bob.publicKey, (account) => {
        void connection.removeAccountChangeListener(id)
        resolve(account.lamports)
      })
    })
    // Let both subscriptions reach the server before the transfer lands.
    await new Promise((r) => setTimeout(r, 300))
    const tx = new Transaction().add(
      SystemProgram.transfer({ fromPubkey: alice.publicKey, toPubkey: bob.publicKey, lamports: 1_000_000 }),
    )
    const signature = await sendAndConfirmTransaction(connection, tx, [alice])
    expect((await logs).signature).toBe(signature)
    expect(await lamports).toBe(1_000_000)
  })

  it('runs @solana/spl-token helpers (mint, associated token account, mint-to)', async () => {
    const payer = await funded(5)
    const owner = Keypair.generate()
    const mint = await createMint(connection, payer, payer.publicKey, null, 6)
    const ata = await getOrCreateAssociatedTokenAccount(connection, payer, mint, owner.publicKey)
    await mintTo(connection, payer, mint, ata.address, payer, 2_500_000)
    expect((await getAccount(connection, ata.address)).amount).toBe(2_500_000n)
    const balance = await connection.getTokenAccountBalance(ata.address)
    expect(balance.value.uiAmountString).toBe('2.5')
    const parsed = await connection.getParsedTokenAccountsByOwner(owner.publicKey, { programId: TOKEN_PROGRAM_ID })
    expect(parsed.value.map((a) => a.pubkey.toBase58())).toEqual([ata.address.toBase58()])
    expect(parsed.value[0]?.account.data.parsed.info.tokenAmount.amount).toBe('2500000')
    const byProgram = await connection.getProgramAccounts(TOKEN_PROGRAM_ID, {
      filters: [{ dataSize: 165 }, { memcmp: { offset: 32, bytes: owner.publicKey.toBase58() } }],
    })
    expect(byProgram.map((a) => a.pubkey.toBase58())).toEqual([ata.address.toBase58()])
  })
})

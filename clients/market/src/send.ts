/**
 * Signing, sending and confirming, and turning every failure into a named error: program
 * refusals into their `ProgramError` subclass, a dead RPC into `RpcUnreachableError`.
 */
import anchor from '@anchor-lang/core'
import {
  type Commitment,
  type Connection,
  type PublicKey,
  SendTransactionError,
  type Signer,
  Transaction,
  type TransactionInstruction,
} from '@solana/web3.js'
import {
  InsufficientLamportsError,
  MarketClientError,
  MissingSignatureError,
  RpcUnreachableError,
  TokenProgramError,
  TransactionFailedError,
  TransactionNotConfirmedError,
} from './errors.js'
import { parseEvents } from './events.js'
import { ProgramError, programErrorFromCode } from './program-errors.js'
import type { MarketEvent } from './types.js'

export interface TxResult {
  signature: string
  events: MarketEvent[]
}

export interface SendContext {
  connection: Connection
  rpcUrl: string
  commitment: Commitment
  skipPreflight: boolean
  onConfirmed?: (info: { signature: string; confirmMs: number }) => void
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
])

/** True when `err` (or anything in its cause chain) says the RPC could not be reached at all. */
export function isNetworkFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
    const message = e instanceof Error ? e.message : String(e)
    if (/fetch failed|ECONNREFUSED|socket hang up/.test(message)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

const CUSTOM_HEX = /custom program error: 0x([0-9a-f]+)/i
const CUSTOM_JSON = /"Custom":\s*(\d+)/

/** The program error number in logs or an error message, with the account Anchor blamed. */
const ANCHOR_ERROR_LOG = /AnchorError (?:caused by account: (\w+)|.*?)\. Error Code: \w+\. Error Number: (\d+)\./

function parseAnchorError(logs: readonly string[]) {
  try {
    return anchor.AnchorError.parse([...logs])
  } catch {
    // Anchor's parser assumes the exact line after the error; read the error line alone then.
    return null
  }
}

export function programErrorCode(logs: readonly string[], message = ''): { code: number; account?: string } | null {
  const anchorError = parseAnchorError(logs)
  if (anchorError !== null) {
    const origin = anchorError.error.origin
    return {
      code: anchorError.error.errorCode.number,
      ...(typeof origin === 'string' ? { account: origin } : {}),
    }
  }
  for (const log of logs) {
    const m = ANCHOR_ERROR_LOG.exec(log)
    if (m?.[2] !== undefined) return { code: Number(m[2]), ...(m[1] !== undefined ? { account: m[1] } : {}) }
  }
  for (const text of [message, ...logs]) {
    const hex = CUSTOM_HEX.exec(text)
    if (hex?.[1] !== undefined) return { code: Number.parseInt(hex[1], 16) }
    const json = CUSTOM_JSON.exec(text)
    if (json?.[1] !== undefined) return { code: Number(json[1]) }
  }
  return null
}

const FAILED_CUSTOM = /^Program (\S+) failed: custom program error: 0x([0-9a-f]+)$/i
const TOKEN_PROGRAMS = new Set([
  'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
  'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb',
])
const SYSTEM_PROGRAM = '11111111111111111111111111111111'

/**
 * A refusal by a program the market program invoked (the first program to fail is the innermost):
 * the token program's or the system program's own error, which the market program only passes on.
 */
function invokedProgramError(logs: string[], signature: string | undefined, cause: unknown): Error | null {
  for (const log of logs) {
    const m = FAILED_CUSTOM.exec(log)
    if (m?.[1] === undefined || m[2] === undefined) continue
    const code = Number.parseInt(m[2], 16)
    if (TOKEN_PROGRAMS.has(m[1])) return new TokenProgramError(code, logs, signature, cause)
    if (m[1] === SYSTEM_PROGRAM && code === 1) return new InsufficientLamportsError(logs, signature, cause)
    return null
  }
  return null
}

/** Any failure of a send → the package's named error. */
export function toClientError(err: unknown, rpcUrl: string, logs: readonly string[] = [], signature?: string): Error {
  if (err instanceof MarketClientError || err instanceof ProgramError) return err
  if (isNetworkFailure(err)) return new RpcUnreachableError(rpcUrl, err)
  const allLogs = [...logs, ...(err instanceof SendTransactionError ? (err.logs ?? []) : [])]
  const message = err instanceof Error ? err.message : JSON.stringify(err)
  const invoked = invokedProgramError(allLogs, signature, err)
  if (invoked !== null) return invoked
  const found = programErrorCode(allLogs, message)
  if (found !== null) {
    return programErrorFromCode(found.code, {
      logs: allLogs,
      ...(signature !== undefined ? { signature } : {}),
      ...(found.account !== undefined ? { account: found.account } : {}),
      cause: err,
    })
  }
  return new TransactionFailedError(message, allLogs, signature, err)
}

/** Runs an RPC call, mapping a connection failure to RpcUnreachableError. */
export async function rpc<T>(rpcUrl: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw isNetworkFailure(err) ? new RpcUnreachableError(rpcUrl, err) : err
  }
}

/** A transaction with a fresh blockhash, signed by whichever of `signers` it needs. */
export async function buildTransaction(
  ctx: SendContext,
  instructions: TransactionInstruction[],
  feePayer: PublicKey,
  signers: Signer[] = [],
): Promise<Transaction> {
  const { blockhash, lastValidBlockHeight } = await rpc(ctx.rpcUrl, () =>
    ctx.connection.getLatestBlockhash(ctx.commitment),
  )
  const tx = new Transaction({ feePayer, blockhash, lastValidBlockHeight }).add(...instructions)
  if (signers.length > 0) tx.partialSign(...unique(signers))
  return tx
}

function unique(signers: Signer[]): Signer[] {
  const seen = new Map<string, Signer>()
  for (const s of signers) seen.set(s.publicKey.toBase58(), s)
  return [...seen.values()]
}

/** Keys whose signature `tx` still lacks. */
export function missingSigners(tx: Transaction): PublicKey[] {
  return tx.signatures.filter((s) => s.signature === null).map((s) => s.publicKey)
}

/** Sends a fully signed transaction, waits for `ctx.commitment`, returns its signature and events. */
export async function sendSigned(ctx: SendContext, tx: Transaction): Promise<TxResult> {
  const missing = missingSigners(tx)
  if (missing.length > 0) throw new MissingSignatureError(missing.map((k) => k.toBase58()))
  let signature: string
  const sentAt = performance.now()
  try {
    signature = await ctx.connection.sendRawTransaction(tx.serialize(), {
      skipPreflight: ctx.skipPreflight,
      preflightCommitment: ctx.commitment,
    })
  } catch (err) {
    throw toClientError(err, ctx.rpcUrl)
  }
  await confirm(ctx, tx, signature)
  ctx.onConfirmed?.({ signature, confirmMs: performance.now() - sentAt })
  const logs = await transactionLogs(ctx, signature)
  return { signature, events: parseEvents(logs) }
}

async function confirm(ctx: SendContext, tx: Transaction, signature: string): Promise<void> {
  if (tx.recentBlockhash === undefined) {
    throw new TransactionNotConfirmedError(signature, new Error('transaction has no blockhash'))
  }
  // A transaction received as bytes (co-signing) no longer carries its expiry height: a
  // blockhash lives at most 150 blocks, so that bounds the wait from now.
  const lastValidBlockHeight =
    tx.lastValidBlockHeight ?? (await rpc(ctx.rpcUrl, () => ctx.connection.getBlockHeight(ctx.commitment))) + 150
  let status: Awaited<ReturnType<Connection['confirmTransaction']>>
  try {
    status = await ctx.connection.confirmTransaction(
      { signature, blockhash: tx.recentBlockhash, lastValidBlockHeight },
      ctx.commitment,
    )
  } catch (err) {
    if (isNetworkFailure(err)) throw new RpcUnreachableError(ctx.rpcUrl, err)
    throw new TransactionNotConfirmedError(signature, err)
  }
  if (status.value.err !== null) {
    const logs = await transactionLogs(ctx, signature).catch(() => [])
    throw toClientError(status.value.err, ctx.rpcUrl, logs, signature)
  }
}

/** The `logMessages` of a confirmed transaction. */
export async function transactionLogs(ctx: SendContext, signature: string): Promise<string[]> {
  const tx = await rpc(ctx.rpcUrl, () =>
    ctx.connection.getTransaction(signature, {
      commitment: ctx.commitment === 'processed' ? 'confirmed' : (ctx.commitment as 'confirmed' | 'finalized'),
      maxSupportedTransactionVersion: 0,
    }),
  )
  return tx?.meta?.logMessages ?? []
}

export function transactionFromBytes(bytes: Uint8Array): Transaction {
  return Transaction.from(bytes)
}

export function transactionToBytes(tx: Transaction): Uint8Array {
  return tx.serialize({ requireAllSignatures: false, verifySignatures: true })
}

/**
 * @packageDocumentation
 * TypeScript client of the synkti-market program: PDAs, one typed function per instruction,
 * account decoding, provider search, events and a named error for every refusal.
 *
 * @example
 * ```ts
 * import { MarketClient, loadKeypair, signReceipt } from '@synkti/market'
 *
 * const client = new MarketClient({ rpcUrl: 'http://127.0.0.1:8899' })
 * const consumer = await loadKeypair('~/.config/solana/id.json')
 * const [cheapest] = await client.findProviders({ market, gpuModel: 'H100', minVramGb: 80 })
 * const { lease, events } = await client.openLease({
 *   consumer, provider: cheapest.address, jobSpecHash, maxPricePerSecond: 1_200n, deposit: 3_600_000n,
 * })
 * // the consumer's gateway signs what it was served; the node attests with it and is paid at once
 * const receipt = { from, until, requests: 42n, digest }
 * const signature = signReceipt(consumer, lease, cheapest.address, receipt)
 * try {
 *   await client.attestUsage({ operator, lease, until, receipt: { receipt, signature, signer: consumer.publicKey } })
 * } catch (err) {
 *   if (err.name === 'AttestationExceedsDepositError') console.error(err.remedy)
 * }
 * ```
 */
export { decodeAccount, discriminatorFilter, fetchAccount } from './accounts.js'
export {
  createMarketClient,
  DEFAULT_MAX_MIGRATIONS,
  MarketClient,
  type MarketClientInit,
  type MigrateLeaseParams,
  type SignedReceipt,
  type TxOptions,
} from './client.js'
export { chainNow } from './clock.js'
export { CAMEL_IDL, fromChain, toChain } from './codec.js'
export {
  DEFAULT_COMMITMENT,
  DEFAULT_RPC_URL,
  MAX_COOLDOWN_SECS,
  MAX_DISPUTE_WINDOW_SECS,
  MAX_FEE_BPS,
  MAX_LABEL_LEN,
  MAX_SLASH_MULTIPLE_BPS,
  MIN_ATTESTATION_GAP_SECS,
  MIN_DISPUTE_WINDOW_SECS,
  PROGRAM_ID,
  RECEIPT_DOMAIN,
  SEEDS,
  U64_MAX,
} from './constants.js'
export {
  AccountNotFoundError,
  AccountTypeMismatchError,
  InsufficientLamportsError,
  InvalidArgumentError,
  KeypairExistsError,
  KeypairFileMalformedError,
  KeypairFileMissingError,
  KeypairFileUnreadableError,
  MarketClientError,
  MissingSignatureError,
  RpcUnreachableError,
  TokenProgramError,
  TransactionFailedError,
  TransactionNotConfirmedError,
  UnexpectedTransactionError,
} from './errors.js'
export { findEvent, parseEvents } from './events.js'
export { fieldOffset, findProviders, matchesProvider, type ProviderFilters, providerFilters } from './find.js'
export { IDL, type SynktiMarket } from './idl.js'
export { type DecodedInstruction, decodeInstructions, type InstructionName } from './inspect.js'
export * from './instructions.js'
export { createKeypairFile, loadKeypair, parseKeypair, serializeKeypair } from './keypair.js'
export {
  earningsVaultAddress,
  escrowAddress,
  feeVaultAddress,
  leaseAddress,
  marketAddress,
  operatorIndexAddress,
  providerAddress,
  slashVaultAddress,
  stakeVaultAddress,
} from './pda.js'
export {
  isProgramError,
  PROGRAM_ERRORS,
  ProgramError,
  type ProgramErrorClass,
  type ProgramErrorName,
  type ProgramErrorSpec,
  ProgramErrors,
  type ProgramErrorVariant,
  programErrorFromCode,
  programErrorSpec,
} from './program-errors.js'
export { RECEIPT_MESSAGE_LEN, receiptInstruction, receiptMessage, signReceipt, verifyReceipt } from './receipt.js'
export { isNetworkFailure, programErrorCode, type TxResult, toClientError } from './send.js'
export { isStalled } from './stall.js'
export { createMintInstructions, fundTokenAccountInstructions, tokenBalance } from './tokens.js'
export type * from './types.js'

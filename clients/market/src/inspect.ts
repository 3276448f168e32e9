/** Decode a transaction's instructions with the IDL: what a co-signer checks before signing. */
import anchor from '@anchor-lang/core'
import type { PublicKey, Transaction } from '@solana/web3.js'
import { CAMEL_IDL } from './codec.js'
import { PROGRAM_ID } from './constants.js'
import type { SynktiMarket } from './idl.js'

const coder = new anchor.BorshCoder(CAMEL_IDL)

/** Instruction names as the camelCase IDL (and Anchor's `methods`) spell them. */
export type InstructionName = SynktiMarket['instructions'][number]['name']

export interface DecodedInstruction {
  /** `unknown` for another program's instruction or data this IDL does not decode. */
  name: InstructionName | 'unknown'
  programId: PublicKey
  /** Anchor's decoded arguments (BN for 64-bit integers). */
  args: Record<string, unknown>
  /** Accounts by their IDL name, in order. */
  accounts: { name: string; pubkey: PublicKey; isSigner: boolean; isWritable: boolean }[]
}

export function decodeInstructions(tx: Transaction): DecodedInstruction[] {
  return tx.instructions.map((ix) => {
    const decoded = ix.programId.equals(PROGRAM_ID) ? coder.instruction.decode(ix.data) : null
    if (decoded === null) {
      return {
        name: 'unknown',
        programId: ix.programId,
        args: {},
        accounts: ix.keys.map((k) => ({ name: '', ...k })),
      }
    }
    const names = CAMEL_IDL.instructions.find((i) => i.name === decoded.name)?.accounts.map((a) => a.name) ?? []
    return {
      name: decoded.name as InstructionName,
      programId: ix.programId,
      args: decoded.data as Record<string, unknown>,
      accounts: ix.keys.map((k, i) => ({ name: names[i] ?? '', ...k })),
    }
  })
}

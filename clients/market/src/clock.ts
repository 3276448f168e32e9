/** The chain's clock: what the program's `Clock::get()` sees, for attestation and hand-off times. */
import { type Connection, SYSVAR_CLOCK_PUBKEY } from '@solana/web3.js'

// Clock sysvar layout (solana-clock): slot u64, epoch_start_timestamp i64, epoch u64,
// leader_schedule_epoch u64, unix_timestamp i64. No coder for sysvars exists in web3.js 1.x.
const UNIX_TIMESTAMP_OFFSET = 32

/** The chain's unix time in seconds. */
export async function chainNow(connection: Connection): Promise<number> {
  const info = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY)
  if (info === null) throw new Error('the RPC returned no Clock sysvar')
  return Number(info.data.readBigInt64LE(UNIX_TIMESTAMP_OFFSET))
}

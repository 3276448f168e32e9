//! Every instruction's largest transaction fits in one packet: built with real signers, a fee
//! payer of its own, a compute-unit limit and price (as clients send them), the longest
//! arguments (32-byte labels, every optional key set) and every optional account (the
//! consumer's signature on a hand-off, the Ed25519 receipt before an attestation), then
//! serialized with bincode as the wire format is.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use synkti_market::instructions::{MarketUpdate, OpenLeaseArgs, UpdateProviderArgs, Verdict};
use synkti_market::state::{Capabilities, Cloud, MigrationPolicy};

use crate::fixtures::*;

/// solana's PACKET_DATA_SIZE: 1280 (IPv6 minimum MTU) − 40 (IPv6 header) − 8 (UDP header).
const PACKET_DATA_SIZE: usize = 1_232;

fn widest_capabilities() -> Capabilities {
    Capabilities {
        gpu_model: "G".repeat(32),
        gpu_count: u8::MAX,
        vram_gb: u16::MAX,
        cloud: Cloud::Other,
        region: "r".repeat(32),
        zone: "z".repeat(32),
        spot: true,
    }
}

fn provider(m: &MarketFx) -> ProviderFx {
    let authority = Keypair::new();
    let key = provider_pda(&m.key, &authority.pubkey(), u16::MAX);
    ProviderFx {
        authority,
        operator: Keypair::new(),
        index: u16::MAX,
        key,
        stake_vault: stake_vault_pda(&key),
        earnings_vault: earnings_vault_pda(&key),
        payout: Pubkey::new_unique(),
        stake_wallet: Pubkey::new_unique(),
    }
}

fn wire_size(ixs: &[Instruction], signers: &[&Keypair]) -> usize {
    let payer = Keypair::new();
    let budget = [
        ComputeBudgetInstruction::set_compute_unit_limit(1_400_000),
        ComputeBudgetInstruction::set_compute_unit_price(u64::MAX),
    ];
    let ixs: Vec<Instruction> = budget.into_iter().chain(ixs.iter().cloned()).collect();
    let mut all = vec![&payer];
    all.extend_from_slice(signers);
    let tx = Transaction::new_signed_with_payer(&ixs, Some(&payer.pubkey()), &all, Default::default());
    bincode::serialized_size(&tx).expect("serializes") as usize
}

#[test]
fn every_instructions_largest_transaction_fits_in_a_packet() {
    let (creator, arbiter, treasury) = (Keypair::new(), Keypair::new(), Keypair::new());
    let (mint, stake_mint) = (Pubkey::new_unique(), Pubkey::new_unique());
    let key = market_pda(&creator.pubkey(), &mint);
    let m = MarketFx {
        params: default_params(arbiter.pubkey(), treasury.pubkey()),
        creator,
        arbiter,
        treasury,
        key,
        mint,
        stake_mint,
        fee_vault: fee_vault_pda(&key),
        slash_vault: slash_vault_pda(&key),
    };
    let (p, q) = (provider(&m), provider(&m));
    let c = ConsumerFx { kp: Keypair::new(), token: Pubkey::new_unique(), stake_token: Pubkey::new_unique() };
    let lease = LeaseFx::new(&m.key, u64::MAX);
    let (auth, op) = (p.authority.pubkey(), p.operator.pubkey());
    let new_operator = Keypair::new();
    let every_key = MarketUpdate {
        arbiter: Some(Pubkey::new_unique()),
        treasury: Some(Pubkey::new_unique()),
        authority: Some(Pubkey::new_unique()),
    };
    let open = OpenLeaseArgs {
        job_spec_hash: [u8::MAX; 32],
        deposit: u64::MAX,
        policy: MigrationPolicy {
            max_price_per_second: u64::MAX,
            max_migrations: u16::MAX,
            providers_may_migrate: false,
        },
        receipt_signer: Some(Pubkey::new_unique()),
    };
    let update = UpdateProviderArgs { capabilities: Some(widest_capabilities()), price_per_second: Some(u64::MAX) };
    let caller = Keypair::new();
    let cases: Vec<(&str, Vec<Instruction>, Vec<&Keypair>)> = vec![
        (
            "create_market",
            vec![m.create_ix(&m.creator.pubkey(), &mint, &stake_mint, m.params.clone())],
            vec![&m.creator],
        ),
        ("update_market", vec![m.update_market_ix(&m.creator.pubkey(), every_key)], vec![&m.creator]),
        ("apply_market_update", vec![m.apply_update_ix()], vec![]),
        (
            "withdraw_fees",
            vec![m.withdraw_from_ix(
                &m.treasury.pubkey(),
                &m.slash_vault,
                &stake_mint,
                &Pubkey::new_unique(),
                u64::MAX,
            )],
            vec![&m.treasury],
        ),
        (
            "register_provider",
            vec![m.register_ix(&auth, &op, u16::MAX, &p.payout, widest_capabilities(), u64::MAX)],
            vec![&p.authority, &p.operator],
        ),
        (
            "update_provider",
            vec![m.update_with_payout_ix(&p, &auth, update, Some(Pubkey::new_unique()))],
            vec![&p.authority],
        ),
        ("rotate_operator", vec![m.rotate_ix(&p, &op, &new_operator.pubkey())], vec![&p.authority, &new_operator]),
        ("claim_earnings", vec![m.claim_ix(&p, &Pubkey::new_unique(), Some(u64::MAX))], vec![&p.authority]),
        ("pause_provider", vec![m.pause_ix(&p, &op)], vec![&p.operator]),
        ("resume_provider", vec![m.resume_ix(&p, &op)], vec![&p.operator]),
        ("deposit_stake", vec![m.deposit_stake_ix(&p, &auth, &p.stake_wallet, u64::MAX)], vec![&p.authority]),
        ("begin_exit", vec![m.begin_exit_ix(&p, &auth)], vec![&p.authority]),
        ("withdraw_stake", vec![m.withdraw_stake_ix(&p, &auth, &p.stake_wallet, u64::MAX)], vec![&p.authority]),
        ("open_lease", vec![m.open_lease_ix(&c, &p.key, &lease, open)], vec![&c.kp]),
        ("accept_lease", vec![m.accept_ix(&p, &lease, &op)], vec![&p.operator]),
        (
            "attest_usage + receipt",
            m.attest_receipt_ixs(&c, &p, &lease, i64::MIN, i64::MAX).to_vec(),
            vec![&p.operator],
        ),
        ("top_up_lease", vec![m.top_up_ix(&c, &lease, &c.token, u64::MAX)], vec![&c.kp]),
        (
            "migrate_lease + consumer",
            vec![m.migrate_signed_ix(&p, &q, &lease, i64::MAX, Some(c.kp.pubkey()))],
            vec![&p.operator, &q.operator, &c.kp],
        ),
        ("close_lease", vec![m.close_ix(&c, &p, &lease, &op)], vec![&p.operator]),
        ("reclaim_stalled_lease", vec![m.reclaim_ix(&c, &p, &lease)], vec![&c.kp]),
        ("open_dispute", vec![m.dispute_ix(&c, &lease)], vec![&c.kp]),
        ("add_evidence", vec![m.evidence_ix(&op, &p, &lease, [u8::MAX; 32])], vec![&p.operator]),
        ("resolve_dispute", vec![m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund)], vec![&m.arbiter]),
        ("expire_dispute", vec![m.expire_ix(&caller.pubkey(), &c, &p, &lease)], vec![&caller]),
        ("finalize_lease", vec![m.finalize_ix(&caller.pubkey(), &c, &p, &lease)], vec![&caller]),
    ];
    let mut report = vec![];
    for (name, ixs, signers) in &cases {
        let size = wire_size(ixs, signers);
        report.push(format!("{name:<26} {size:>5} bytes"));
        assert!(size <= PACKET_DATA_SIZE, "{name}: {size} bytes > {PACKET_DATA_SIZE}");
    }
    eprintln!("largest transactions (limit {PACKET_DATA_SIZE}):\n{}", report.join("\n"));
}

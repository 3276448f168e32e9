//! A real bank with the program loaded natively, and the plumbing every suite needs:
//! sending transactions, reading accounts and balances, moving the clock.
use anchor_lang::prelude::{AccountDeserialize, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use solana_transaction_error::TransactionError;

use anchor_lang::solana_program::{program_pack::Pack, system_instruction};
use anchor_spl::token::spl_token;
use solana_keypair::Keypair;
use solana_program_test::{BanksClientError, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;

use synkti_market::error::SynktiError;

pub const DECIMALS: u8 = 6;

pub struct Env {
    pub ctx: ProgramTestContext,
    sent: u32,
}

/// What a failed transaction failed with, in the program's own terms.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    Program(u32),
    Other(String),
}

pub type TxResult = Result<Vec<String>, Failure>;

/// Anchor's own framework errors that the tests expect by name.
pub mod anchor_errors {
    pub const ACCOUNT_NOT_SIGNER: u32 = anchor_lang::error::ErrorCode::AccountNotSigner as u32;
    pub const ACCOUNT_NOT_INITIALIZED: u32 = anchor_lang::error::ErrorCode::AccountNotInitialized as u32;
    pub const CONSTRAINT_DUPLICATE_MUTABLE_ACCOUNT: u32 =
        anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount as u32;
    pub const ACCOUNT_DISCRIMINATOR_MISMATCH: u32 = anchor_lang::error::ErrorCode::AccountDiscriminatorMismatch as u32;
    pub const ACCOUNT_OWNED_BY_WRONG_PROGRAM: u32 = anchor_lang::error::ErrorCode::AccountOwnedByWrongProgram as u32;
}

pub fn code(e: SynktiError) -> u32 {
    anchor_lang::error::ERROR_CODE_OFFSET + e as u32
}

#[track_caller]
pub fn expect_err(result: TxResult, e: SynktiError) {
    assert_eq!(result.map(|_| ()), Err(Failure::Program(code(e))), "expected {e:?}");
}

#[track_caller]
pub fn expect_anchor_err(result: TxResult, code: u32) {
    assert_eq!(result.map(|_| ()), Err(Failure::Program(code)), "expected anchor error {code}");
}

impl Env {
    pub async fn new() -> Self {
        let ctx = synkti_bank::program_test().start_with_context().await;
        Self { ctx, sent: 0 }
    }

    pub fn payer(&self) -> Pubkey {
        self.ctx.payer.pubkey()
    }

    /// Sends one transaction paid by the context payer and returns its logs. Each carries a
    /// distinct compute-unit limit, so that repeating the same instructions makes a new
    /// transaction (as a client retrying later would) without waiting for a new blockhash.
    pub async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxResult {
        let blockhash = self.ctx.banks_client.get_latest_blockhash().await.expect("blockhash");
        self.sent += 1;
        let unique = solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(
            1_400_000 - self.sent % 100_000,
        );
        let ixs: Vec<Instruction> = std::iter::once(unique).chain(ixs.iter().cloned()).collect();
        let ixs = ixs.as_slice();
        let mut all: Vec<&Keypair> = vec![&self.ctx.payer];
        all.extend(signers.iter().copied().filter(|k| k.pubkey() != self.ctx.payer.pubkey()));
        let tx = Transaction::new_signed_with_payer(ixs, Some(&self.ctx.payer.pubkey()), &all, blockhash);
        let outcome = self.ctx.banks_client.process_transaction_with_metadata(tx).await;
        match outcome {
            Ok(result) => {
                let logs = result.metadata.map(|m| m.log_messages).unwrap_or_default();
                match result.result {
                    Ok(()) => Ok(logs),
                    Err(e) => Err(classify(e)),
                }
            }
            Err(BanksClientError::TransactionError(e)) => Err(classify(e)),
            Err(e) => Err(Failure::Other(e.to_string())),
        }
    }

    #[track_caller]
    pub fn ok(result: TxResult) -> Vec<String> {
        match result {
            Ok(logs) => logs,
            Err(e) => panic!("transaction failed: {e:?}"),
        }
    }

    pub async fn now(&mut self) -> i64 {
        self.ctx
            .banks_client
            .get_sysvar::<anchor_lang::solana_program::clock::Clock>()
            .await
            .expect("clock")
            .unix_timestamp
    }

    /// Moves the bank's clock forward by `seconds` (and a slot, so blockhashes advance).
    pub async fn warp(&mut self, seconds: i64) {
        let mut clock =
            self.ctx.banks_client.get_sysvar::<anchor_lang::solana_program::clock::Clock>().await.expect("clock");
        clock.unix_timestamp += seconds;
        clock.slot += 1;
        self.ctx.warp_to_slot(clock.slot).expect("warp");
        self.ctx.set_sysvar(&clock);
    }

    pub async fn fund(&mut self, to: &Pubkey, lamports: u64) {
        let ix = system_instruction::transfer(&self.payer(), to, lamports);
        Self::ok(self.send(&[ix], &[]).await);
    }

    pub async fn lamports(&mut self, key: &Pubkey) -> u64 {
        self.ctx.banks_client.get_balance(*key).await.expect("balance")
    }

    pub async fn exists(&mut self, key: &Pubkey) -> bool {
        self.ctx.banks_client.get_account(*key).await.expect("account").is_some()
    }

    pub async fn account<T: AccountDeserialize>(&mut self, key: &Pubkey) -> T {
        let acc = self.ctx.banks_client.get_account(*key).await.expect("rpc").expect("account exists");
        T::try_deserialize(&mut acc.data.as_slice()).expect("decode")
    }

    pub async fn create_mint(&mut self) -> Pubkey {
        let mint = Keypair::new();
        let rent = self.rent(spl_token::state::Mint::LEN).await;
        let payer = self.payer();
        let ixs = [
            system_instruction::create_account(
                &payer,
                &mint.pubkey(),
                rent,
                spl_token::state::Mint::LEN as u64,
                &spl_token::ID,
            ),
            spl_token::instruction::initialize_mint2(&spl_token::ID, &mint.pubkey(), &payer, None, DECIMALS).unwrap(),
        ];
        Self::ok(self.send(&ixs, &[&mint]).await);
        mint.pubkey()
    }

    /// A plain token account of `mint` owned by `owner`, holding `amount` freshly minted.
    pub async fn token_account(&mut self, mint: &Pubkey, owner: &Pubkey, amount: u64) -> Pubkey {
        self.token_accounts(&[(*mint, *owner, amount)]).await[0]
    }

    /// Several token accounts in one transaction: `(mint, owner, amount)` each.
    pub async fn token_accounts(&mut self, specs: &[(Pubkey, Pubkey, u64)]) -> Vec<Pubkey> {
        let rent = self.rent(spl_token::state::Account::LEN).await;
        let payer = self.payer();
        let accounts: Vec<Keypair> = specs.iter().map(|_| Keypair::new()).collect();
        let mut ixs = vec![];
        for ((mint, owner, amount), acc) in specs.iter().zip(&accounts) {
            let len = spl_token::state::Account::LEN as u64;
            ixs.push(system_instruction::create_account(&payer, &acc.pubkey(), rent, len, &spl_token::ID));
            ixs.push(spl_token::instruction::initialize_account3(&spl_token::ID, &acc.pubkey(), mint, owner).unwrap());
            if *amount > 0 {
                ixs.push(
                    spl_token::instruction::mint_to(&spl_token::ID, mint, &acc.pubkey(), &payer, &[], *amount).unwrap(),
                );
            }
        }
        let signers: Vec<&Keypair> = accounts.iter().collect();
        Self::ok(self.send(&ixs, &signers).await);
        accounts.iter().map(|a| a.pubkey()).collect()
    }

    pub async fn balance(&mut self, token_account: &Pubkey) -> u64 {
        let acc = self.ctx.banks_client.get_account(*token_account).await.expect("rpc").expect("token account");
        spl_token::state::Account::unpack(&acc.data).expect("token account").amount
    }

    async fn rent(&mut self, len: usize) -> u64 {
        self.ctx.banks_client.get_rent().await.expect("rent").minimum_balance(len)
    }
}

fn classify(e: TransactionError) -> Failure {
    match e {
        TransactionError::InstructionError(_, solana_instruction_error::InstructionError::Custom(code)) => {
            Failure::Program(code)
        }
        other => Failure::Other(format!("{other:?}")),
    }
}

/// Events of type `E` in a transaction's logs, decoded as Anchor's clients decode them.
pub fn events<E: anchor_lang::Event + anchor_lang::AnchorDeserialize>(logs: &[String]) -> Vec<E> {
    use anchor_lang::__private::base64::{engine::general_purpose::STANDARD, Engine};
    logs.iter()
        .filter_map(|l| l.strip_prefix("Program data: "))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .filter(|bytes| bytes.starts_with(E::DISCRIMINATOR))
        .map(|bytes| E::try_from_slice(&bytes[E::DISCRIMINATOR.len()..]).expect("event decodes"))
        .collect()
}

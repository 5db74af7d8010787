//! The terminal wallet's command line: global options and subcommands
//! (clap definitions only; what a person reads in `--help` comes from the
//! catalogs, see [`crate::i18n::help`]).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use imwallet_protocol::wire::Operation;

/// Where the profile is and which server it talks to (global options).
#[derive(Args, Debug, Clone)]
pub struct Connection {
    /// Profile directory (vault and settings) [default: the user's data
    /// directory, e.g. ~/.local/share/imwallet].
    #[arg(long, global = true, env = "IMWALLET_HOME")]
    pub home: Option<PathBuf>,
    /// Wallet API base URL (https, or http to loopback); saved in the
    /// profile on first use.
    #[arg(long, global = true, env = "IMWALLET_SERVER")]
    pub server: Option<String>,
    /// The developer app's API key; saved in the profile on first use.
    #[arg(long, global = true, env = "IMWALLET_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Do not ask before moving money (top-up, pay, transfer, withdraw):
    /// the quote is shown and the operation goes ahead.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
}

/// The terminal wallet's commands.
#[derive(Subcommand, Debug)]
pub enum WalletCommand {
    /// Create an account (a code is sent to the phone or e-mail).
    Register {
        /// Phone in E.164 form (+8613800000000) or e-mail address.
        identifier: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// A code already sent by an earlier attempt (no new one is sent);
        /// else a code is sent and prompted / read from stdin, and asked for
        /// again while it is wrong.
        #[arg(long)]
        code: Option<String>,
    },
    /// Log in with password and second factor; creates the local vault.
    Login {
        /// Phone or e-mail.
        identifier: String,
        /// The second-factor code (else prompted / read from stdin).
        #[arg(long)]
        code: Option<String>,
    },
    /// Unlock the vault and show the account and balances.
    Unlock,
    /// Log out on the server and wipe the session on this device.
    Logout,
    /// Balances and points.
    Balance,
    /// Bank cards.
    Cards {
        #[command(subcommand)]
        action: CardsAction,
    },
    /// The exact fee and totals of an operation, before doing it.
    Quote {
        /// What to price: topup (card to wallet), payment (wallet to
        /// merchant), transfer (to another user), withdrawal (to a card).
        operation: QuoteOperation,
        /// Amount, e.g. 100.00.
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency code.
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// Coupon to apply (payments).
        #[arg(long)]
        coupon: Option<String>,
        /// Points to redeem (payments).
        #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(0..))]
        points: Option<i64>,
    },
    /// Top up the wallet from a bound card.
    Topup {
        /// Amount, e.g. 100.00.
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency code.
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// Card id (default: the first verified card).
        #[arg(long)]
        card: Option<String>,
    },
    /// Pay a scanned code (merchant code or a user's receive code).
    Pay {
        /// The payload, or `-` to read it from the first stdin line.
        payload: String,
        /// Amount (required unless the code carries one).
        #[arg(long)]
        amount: Option<String>,
        /// Currency code of --amount.
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// Coupon to apply.
        #[arg(long)]
        coupon: Option<String>,
        /// Points to redeem.
        #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(0..))]
        points: Option<i64>,
        /// A note for the history.
        #[arg(long)]
        memo: Option<String>,
    },
    /// Send money to another user.
    Transfer {
        /// +phone, e-mail, user id, or the recipient's receive code.
        to: String,
        /// Amount.
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency code.
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// A note for both histories.
        #[arg(long)]
        memo: Option<String>,
    },
    /// Withdraw to a bound card (confirmed by a code).
    Withdraw {
        /// Amount.
        #[arg(allow_negative_numbers = true)]
        amount: String,
        /// Currency code.
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// Card id (default: the first verified card).
        #[arg(long)]
        card: Option<String>,
        /// The withdrawal code (else prompted / read from stdin).
        #[arg(long)]
        code: Option<String>,
    },
    /// Sync and show the transaction history.
    History {
        /// Rows to show.
        #[arg(long, default_value_t = 50, allow_negative_numbers = true)]
        limit: u32,
        /// Show the cached history without syncing.
        #[arg(long)]
        offline: bool,
    },
    /// Spending per month and category.
    Summary,
    /// Show a receive code as a QR.
    Receive {
        /// A fixed amount (makes the code single-payment).
        #[arg(long)]
        amount: Option<String>,
        /// Currency code.
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// A reference shown to both sides.
        #[arg(long)]
        reference: Option<String>,
        /// Also write the QR as a PNG file.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Change the password, or reset a forgotten one with a code.
    Password {
        #[command(subcommand)]
        action: PasswordAction,
    },
    /// Freeze the account at once (a lost phone): no money moves until
    /// `unfreeze`.
    Freeze,
    /// Unfreeze an account frozen with `freeze` (the password again).
    Unfreeze,
    /// Logins, password changes, freezes and other security events, newest
    /// first.
    Security,
    /// The coupons of the account (use one with `pay --coupon ID`).
    Coupons,
    /// The points balance and how it changed, newest first.
    Points,
    /// Money operations this device left open (an interrupted payment, a
    /// lost connection): list them, or settle them with the server now.
    Ops {
        #[command(subcommand)]
        action: OpsAction,
    },
    /// Show the offline payment code as a QR (provisions this device once).
    Paycode {
        /// Also write the QR as a PNG file.
        #[arg(long)]
        png: Option<PathBuf>,
        /// Keep showing the code, a fresh one every --every seconds, until
        /// Ctrl-C (not with --json).
        #[arg(long)]
        watch: bool,
        /// Seconds between two codes with --watch (1 to 30).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=30))]
        every: u64,
    },
}

/// `imwallet cards ...`
#[derive(Subcommand, Debug)]
pub enum CardsAction {
    /// Bind a card (a code is sent to confirm it).
    Add {
        /// Card number.
        number: String,
        /// Expiry, MM/YYYY.
        #[arg(long)]
        expiry: String,
        /// Name on the card.
        #[arg(long)]
        holder: String,
        /// The confirmation code (else prompted / read from stdin).
        #[arg(long)]
        code: Option<String>,
    },
    /// Confirm a card waiting for its code (a new code is sent unless
    /// --code gives one already sent).
    Verify {
        /// Card id (see `imwallet cards list`).
        card_id: String,
        /// The confirmation code (else a new one is sent and prompted /
        /// read from stdin).
        #[arg(long)]
        code: Option<String>,
    },
    /// List the bound cards.
    List,
    /// Remove a card.
    Remove {
        /// Card id.
        card_id: String,
    },
}

/// `imwallet password ...`
#[derive(Subcommand, Debug)]
pub enum PasswordAction {
    /// Change the password (the current one unlocks; the new one is
    /// `IMWALLET_NEW_PASSWORD`, else prompted / the next stdin line). Other
    /// sessions of the account are signed out.
    Change,
    /// Set a new password for a forgotten one: the new password first,
    /// then the code sent to the phone or e-mail.
    Reset {
        /// Phone or e-mail of the account.
        identifier: String,
        /// The reset code (else prompted / read from stdin).
        #[arg(long)]
        code: Option<String>,
    },
}

/// `imwallet ops ...`
#[derive(Subcommand, Debug, Clone, Copy)]
pub enum OpsAction {
    /// List the money operations whose outcome is still open.
    List,
    /// Ask the server how each open operation ended, and finish it exactly
    /// once.
    Reconcile,
}

/// What `imwallet quote` prices.
#[derive(ValueEnum, Clone, Copy, Debug)]
// The variants carry no doc comments: clap would show those untranslated;
// the argument's help (from the catalogs) explains each value.
#[allow(missing_docs)]
pub enum QuoteOperation {
    Topup,
    Payment,
    Transfer,
    Withdrawal,
}

impl QuoteOperation {
    /// The wire operation this value prices.
    pub fn wire(self) -> Operation {
        match self {
            Self::Topup => Operation::TopUp,
            Self::Payment => Operation::Payment,
            Self::Transfer => Operation::Transfer,
            Self::Withdrawal => Operation::Withdrawal,
        }
    }
}

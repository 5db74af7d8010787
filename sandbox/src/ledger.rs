//! The double-entry ledger.
//!
//! Every money movement is a [`Journal`]: lines on accounts that sum to zero
//! per currency. Postings are immutable (a trigger refuses UPDATE and DELETE);
//! corrections are new journals (reversals). Balances are derived from
//! postings; a cached balance per account is updated in the same transaction
//! and [`LedgerStore::check_invariants`] recomputes it from the postings.
//! User and merchant accounts are *guarded*: a journal that would take one
//! below zero is refused as a whole.
//!
//! Storage sits behind the [`LedgerStore`] trait; [`SqliteLedger`] is the
//! embedded implementation. A PostgreSQL backend would implement the same
//! trait over its own transaction type.

use imwallet_protocol::money::{Currency, Money};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

/// Accounts owned by the platform (not guarded: they may go negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemAccount {
    /// Fees earned.
    FeeRevenue,
    /// Money arriving from card charges (top-ups).
    CardFunding,
    /// Money paid out to cards (completed withdrawals).
    CardSettlement,
    /// Withdrawals debited from users but not yet paid out.
    WithdrawalClearing,
    /// Coupon discounts and points the platform funds.
    Marketing,
    /// Value of outstanding loyalty points.
    PointsLiability,
    /// Funds of transactions held by risk rules.
    RiskHold,
    /// The FX desk's position per currency.
    FxPool,
}

impl SystemAccount {
    fn name(self) -> &'static str {
        match self {
            SystemAccount::FeeRevenue => "fee_revenue",
            SystemAccount::CardFunding => "card_funding",
            SystemAccount::CardSettlement => "card_settlement",
            SystemAccount::WithdrawalClearing => "withdrawal_clearing",
            SystemAccount::Marketing => "marketing",
            SystemAccount::PointsLiability => "points_liability",
            SystemAccount::RiskHold => "risk_hold",
            SystemAccount::FxPool => "fx_pool",
        }
    }
}

/// One ledger account: an owner and a currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRef {
    code: String,
    currency: Currency,
    guarded: bool,
}

impl AccountRef {
    /// A user's wallet in `currency` (guarded).
    pub fn user(user_id: &str, currency: Currency) -> AccountRef {
        AccountRef {
            code: format!("user:{user_id}:{currency}"),
            currency,
            guarded: true,
        }
    }

    /// A merchant's settlement account in `currency` (guarded).
    pub fn merchant(merchant_id: &str, currency: Currency) -> AccountRef {
        AccountRef {
            code: format!("merchant:{merchant_id}:{currency}"),
            currency,
            guarded: true,
        }
    }

    /// A platform account in `currency`.
    pub fn system(which: SystemAccount, currency: Currency) -> AccountRef {
        AccountRef {
            code: format!("system:{}:{currency}", which.name()),
            currency,
            guarded: false,
        }
    }

    /// The account's unique code, e.g. `user:usr_1:CNY`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The account's currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }
}

/// One line of a journal: a signed amount in minor units on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The account.
    pub account: AccountRef,
    /// Positive credits the account, negative debits it.
    pub minor: i64,
}

/// A balanced set of lines, applied atomically.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    /// Unique journal id (a transaction id, or `<txn>/<step>`).
    pub id: String,
    /// The lines; zero-amount lines are dropped when posting.
    pub lines: Vec<Line>,
}

impl Journal {
    /// An empty journal with the given id.
    pub fn new(id: impl Into<String>) -> Journal {
        Journal {
            id: id.into(),
            lines: Vec::new(),
        }
    }

    /// Moves `minor` from `from` to `to` (both in the same currency).
    pub fn transfer(mut self, from: AccountRef, to: AccountRef, minor: i64) -> Journal {
        if minor != 0 {
            self.lines.push(Line {
                account: from,
                minor: -minor,
            });
            self.lines.push(Line { account: to, minor });
        }
        self
    }

    /// The same journal with every line negated, under a new id.
    pub fn reversed(&self, id: impl Into<String>) -> Journal {
        Journal {
            id: id.into(),
            lines: self
                .lines
                .iter()
                .map(|l| Line {
                    account: l.account.clone(),
                    minor: -l.minor,
                })
                .collect(),
        }
    }
}

/// Why a journal was refused.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The lines do not sum to zero in a currency.
    #[error("journal {journal} does not balance in {currency}")]
    Unbalanced {
        /// Journal id.
        journal: String,
        /// Currency that does not balance.
        currency: Currency,
    },
    /// A guarded account would go below zero.
    #[error("insufficient funds on {account}")]
    InsufficientFunds {
        /// Account code.
        account: String,
    },
    /// A balance would overflow.
    #[error("balance overflow")]
    Overflow,
    /// The journal id is unknown.
    #[error("no journal {0}")]
    UnknownJournal(String),
    /// The storage failed.
    #[error("ledger storage: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// Result of a full invariant check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvariantReport {
    /// Number of journals.
    pub journals: i64,
    /// Number of postings.
    pub postings: i64,
    /// Human-readable violations; empty when the ledger is sound.
    pub violations: Vec<String>,
}

impl InvariantReport {
    /// Whether every invariant holds.
    pub fn is_sound(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Storage of the ledger, used inside the caller's write transaction.
pub trait LedgerStore {
    /// Applies a journal atomically: all lines or none.
    fn post(&self, journal: &Journal, at_ms: i64) -> Result<(), LedgerError>;
    /// Current balance of an account in minor units (0 if it never moved).
    fn balance(&self, account: &AccountRef) -> Result<Money, LedgerError>;
    /// Every balance of an owner prefix such as `user:usr_1`, by currency.
    fn balances_of(&self, owner: &str) -> Result<Vec<Money>, LedgerError>;
    /// The lines of a posted journal.
    fn journal(&self, id: &str) -> Result<Journal, LedgerError>;
    /// Recomputes everything from the postings and reports violations.
    fn check_invariants(&self) -> Result<InvariantReport, LedgerError>;
}

/// [`LedgerStore`] over a SQLite connection (normally a transaction).
#[derive(Debug, Clone, Copy)]
pub struct SqliteLedger<'c> {
    conn: &'c Connection,
}

impl<'c> SqliteLedger<'c> {
    /// The ledger inside `conn`.
    pub fn new(conn: &'c Connection) -> SqliteLedger<'c> {
        SqliteLedger { conn }
    }
}

/// Postings inserted by one statement at most.
const POSTINGS_PER_INSERT: usize = 4;

/// `INSERT INTO postings ...` for `n` (1 to [`POSTINGS_PER_INSERT`]) lines:
/// `?1` journal, `?2` time, then account, currency and amount per line.
fn insert_postings_sql(n: usize) -> &'static str {
    const SQL: [&str; POSTINGS_PER_INSERT] = [
        "INSERT INTO postings (journal, account_id, currency, amount, at) VALUES (?1, ?3, ?4, ?5, ?2)",
        "INSERT INTO postings (journal, account_id, currency, amount, at) VALUES (?1, ?3, ?4, ?5, ?2), (?1, ?6, ?7, ?8, ?2)",
        "INSERT INTO postings (journal, account_id, currency, amount, at) VALUES (?1, ?3, ?4, ?5, ?2), (?1, ?6, ?7, ?8, ?2), (?1, ?9, ?10, ?11, ?2)",
        "INSERT INTO postings (journal, account_id, currency, amount, at) VALUES (?1, ?3, ?4, ?5, ?2), (?1, ?6, ?7, ?8, ?2), (?1, ?9, ?10, ?11, ?2), (?1, ?12, ?13, ?14, ?2)",
    ];
    SQL[n.clamp(1, POSTINGS_PER_INSERT) - 1]
}

fn currency_of(code: &str) -> Result<Currency, LedgerError> {
    Currency::from_code(code).map_err(|_| {
        LedgerError::Storage(rusqlite::Error::InvalidColumnType(
            0,
            "currency".into(),
            rusqlite::types::Type::Text,
        ))
    })
}

fn account_from_code(code: &str, guarded: bool) -> Result<AccountRef, LedgerError> {
    let currency = code
        .rsplit(':')
        .next()
        .map(currency_of)
        .transpose()?
        .ok_or(LedgerError::Overflow)?;
    Ok(AccountRef {
        code: code.to_owned(),
        currency,
        guarded,
    })
}

impl LedgerStore for SqliteLedger<'_> {
    fn post(&self, journal: &Journal, at_ms: i64) -> Result<(), LedgerError> {
        // Journals have a handful of lines: small vectors beat maps here.
        let mut sums: Vec<(Currency, i128)> = Vec::with_capacity(2);
        for line in &journal.lines {
            let currency = line.account.currency();
            match sums.iter_mut().find(|(c, _)| *c == currency) {
                Some((_, sum)) => *sum += i128::from(line.minor),
                None => sums.push((currency, i128::from(line.minor))),
            }
        }
        if let Some((currency, _)) = sums.iter().find(|(_, s)| *s != 0) {
            return Err(LedgerError::Unbalanced {
                journal: journal.id.clone(),
                currency: *currency,
            });
        }
        // Net effect per account, applied in code order.
        let mut net: Vec<(&AccountRef, i64)> = Vec::with_capacity(journal.lines.len());
        for line in journal.lines.iter().filter(|l| l.minor != 0) {
            match net.iter_mut().find(|(a, _)| a.code == line.account.code) {
                Some((_, delta)) => {
                    *delta = delta.checked_add(line.minor).ok_or(LedgerError::Overflow)?;
                }
                None => net.push((&line.account, line.minor)),
            }
        }
        net.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        // One statement per existing account moves its balance, refusing
        // (no row) a guarded balance below zero or an overflow: `?3..=?4`
        // are the balances `b` for which `b + delta` is allowed. A missing
        // account is created when its first balance is allowed.
        let mut apply = self.conn.prepare_cached(
            "UPDATE accounts SET balance = balance + ?2 WHERE code = ?1 AND balance BETWEEN ?3 AND ?4
             RETURNING id",
        )?;
        let mut ids: Vec<i64> = Vec::with_capacity(net.len());
        for (account, delta) in &net {
            let (mut lo, mut hi) = (i64::MIN, i64::MAX);
            if *delta >= 0 {
                hi -= delta;
            } else if account.guarded {
                lo = -delta;
            } else {
                lo -= delta;
            }
            let mut id: Option<i64> = apply
                .query_row(params![account.code, delta, lo, hi], |r| r.get(0))
                .optional()?;
            if id.is_none() && (lo..=hi).contains(&0) {
                id = self
                    .conn
                    .prepare_cached(
                        "INSERT INTO accounts (code, currency, guarded, balance) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (code) DO NOTHING RETURNING id",
                    )?
                    .query_row(
                        params![account.code, account.currency.code(), account.guarded, delta],
                        |r| r.get(0),
                    )
                    .optional()?;
            }
            let Some(id) = id else {
                // Undo what this journal already moved: all lines or none.
                let mut undo = self
                    .conn
                    .prepare_cached("UPDATE accounts SET balance = balance - ?2 WHERE id = ?1")?;
                for (id, (_, delta)) in ids.iter().zip(&net) {
                    undo.execute(params![id, delta])?;
                }
                return Err(if account.guarded && *delta < 0 {
                    LedgerError::InsufficientFunds {
                        account: account.code.clone(),
                    }
                } else {
                    LedgerError::Overflow
                });
            };
            ids.push(id);
        }
        let id_of = |line: &Line| {
            net.iter()
                .zip(&ids)
                .find(|((a, _), _)| a.code == line.account.code)
                .map_or(0, |(_, id)| *id)
        };
        // Postings in as few statements as possible.
        let lines: Vec<&Line> = journal.lines.iter().filter(|l| l.minor != 0).collect();
        for chunk in lines.chunks(POSTINGS_PER_INSERT) {
            let mut insert = self.conn.prepare_cached(insert_postings_sql(chunk.len()))?;
            let mut values: Vec<Value> = Vec::with_capacity(2 + 3 * chunk.len());
            values.push(Value::Text(journal.id.clone()));
            values.push(Value::Integer(at_ms));
            for line in chunk {
                values.push(Value::Integer(id_of(line)));
                values.push(Value::Text(line.account.currency.code().to_owned()));
                values.push(Value::Integer(line.minor));
            }
            insert.execute(params_from_iter(values))?;
        }
        Ok(())
    }

    fn balance(&self, account: &AccountRef) -> Result<Money, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT balance FROM accounts WHERE code = ?1")?;
        let minor: Option<i64> = stmt.query_row([account.code()], |r| r.get(0)).optional()?;
        Ok(Money::new(minor.unwrap_or(0), account.currency()))
    }

    fn balances_of(&self, owner: &str) -> Result<Vec<Money>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT currency, balance FROM accounts WHERE code >= ?1 AND code < ?2 ORDER BY currency",
        )?;
        let lo = format!("{owner}:");
        let hi = format!("{owner};");
        let rows = stmt.query_map([lo, hi], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (code, minor) = row?;
            out.push(Money::new(minor, currency_of(&code)?));
        }
        Ok(out)
    }

    fn journal(&self, id: &str) -> Result<Journal, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.code, a.guarded, p.amount FROM postings p JOIN accounts a ON a.id = p.account_id
             WHERE p.journal = ?1 ORDER BY p.id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut journal = Journal::new(id);
        for row in rows {
            let (code, guarded, minor) = row?;
            journal.lines.push(Line {
                account: account_from_code(&code, guarded)?,
                minor,
            });
        }
        if journal.lines.is_empty() {
            return Err(LedgerError::UnknownJournal(id.to_owned()));
        }
        Ok(journal)
    }

    fn check_invariants(&self) -> Result<InvariantReport, LedgerError> {
        let mut report = InvariantReport {
            journals: self.conn.query_row(
                "SELECT COUNT(DISTINCT journal) FROM postings",
                [],
                |r| r.get(0),
            )?,
            postings: self
                .conn
                .query_row("SELECT COUNT(*) FROM postings", [], |r| r.get(0))?,
            violations: Vec::new(),
        };
        let mut collect = |sql: &str, what: &str| -> Result<(), LedgerError> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| {
                Ok(format!(
                    "{what}: {} {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?
                ))
            })?;
            for row in rows {
                report.violations.push(row?);
            }
            Ok(())
        };
        collect(
            "SELECT journal || ' ' || currency, SUM(amount) FROM postings
             GROUP BY journal, currency HAVING SUM(amount) != 0",
            "journal does not sum to zero",
        )?;
        collect(
            "SELECT currency, SUM(amount) FROM postings GROUP BY currency HAVING SUM(amount) != 0",
            "global sum is not zero",
        )?;
        collect(
            "SELECT a.code, COALESCE(s.total, 0) FROM accounts a
             LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM postings GROUP BY account_id) s
             ON s.account_id = a.id
             WHERE a.guarded = 1 AND COALESCE(s.total, 0) < 0",
            "guarded account negative",
        )?;
        collect(
            "SELECT a.code, a.balance - COALESCE(s.total, 0) FROM accounts a
             LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM postings GROUP BY account_id) s
             ON s.account_id = a.id
             WHERE a.balance != COALESCE(s.total, 0)",
            "cached balance differs from postings by",
        )?;
        collect(
            "SELECT a.code || ' ' || p.currency, p.id FROM postings p JOIN accounts a ON a.id = p.account_id
             WHERE a.currency != p.currency",
            "posting currency differs from account",
        )?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::problem::Problem;

    const CNY: Currency = Currency::Cny;

    fn with_ledger<T>(
        db: &Db,
        f: impl FnOnce(&SqliteLedger<'_>) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let mut out = None;
        let _ = db.write(|tx| {
            let r = f(&SqliteLedger::new(tx));
            let failed = r.is_err();
            out = Some(r);
            if failed {
                Err(Problem::internal("rollback"))
            } else {
                Ok(())
            }
        });
        out.unwrap_or(Err(LedgerError::Overflow))
    }

    fn top_up(id: &str, user: &str, minor: i64) -> Journal {
        Journal::new(id).transfer(
            AccountRef::system(SystemAccount::CardFunding, CNY),
            AccountRef::user(user, CNY),
            minor,
        )
    }

    #[test]
    fn balanced_journals_move_money_and_keep_invariants() {
        let db = Db::open(":memory:").unwrap();
        with_ledger(&db, |l| {
            l.post(&top_up("t1", "u1", 1000), 1)?;
            l.post(
                &Journal::new("t2").transfer(
                    AccountRef::user("u1", CNY),
                    AccountRef::user("u2", CNY),
                    400,
                ),
                2,
            )
        })
        .unwrap();
        let (b1, b2, report) = with_ledger(&db, |l| {
            Ok((
                l.balance(&AccountRef::user("u1", CNY))?,
                l.balance(&AccountRef::user("u2", CNY))?,
                l.check_invariants()?,
            ))
        })
        .unwrap();
        assert_eq!(b1.minor, 600);
        assert_eq!(b2.minor, 400);
        assert!(report.is_sound(), "{:?}", report.violations);
        assert_eq!(report.journals, 2);
    }

    #[test]
    fn unbalanced_journal_is_refused() {
        let db = Db::open(":memory:").unwrap();
        let mut j = top_up("t1", "u1", 10);
        j.lines[0].minor = -9;
        let err = with_ledger(&db, |l| l.post(&j, 1)).unwrap_err();
        assert!(matches!(err, LedgerError::Unbalanced { .. }));
    }

    #[test]
    fn overdraft_of_a_user_is_refused_and_writes_nothing() {
        let db = Db::open(":memory:").unwrap();
        with_ledger(&db, |l| l.post(&top_up("t1", "u1", 100), 1)).unwrap();
        let j = Journal::new("t2").transfer(
            AccountRef::user("u1", CNY),
            AccountRef::user("u2", CNY),
            101,
        );
        let err = with_ledger(&db, |l| l.post(&j, 2)).unwrap_err();
        assert!(matches!(err, LedgerError::InsufficientFunds { .. }));
        let report = with_ledger(&db, |l| l.check_invariants()).unwrap();
        assert_eq!(report.postings, 2);
        assert!(report.is_sound());
    }

    #[test]
    fn a_journal_refused_on_a_later_account_leaves_earlier_ones_unchanged() {
        let db = Db::open(":memory:").unwrap();
        with_ledger(&db, |l| l.post(&top_up("t1", "u1", 100), 1)).unwrap();
        let funding = AccountRef::system(SystemAccount::CardFunding, CNY);
        // `system:...` is moved before `user:u1:...` is refused
        let j = Journal::new("t2").transfer(AccountRef::user("u1", CNY), funding.clone(), 101);
        let mut refused = None;
        db.write(|c| {
            refused = Some(SqliteLedger::new(c).post(&j, 2));
            Ok(())
        })
        .unwrap();
        assert!(matches!(
            refused,
            Some(Err(LedgerError::InsufficientFunds { .. }))
        ));
        let (b, report) =
            with_ledger(&db, |l| Ok((l.balance(&funding)?, l.check_invariants()?))).unwrap();
        assert_eq!(b.minor, -100);
        assert!(report.is_sound(), "{:?}", report.violations);
        assert_eq!(report.postings, 2);
    }

    #[test]
    fn a_balance_overflow_is_refused_and_moves_nothing() {
        let db = Db::open(":memory:").unwrap();
        with_ledger(&db, |l| l.post(&top_up("t1", "u1", i64::MAX), 1)).unwrap();
        let mut refused = None;
        db.write(|c| {
            refused = Some(SqliteLedger::new(c).post(&top_up("t2", "u1", 1), 2));
            Ok(())
        })
        .unwrap();
        assert!(matches!(refused, Some(Err(LedgerError::Overflow))));
        let report = with_ledger(&db, |l| l.check_invariants()).unwrap();
        assert!(report.is_sound(), "{:?}", report.violations);
        let funding = with_ledger(&db, |l| {
            l.balance(&AccountRef::system(SystemAccount::CardFunding, CNY))
        })
        .unwrap();
        assert_eq!(funding.minor, -i64::MAX);
    }

    #[test]
    fn reversal_restores_balances_without_editing_postings() {
        let db = Db::open(":memory:").unwrap();
        with_ledger(&db, |l| {
            l.post(&top_up("t1", "u1", 500), 1)?;
            let original = l.journal("t1")?;
            l.post(&original.reversed("r1"), 2)
        })
        .unwrap();
        let (b, report) = with_ledger(&db, |l| {
            Ok((
                l.balance(&AccountRef::user("u1", CNY))?,
                l.check_invariants()?,
            ))
        })
        .unwrap();
        assert_eq!(b.minor, 0);
        assert_eq!(report.postings, 4);
        assert!(report.is_sound());
    }

    #[test]
    fn tampered_cached_balance_is_reported() {
        let db = Db::open(":memory:").unwrap();
        with_ledger(&db, |l| l.post(&top_up("t1", "u1", 500), 1)).unwrap();
        db.write(|tx| {
            tx.execute(
                "UPDATE accounts SET balance = balance + 1 WHERE code = 'user:u1:CNY'",
                [],
            )?;
            Ok(())
        })
        .unwrap();
        let report = with_ledger(&db, |l| l.check_invariants()).unwrap();
        assert!(!report.is_sound());
    }
}

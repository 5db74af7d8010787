//! Points balance and coupons (cache). The points balance and each coupon's
//! title and value are encrypted; a coupon's server id, status and expiry
//! are plaintext so expired ones can be filtered without decrypting, and
//! authenticated: they are the AAD row of the coupon's body
//! ([`COUPON_SCHEMA`]), so an edited status or expiry fails to open instead
//! of showing a used coupon as available. Coupons written before (the server
//! id alone as AAD) were dropped by cache migration 4.

use imwallet_protocol::money::{Currency, Money};
use rusqlite::{OptionalExtension, params};

use super::{RepoCtx, aad};
use crate::crypto::Aad;
use crate::store::codec::{RecordReader, RecordWriter};
use crate::store::error::{Result, VaultError};

/// A coupon as cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    /// The server's coupon id.
    pub server_id: String,
    /// `available`, `used`, `expired`, ...
    pub status: String,
    /// Expiry, Unix seconds.
    pub expires_at_s: i64,
    /// Title shown to the user.
    pub title: String,
    /// Discount value.
    pub value: Money,
}

/// Layout version of a coupon body's AAD: 2 binds status and expiry.
pub const COUPON_SCHEMA: u32 = 2;

/// The AAD row of a coupon: its plaintext columns, length-prefixed.
fn coupon_row(server_id: &str, status: &str, expires_at_s: i64) -> zeroize::Zeroizing<Vec<u8>> {
    RecordWriter::with_capacity(64)
        .str(server_id)
        .str(status)
        .i64(expires_at_s)
        .finish()
}

fn coupon_aad(row: &[u8]) -> Aad<'_> {
    Aad {
        table: "coupons",
        column: "body",
        row,
        schema: COUPON_SCHEMA,
    }
}

/// Access to points and coupons.
pub struct Rewards<'v>(pub(crate) RepoCtx<'v>);

impl Rewards<'_> {
    /// Stores the points balance.
    pub fn set_points(&self, points: i64) -> Result<()> {
        let env = self
            .0
            .keys
            .columns
            .seal(&aad("points", "body", b"1"), &points.to_le_bytes())?;
        self.0.db.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO cache.points (id, body) VALUES (1, ?1)",
                [env],
            )?;
            Ok(())
        })
    }

    /// The cached points balance, if any.
    pub fn points(&self) -> Result<Option<i64>> {
        let env: Option<Vec<u8>> = self.0.db.read(|c| {
            Ok(
                c.query_row("SELECT body FROM cache.points WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })?;
        let Some(env) = env else { return Ok(None) };
        let plain = self
            .0
            .keys
            .columns
            .open(&aad("points", "body", b"1"), &env)?;
        let bytes: [u8; 8] = plain
            .as_slice()
            .try_into()
            .map_err(|_| crate::crypto::CryptoError::MalformedRecord)?;
        Ok(Some(i64::from_le_bytes(bytes)))
    }

    /// Replaces every cached coupon.
    pub fn replace_coupons(&self, coupons: &[Coupon]) -> Result<()> {
        let keys = &self.0.keys;
        let mut rows = Vec::with_capacity(coupons.len());
        for c in coupons {
            let plain = RecordWriter::default()
                .str(&c.title)
                .i64(c.value.minor)
                .str(c.value.currency.code())
                .finish();
            let row = coupon_row(&c.server_id, &c.status, c.expires_at_s);
            rows.push(keys.columns.seal(&coupon_aad(&row), &plain)?);
        }
        self.0.db.write(|tx| {
            tx.execute("DELETE FROM cache.coupons", [])?;
            let mut stmt = tx.prepare_cached(
                "INSERT INTO cache.coupons (server_id, expires_at_s, status, body)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (c, env) in coupons.iter().zip(&rows) {
                stmt.execute(params![c.server_id, c.expires_at_s, c.status, env])?;
            }
            Ok(())
        })
    }

    /// Every cached coupon, soonest expiry first.
    pub fn coupons(&self) -> Result<Vec<Coupon>> {
        let rows: Vec<(String, i64, String, Vec<u8>)> = self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT server_id, expires_at_s, status, body FROM cache.coupons
                 ORDER BY expires_at_s, server_id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        rows.into_iter()
            .map(|(server_id, expires_at_s, status, env)| {
                let row = coupon_row(&server_id, &status, expires_at_s);
                let plain = self.0.keys.columns.open(&coupon_aad(&row), &env)?;
                let mut r = RecordReader::new(&plain);
                let title = r.string()?;
                let minor = r.i64()?;
                let currency = Currency::from_code(&r.string()?)
                    .map_err(|_| VaultError::InvalidInput("unknown currency in cache"))?;
                r.end()?;
                Ok(Coupon {
                    server_id,
                    status,
                    expires_at_s,
                    title,
                    value: Money::new(minor, currency),
                })
            })
            .collect()
    }
}

//! Bound bank cards (`cards`). Stored: the server's card token, brand, bank
//! name, last 4 digits and expiry, all in one envelope, plus a blind index
//! of the token. Never stored: the full card number or the CVV — the types
//! here cannot even hold them ([`Last4`] accepts exactly four digits).

use rusqlite::params;

use super::{RepoCtx, aad};
use crate::crypto::SecretString;
use crate::store::codec::{RecordReader, RecordWriter};
use crate::store::error::{Result, VaultError};

const TABLE: &str = "cards";

/// The last four digits of a card number, and nothing more.
#[derive(Clone, PartialEq, Eq)]
pub struct Last4(String);

impl Last4 {
    /// Accepts exactly four ASCII digits.
    pub fn new(digits: &str) -> Result<Self> {
        if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits.to_owned()))
        } else {
            Err(VaultError::InvalidInput(
                "last4 must be exactly four digits",
            ))
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Last4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Last4({})", self.0)
    }
}

/// A bound card as the device keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The server's card id (opaque).
    pub id: String,
    /// The server's card token used to charge it.
    pub token: SecretString,
    /// Card brand, e.g. `visa`.
    pub brand: String,
    /// Issuing bank's name.
    pub bank_name: String,
    /// Last four digits.
    pub last4: Last4,
    /// Expiry month (1-12).
    pub expiry_month: u8,
    /// Expiry year (four digits).
    pub expiry_year: u16,
}

/// Access to the stored cards.
pub struct Cards<'v>(pub(crate) RepoCtx<'v>);

impl Cards<'_> {
    /// Inserts or replaces a card (by id).
    pub fn save(&self, card: &Card) -> Result<()> {
        if !(1..=12).contains(&card.expiry_month) {
            return Err(VaultError::InvalidInput("expiry month must be 1-12"));
        }
        let plain = RecordWriter::default()
            .str(card.token.expose())
            .str(&card.brand)
            .str(&card.bank_name)
            .str(card.last4.as_str())
            .u32(u32::from(card.expiry_month))
            .u32(u32::from(card.expiry_year))
            .finish();
        let keys = &self.0.keys;
        let env = keys
            .columns
            .seal(&aad(TABLE, "body", card.id.as_bytes()), &plain)?;
        let idx = keys
            .index
            .index(TABLE, "token", card.token.expose().as_bytes());
        self.0.db.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO cards (id, token_idx, body) VALUES (?1, ?2, ?3)",
                params![card.id, &idx[..], env],
            )?;
            Ok(())
        })
    }

    fn decode(&self, id: String, env: &[u8]) -> Result<Card> {
        let plain = self
            .0
            .keys
            .columns
            .open(&aad(TABLE, "body", id.as_bytes()), env)?;
        let mut r = RecordReader::new(&plain);
        let token = SecretString::new(r.string()?);
        let brand = r.string()?;
        let bank_name = r.string()?;
        let last4 = Last4::new(&r.string()?)?;
        let month = u8::try_from(r.u32()?).map_err(|_| VaultError::InvalidState)?;
        let year = u16::try_from(r.u32()?).map_err(|_| VaultError::InvalidState)?;
        r.end()?;
        Ok(Card {
            id,
            token,
            brand,
            bank_name,
            last4,
            expiry_month: month,
            expiry_year: year,
        })
    }

    /// Every stored card, ordered by id.
    pub fn list(&self) -> Result<Vec<Card>> {
        let rows: Vec<(String, Vec<u8>)> = self.0.db.read(|c| {
            let mut stmt = c.prepare_cached("SELECT id, body FROM cards ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        rows.into_iter()
            .map(|(id, env)| self.decode(id, &env))
            .collect()
    }

    /// The card with this server token, if stored (blind-index lookup).
    pub fn find_by_token(&self, token: &SecretString) -> Result<Option<Card>> {
        let idx = self
            .0
            .keys
            .index
            .index(TABLE, "token", token.expose().as_bytes());
        let row: Option<(String, Vec<u8>)> = self.0.db.read(|c| {
            let mut stmt = c.prepare_cached("SELECT id, body FROM cards WHERE token_idx = ?1")?;
            let mut rows = stmt.query([&idx[..]])?;
            Ok(match rows.next()? {
                Some(r) => Some((r.get(0)?, r.get(1)?)),
                None => None,
            })
        })?;
        row.map(|(id, env)| self.decode(id, &env)).transpose()
    }

    /// Removes a card; [`VaultError::NotFound`] if absent.
    pub fn remove(&self, id: &str) -> Result<()> {
        self.0.db.write(|tx| {
            if tx.execute("DELETE FROM cards WHERE id = ?1", [id])? == 0 {
                return Err(VaultError::NotFound);
            }
            Ok(())
        })
    }
}

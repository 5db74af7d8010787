//! Bank cards: bind (the full number passes through to the server once and
//! is never stored), verify by SMS code, list, remove. The device keeps the
//! server's card token, brand, bank, last 4 and expiry, encrypted.

use imwallet_protocol::wire::{BindCard, Card, CardList, CardStatus, SecretText, VerifyCard};

use crate::api::ApiRequest;
use crate::crypto::SecretString;
use crate::store::repo::cards::{Card as StoredCard, Last4};

use super::{Wallet, WalletError};

fn stored(card: &Card) -> Result<StoredCard, WalletError> {
    Ok(StoredCard {
        id: card.card_id.clone(),
        token: SecretString::new(card.card_id.as_str()),
        brand: card.brand.clone(),
        bank_name: card.bank.clone(),
        last4: Last4::new(&card.last4)?,
        expiry_month: card.expiry_month,
        expiry_year: card.expiry_year,
    })
}

impl Wallet {
    /// Starts binding a card. The server checks it and sends a `bind_card`
    /// code to the user; finish with [`Wallet::verify_card`]. `number` is
    /// dropped (zeroized) after this call; only the server's token is kept.
    pub async fn bind_card(
        &self,
        number: String,
        expiry_month: u8,
        expiry_year: u16,
        holder_name: String,
    ) -> Result<Card, WalletError> {
        self.require_session()?;
        let number = SecretText::new(number);
        let digits = number
            .expose()
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .count();
        if !(12..=19).contains(&digits) {
            return Err(WalletError::invalid("card", "invalid_card_number"));
        }
        let body = BindCard {
            number,
            expiry_month,
            expiry_year,
            holder_name,
        };
        Ok(self
            .api
            .send(&ApiRequest::post("/v1/cards", &body)?.authenticated())
            .await?)
    }

    /// Confirms a card with its `bind_card` code and keeps it on the device.
    pub async fn verify_card(&self, card_id: String, code: String) -> Result<Card, WalletError> {
        self.require_session()?;
        let body = VerifyCard {
            code: SecretText::new(code),
        };
        let path = format!("/v1/cards/{}/verify", urlencode(&card_id));
        let card: Card = self
            .api
            .send(&ApiRequest::post(path, &body)?.authenticated())
            .await?;
        let record = stored(&card)?;
        self.with_vault(move |v| v.cards()?.save(&record)).await?;
        Ok(card)
    }

    /// The user's cards from the server (the device copy is refreshed).
    pub async fn cards(&self) -> Result<Vec<Card>, WalletError> {
        self.require_session()?;
        let list: CardList = self
            .api
            .send(&ApiRequest::get("/v1/cards").authenticated())
            .await?;
        let active: Vec<StoredCard> = list
            .items
            .iter()
            .filter(|c| c.status == CardStatus::Active)
            .map(stored)
            .collect::<Result<_, _>>()?;
        self.with_vault(move |v| {
            let repo = v.cards()?;
            let keep: std::collections::HashSet<&str> =
                active.iter().map(|c| c.id.as_str()).collect();
            for old in repo.list()? {
                if !keep.contains(old.id.as_str()) {
                    repo.remove(&old.id)?;
                }
            }
            for card in &active {
                repo.save(card)?;
            }
            Ok(())
        })
        .await?;
        Ok(list.items)
    }

    /// Removes a card on the server and on the device.
    pub async fn remove_card(&self, card_id: String) -> Result<(), WalletError> {
        self.require_session()?;
        let path = format!("/v1/cards/{}", urlencode(&card_id));
        self.api
            .send::<()>(&ApiRequest::delete(path).authenticated())
            .await?;
        self.with_vault(move |v| match v.cards()?.remove(&card_id) {
            Err(crate::store::VaultError::NotFound) => Ok(()),
            other => other,
        })
        .await
    }
}

/// Percent-encodes an id for a path segment (ids are opaque).
pub(crate) fn urlencode(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

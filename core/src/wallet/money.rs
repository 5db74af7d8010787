//! Balances, quotes and the money-moving calls: top-up, scan-to-pay,
//! transfer, withdrawal and currency conversion. Every movement goes through
//! the exactly-once [`executor`](super::executor).

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::{self, PaymentPayload, Receiver};
use imwallet_protocol::wire::{
    Balances, Coupon, CouponList, FxConvertRequest, FxQuote, FxQuoteRequest, Operation, Points,
    Quote, QuoteRequest, Recipient, SecretText, TopUpRequest, Transaction, TransferRequest,
    WithdrawRequest,
};

use crate::api::ApiRequest;

use super::{Wallet, WalletError};

/// A payment from a scanned code (merchant code or another user's receive code).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PayRequest {
    /// The scanned payload, exactly as read.
    pub payload: String,
    /// The amount; required unless the code carries one, and must match it if it does.
    pub amount: Option<Money>,
    /// A coupon to apply (merchant payments).
    pub coupon_id: Option<String>,
    /// Points to redeem (merchant payments; 1 point = 1 minor unit).
    pub points: Option<i64>,
    /// A note for the history.
    pub memo: Option<String>,
}

/// Who receives a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferTarget {
    /// E.164 phone.
    Phone(String),
    /// E-mail address.
    Email(String),
    /// Server user id.
    UserId(String),
    /// A scanned receive code of the recipient.
    ReceiveCode(String),
}

/// Who a payment goes to.
enum Payee {
    Merchant(String),
    Payload(String),
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, WalletError> {
    serde_json::to_value(value).map_err(|_| WalletError::internal("request not serialisable"))
}

fn positive(amount: Money) -> Result<Money, WalletError> {
    if amount.is_positive() {
        Ok(amount)
    } else {
        Err(WalletError::invalid("amount", "non_positive_amount"))
    }
}

/// The amount to pay: the caller's, the code's, and they must agree.
fn settle_amount(given: Option<Money>, in_code: Option<Money>) -> Result<Money, WalletError> {
    match (given, in_code) {
        (Some(g), Some(c)) if g != c => Err(WalletError::invalid("amount", "conflicts_with_code")),
        (Some(a), _) | (None, Some(a)) => positive(a),
        (None, None) => Err(WalletError::invalid("amount", "required")),
    }
}

impl Wallet {
    /// Balances per currency.
    pub async fn balances(&self) -> Result<Vec<Money>, WalletError> {
        self.require_session()?;
        let balances: Balances = self
            .api
            .send(&ApiRequest::get("/v1/balances").authenticated())
            .await?;
        Ok(balances.balances)
    }

    /// The balance in one currency (zero if none is held).
    pub async fn balance(&self, currency: Currency) -> Result<Money, WalletError> {
        Ok(self
            .balances()
            .await?
            .into_iter()
            .find(|m| m.currency == currency)
            .unwrap_or(Money::zero(currency)))
    }

    /// The exact fee, debit, credit, discount and points of an operation
    /// before doing it.
    pub async fn quote(
        &self,
        operation: Operation,
        amount: Money,
        coupon_id: Option<String>,
        points: Option<i64>,
    ) -> Result<Quote, WalletError> {
        self.require_session()?;
        let body = QuoteRequest {
            operation,
            amount: positive(amount)?,
            coupon_id,
            points,
        };
        Ok(self
            .api
            .send(&ApiRequest::post("/v1/quotes", &body)?.authenticated())
            .await?)
    }

    /// Charges a bound card into the wallet.
    pub async fn top_up(&self, card_id: String, amount: Money) -> Result<Transaction, WalletError> {
        let body = TopUpRequest {
            card_id,
            amount: positive(amount)?,
        };
        self.execute_money("top_up", "/v1/top-ups", to_json(&body)?)
            .await
    }

    /// Pays a scanned code: a merchant code issued by this wallet, or another
    /// user's receive code (which becomes a transfer). The payload is parsed
    /// and checked on the device first; broken codes never reach the server.
    pub async fn pay(&self, request: PayRequest) -> Result<Transaction, WalletError> {
        let in_code = match qr::parse(&request.payload)? {
            PaymentPayload::ImwalletReceive(code) => {
                let in_code = code.amount()?;
                if let Receiver::User(_) = code.receiver {
                    // Another user's receive code: a transfer.
                    let amount = settle_amount(request.amount, in_code)?;
                    if request.coupon_id.is_some() || request.points.is_some() {
                        return Err(WalletError::invalid("coupon", "not_for_transfers"));
                    }
                    return self
                        .transfer(
                            TransferTarget::ReceiveCode(request.payload.clone()),
                            amount,
                            request.memo,
                        )
                        .await;
                }
                in_code
            }
            // Another scheme's merchant code: the server decides whether it
            // can route it (it refuses codes it did not issue).
            PaymentPayload::EmvMpm(mpm) => {
                let currency = mpm
                    .currency_numeric
                    .parse()
                    .ok()
                    .and_then(Currency::from_numeric);
                match (mpm.amount, currency) {
                    (Some(a), Some(c)) => Some(Money::parse(a, c)?),
                    _ => None,
                }
            }
            other => {
                return Err(WalletError::InvalidPayload {
                    kind: "not_payable".into(),
                    offset: 0,
                    tag: None,
                    message: format!(
                        "a {} code cannot be paid from this wallet",
                        other.format().as_str()
                    ),
                });
            }
        };
        let amount = settle_amount(request.amount, in_code)?;
        self.send_payment(
            Payee::Payload(request.payload),
            amount,
            request.coupon_id,
            request.points,
            request.memo,
        )
        .await
    }

    /// `POST /v1/payments` to a merchant id or a scanned payload.
    async fn send_payment(
        &self,
        payee: Payee,
        amount: Money,
        coupon_id: Option<String>,
        points: Option<i64>,
        memo: Option<String>,
    ) -> Result<Transaction, WalletError> {
        let (merchant_id, payload) = match payee {
            Payee::Merchant(id) => (Some(id), None),
            Payee::Payload(p) => (None, Some(p)),
        };
        let body = imwallet_protocol::wire::PayRequest {
            merchant_id,
            payload,
            amount: Some(positive(amount)?),
            coupon_id,
            points,
            memo,
        };
        self.execute_money("payment", "/v1/payments", to_json(&body)?)
            .await
    }

    /// Pays a merchant by its id (no code scanned).
    pub async fn pay_merchant(
        &self,
        merchant_id: String,
        amount: Money,
        coupon_id: Option<String>,
        points: Option<i64>,
        memo: Option<String>,
    ) -> Result<Transaction, WalletError> {
        self.send_payment(
            Payee::Merchant(merchant_id),
            amount,
            coupon_id,
            points,
            memo,
        )
        .await
    }

    /// Sends money to another user.
    pub async fn transfer(
        &self,
        to: TransferTarget,
        amount: Money,
        memo: Option<String>,
    ) -> Result<Transaction, WalletError> {
        let mut recipient = Recipient::default();
        match to {
            TransferTarget::Phone(p) => recipient.phone = Some(p),
            TransferTarget::Email(e) => recipient.email = Some(e),
            TransferTarget::UserId(u) => recipient.user_id = Some(u),
            TransferTarget::ReceiveCode(code) => {
                // Check it locally: it must be a user's receive code.
                match qr::parse(&code)? {
                    PaymentPayload::ImwalletReceive(rc)
                        if matches!(rc.receiver, Receiver::User(_)) =>
                    {
                        settle_amount(Some(amount), rc.amount()?)?;
                    }
                    _ => return Err(WalletError::invalid("to", "not_a_user_receive_code")),
                }
                recipient.receive_code = Some(code);
            }
        }
        let body = TransferRequest {
            to: recipient,
            amount: positive(amount)?,
            memo,
        };
        self.execute_money("transfer", "/v1/transfers", to_json(&body)?)
            .await
    }

    /// Withdraws to a bound card, confirmed by a `withdraw` code. The
    /// transaction starts `pending`.
    pub async fn withdraw(
        &self,
        card_id: String,
        amount: Money,
        code: String,
    ) -> Result<Transaction, WalletError> {
        let body = WithdrawRequest {
            card_id,
            amount: positive(amount)?,
            code: SecretText::new(code),
        };
        self.execute_money("withdrawal", "/v1/withdrawals", to_json(&body)?)
            .await
    }

    /// A firm quote to convert `sell` into `buy_currency` (show it before a
    /// cross-currency payment).
    pub async fn fx_quote(
        &self,
        sell: Money,
        buy_currency: Currency,
    ) -> Result<FxQuote, WalletError> {
        self.require_session()?;
        let body = FxQuoteRequest {
            sell: positive(sell)?,
            buy_currency,
        };
        Ok(self
            .api
            .send(&ApiRequest::post("/v1/fx/quotes", &body)?.authenticated())
            .await?)
    }

    /// Executes an FX quote.
    pub async fn fx_convert(&self, quote_id: String) -> Result<Transaction, WalletError> {
        let body = FxConvertRequest { quote_id };
        self.execute_money("fx_conversion", "/v1/fx/conversions", to_json(&body)?)
            .await
    }

    /// Points balance and recent changes (cached on the device).
    pub async fn points(&self) -> Result<Points, WalletError> {
        self.require_session()?;
        let points: Points = self
            .api
            .send(&ApiRequest::get("/v1/points").authenticated())
            .await?;
        let balance = points.balance;
        self.with_vault(move |v| v.rewards()?.set_points(balance))
            .await?;
        Ok(points)
    }

    /// The user's coupons (cached on the device).
    pub async fn coupons(&self) -> Result<Vec<Coupon>, WalletError> {
        self.require_session()?;
        let list: CouponList = self
            .api
            .send(&ApiRequest::get("/v1/coupons").authenticated())
            .await?;
        Ok(list.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cny(minor: i64) -> Money {
        Money::new(minor, Currency::Cny)
    }

    #[test]
    fn the_amount_comes_from_the_caller_or_the_code_and_they_must_agree() {
        assert_eq!(settle_amount(Some(cny(5)), None), Ok(cny(5)));
        assert_eq!(settle_amount(None, Some(cny(7))), Ok(cny(7)));
        assert_eq!(settle_amount(Some(cny(7)), Some(cny(7))), Ok(cny(7)));
        assert_eq!(
            settle_amount(Some(cny(5)), Some(cny(7))),
            Err(WalletError::invalid("amount", "conflicts_with_code"))
        );
        assert_eq!(
            settle_amount(None, None),
            Err(WalletError::invalid("amount", "required"))
        );
        assert_eq!(
            settle_amount(Some(cny(0)), None),
            Err(WalletError::invalid("amount", "non_positive_amount"))
        );
    }
}

//! Balances, quotes and the money-moving calls: top-up, scan-to-pay,
//! transfer, withdrawal, FX, points, coupons, and the exactly-once outbox
//! (`reconcile_pending`, `operation`).

use imwallet_core::protocol::money::Money as CoreMoney;
use imwallet_core::wallet::{
    OrderPreview as CoreOrderPreview, PayRequest as CorePayRequest, TransferTarget as CoreTarget,
};

use crate::errors::WalletFfiError;
use crate::money_types::{
    Coupon, FxQuote, Operation, OperationStatus, Points, Quote, ReconcileReport, Transaction,
};
use crate::types::{Money, currency as currency_of, list, opt_money};
use crate::wallet::Wallet;

/// A payment from a scanned code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PayRequest {
    /// The scanned payload, exactly as read.
    pub payload: String,
    /// Required unless the code carries one; must match it if it does.
    pub amount: Option<Money>,
    /// A coupon (merchant payments).
    pub coupon_id: Option<String>,
    /// Points to redeem (1 point = 1 minor unit).
    pub points: Option<i64>,
    /// A note for the history.
    pub memo: Option<String>,
}

/// What a user is shown before paying a merchant order by its in-app token.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OrderPreview {
    /// The order's id.
    pub order_id: String,
    /// The merchant being paid.
    pub merchant_id: String,
    /// The merchant's display name.
    pub merchant_name: String,
    /// The merchant's city (as in its QR code).
    pub merchant_city: String,
    /// What is bought, as the merchant wrote it.
    pub description: String,
    /// The amount to pay.
    pub amount: Money,
    /// `created` (payable), `paid`, `closed`, `expired` or `refunded`.
    pub status: String,
    /// When the order stops being payable (Unix time in milliseconds, as the API
    /// sends every timestamp).
    pub expires_at: i64,
}

impl From<CoreOrderPreview> for OrderPreview {
    fn from(p: CoreOrderPreview) -> Self {
        Self {
            order_id: p.order_id,
            merchant_id: p.merchant_id,
            merchant_name: p.merchant_name,
            merchant_city: p.merchant_city,
            description: p.description,
            amount: p.amount.into(),
            status: p.status,
            expires_at: p.expires_at,
        }
    }
}

/// Who receives a transfer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum TransferTarget {
    /// E.164 phone.
    Phone {
        /// The number.
        phone: String,
    },
    /// E-mail address.
    Email {
        /// The address.
        email: String,
    },
    /// Server user id.
    UserId {
        /// The id.
        user_id: String,
    },
    /// A scanned receive code of the recipient.
    ReceiveCode {
        /// The payload.
        payload: String,
    },
}

impl From<TransferTarget> for CoreTarget {
    fn from(t: TransferTarget) -> Self {
        match t {
            TransferTarget::Phone { phone } => Self::Phone(phone),
            TransferTarget::Email { email } => Self::Email(email),
            TransferTarget::UserId { user_id } => Self::UserId(user_id),
            TransferTarget::ReceiveCode { payload } => Self::ReceiveCode(payload),
        }
    }
}

#[uniffi::export]
impl Wallet {
    /// Balances per currency.
    pub async fn balances(&self) -> Result<Vec<Money>, WalletFfiError> {
        self.call(|w| async move { w.balances().await.map(list) })
            .await
    }

    /// The balance in one currency (zero if none is held).
    pub async fn balance(&self, currency: String) -> Result<Money, WalletFfiError> {
        self.call(|w| async move { w.balance(currency_of(&currency)?).await.map(Into::into) })
            .await
    }

    /// The exact amounts of an operation before doing it.
    pub async fn quote(
        &self,
        operation: Operation,
        amount: Money,
        coupon_id: Option<String>,
        points: Option<i64>,
    ) -> Result<Quote, WalletFfiError> {
        self.call(|w| async move {
            let amount = CoreMoney::try_from(amount)?;
            w.quote(operation.into(), amount, coupon_id, points)
                .await
                .map(Into::into)
        })
        .await
    }

    /// Charges a bound card into the wallet.
    pub async fn top_up(
        &self,
        card_id: String,
        amount: Money,
    ) -> Result<Transaction, WalletFfiError> {
        self.call(|w| async move { w.top_up(card_id, amount.try_into()?).await.map(Into::into) })
            .await
    }

    /// Pays a scanned code (merchant code, or a user's receive code).
    pub async fn pay(&self, request: PayRequest) -> Result<Transaction, WalletFfiError> {
        self.call(|w| async move {
            let request = CorePayRequest {
                payload: request.payload,
                amount: opt_money(request.amount)?,
                coupon_id: request.coupon_id,
                points: request.points,
                memo: request.memo,
            };
            w.pay(request).await.map(Into::into)
        })
        .await
    }

    /// The merchant, amount and state of a merchant order handed over by
    /// another app (its `order_token`), to show before confirmation.
    pub async fn preview_order(&self, order_token: String) -> Result<OrderPreview, WalletFfiError> {
        self.call(|w| async move { w.preview_order(order_token).await.map(Into::into) })
            .await
    }

    /// Pays a merchant order by its `order_token`, exactly once like `pay`.
    pub async fn pay_order(&self, order_token: String) -> Result<Transaction, WalletFfiError> {
        self.call(|w| async move { w.pay_order(order_token).await.map(Into::into) })
            .await
    }

    /// Pays a merchant by id.
    pub async fn pay_merchant(
        &self,
        merchant_id: String,
        amount: Money,
        coupon_id: Option<String>,
        points: Option<i64>,
        memo: Option<String>,
    ) -> Result<Transaction, WalletFfiError> {
        self.call(|w| async move {
            w.pay_merchant(merchant_id, amount.try_into()?, coupon_id, points, memo)
                .await
                .map(Into::into)
        })
        .await
    }

    /// Sends money to another user.
    pub async fn transfer(
        &self,
        to: TransferTarget,
        amount: Money,
        memo: Option<String>,
    ) -> Result<Transaction, WalletFfiError> {
        self.call(|w| async move {
            w.transfer(to.into(), amount.try_into()?, memo)
                .await
                .map(Into::into)
        })
        .await
    }

    /// Withdraws to a bound card with a `withdraw` code.
    pub async fn withdraw(
        &self,
        card_id: String,
        amount: Money,
        code: String,
    ) -> Result<Transaction, WalletFfiError> {
        self.call(|w| async move {
            w.withdraw(card_id, amount.try_into()?, code)
                .await
                .map(Into::into)
        })
        .await
    }

    /// A firm quote to sell `sell` for `buy_currency`.
    pub async fn fx_quote(
        &self,
        sell: Money,
        buy_currency: String,
    ) -> Result<FxQuote, WalletFfiError> {
        self.call(|w| async move {
            let sell = CoreMoney::try_from(sell)?;
            w.fx_quote(sell, currency_of(&buy_currency)?)
                .await
                .map(Into::into)
        })
        .await
    }

    /// Converts at a quote from `fx_quote`.
    pub async fn fx_convert(&self, quote_id: String) -> Result<Transaction, WalletFfiError> {
        self.call(|w| async move { w.fx_convert(quote_id).await.map(Into::into) })
            .await
    }

    /// Points balance and recent changes.
    pub async fn points(&self) -> Result<Points, WalletFfiError> {
        self.call(|w| async move { w.points().await.map(Into::into) })
            .await
    }

    /// The user's coupons.
    pub async fn coupons(&self) -> Result<Vec<Coupon>, WalletFfiError> {
        self.call(|w| async move { w.coupons().await.map(list) })
            .await
    }

    /// Settles every open money operation exactly once (after a restart or
    /// an `OutcomeUnknown`).
    pub async fn reconcile_pending(&self) -> Result<ReconcileReport, WalletFfiError> {
        self.call(|w| async move { w.reconcile_pending().await.map(Into::into) })
            .await
    }

    /// The money operations whose outcome is still open (`pending`,
    /// `sending`, `unknown`), oldest first; `reconcile_pending` settles them.
    pub async fn pending_operations(&self) -> Result<Vec<OperationStatus>, WalletFfiError> {
        self.call(|w| async move { w.pending_operations().await.map(list) })
            .await
    }

    /// Where one money operation stands.
    pub async fn operation(&self, operation_id: String) -> Result<OperationStatus, WalletFfiError> {
        self.call(|w| async move { w.operation(operation_id).await.map(Into::into) })
            .await
    }
}

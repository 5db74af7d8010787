-- Issue 14 items 1 and 2: merchant orders and their refunds.
-- An order is one dynamic merchant code (`payload_hash` is its row in
-- `merchant_codes`) with the merchant's own `out_trade_no`, unique per
-- merchant. `status` is `created`, `paid`, `partially_refunded`,
-- `refunded` or `closed`; `expired` is not stored: a `created` order past
-- `expires_at` reads as expired. `refunded` is the sum of its refunds and
-- `fee_returned` the part of the merchant fee given back with them.
CREATE TABLE merchant_orders (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL,
    out_trade_no TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL,
    description TEXT NOT NULL,
    notify_url TEXT,
    payload TEXT NOT NULL,
    payload_hash TEXT NOT NULL UNIQUE,
    order_token TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    payment_txn TEXT,
    payer_user TEXT,
    paid_at INTEGER,
    closed_at INTEGER,
    refunded INTEGER NOT NULL DEFAULT 0,
    fee_returned INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (merchant_id, out_trade_no)
);
CREATE INDEX merchant_orders_by_merchant ON merchant_orders (merchant_id, seq);
CREATE TABLE order_refunds (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    fee_returned INTEGER NOT NULL,
    reason TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX order_refunds_by_order ON order_refunds (order_id, seq);
CREATE INDEX merchant_orders_by_payment ON merchant_orders (payment_txn);

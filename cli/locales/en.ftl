# The terminal wallet's messages in English.
# Every message here must also exist in zh-CN.ftl with the same variables
# (`cargo test -p imwallet-cli catalog` checks it). Amounts and times arrive
# already formatted for the language; do not add currency signs.

## Amounts, quotes and receipts

quote-line = amount { $amount }, fee { $fee }, debit { $debit }, credit { $credit }
extra-discount = , discount { $amount }
extra-points-used = , points used { $points }
extra-points-earned = , points earned { $points }
transaction-line = { $kind } { $status }: amount { $amount }, fee { $fee }, wallet { $effect }
transaction-with = , with { $name }
card-line = { $id }  { $brand } •••• { $last4 }  { $expiry }  { $bank }  { $status }
no-balance = 0
kind-name = { $kind ->
    [top_up] top-up
    [payment] payment
    [transfer] transfer
    [withdrawal] withdrawal
    [reversal] reversal
    [fx_conversion] currency exchange
   *[other] { $kind }
}
status-name = { $status ->
    [completed] completed
    [pending] pending
    [held] held for review
    [rejected] rejected
    [reversed] reversed
    [active] active
    [pending_verification] awaiting verification
    [frozen] frozen
    [sending] being sent
    [unknown] outcome unknown
    [failed] failed
    [available] available
    [used] used
    [expired] expired
   *[other] { $status }
}

payment-line = { $kind } { $status }: amount { $amount }, you paid { $paid }, wallet { $effect }

## Confirming a money movement (quote, payee, question)

payee-card = { $brand ->
    [visa] Visa
    [mastercard] Mastercard
    [amex] American Express
    [unionpay] UnionPay
    [jcb] JCB
   *[other] { $brand }
} •••• { $last4 }
payee-merchant = { $name }, { $city }
confirm-topup = Top-up from { $payee }
confirm-payment = Payment to { $payee }
confirm-transfer = Transfer to { $payee }
confirm-withdrawal = Withdrawal to { $payee }
confirm-amount = {"  "}amount:    { $amount }
confirm-discount = {"  "}discount:  { $amount }
confirm-points = {"  "}points:    { $points } used
confirm-fee = {"  "}fee:       { $fee }
confirm-fee-none = {"  "}fee:       none for you (the merchant pays it)
confirm-total = {"  "}you pay:   { $total }
confirm-arrives = {"  "}arrives:   { $credit }
confirm-points-earned = {"  "}earns:     { $points } points
confirm-prompt = Go ahead? [y/N]{" "}

## Tables

table-when = when ({ $zone })
table-kind = kind
table-status = status
table-amount = amount
table-counterparty = counterparty
table-month = month
table-category = category
table-spent = spent
table-count = count

## What the commands print

reconciled = Finished { $count } operation(s) left open by an earlier run.
balance-line = Balance: { $balances }
points-line = Points: { $points }
qr-written = QR written to { $path }
registered = Registered { $name } (user { $user }). Log in with: imwallet login { $identifier }
logged-in = Logged in as { $name } (user { $user }).
unlocked = Unlocked: { $name } (user { $user }), account { $status }.
logged-out = Logged out; the session is wiped on this device.
quote-label = Quote: { $quote }
done-label = Done: { $transaction }
paid-label = Paid: { $transaction }
sent-label = Sent: { $transaction }
withdrawal-label = Withdrawal: { $transaction }
syncing-history = Syncing history
no-transactions = No transactions yet.
paycode-watch-hint = A fresh code every { $seconds } s; Ctrl-C to stop.
error-watch-json = --watch shows codes until Ctrl-C; use it without --json (or run paycode --json again for each code)
paycode-hint = Show it to the merchant's scanner; it is valid for about a minute.
card-bound = Card bound: { $card }
card-resumed = This card is waiting for its code: { $card }.
no-cards = No cards.
card-removed = Card { $id } removed.
your-phone = your phone
password-changed = Password changed; other sessions of the account were signed out.
password-reset = Password reset. Log in with the new one: imwallet login { $identifier }
account-frozen = Account frozen: no money moves until `imwallet unfreeze`.
account-unfrozen = Account unfrozen.
security-line = { $when }  { $kind ->
    [registered] account created
    [login] logged in
    [login_failed] failed login
    [logout] logged out
    [password_reset] password reset
    [password_changed] password changed
    [password_change_failed] failed password change
    [frozen] frozen
    [unfrozen] unfrozen
    [unfreeze_failed] failed unfreeze
    [frozen_by_risk] frozen by the risk checks
    [card_bound] card bound
    [card_removed] card removed
    [refresh_token_reuse_detected] a stolen session was detected and revoked
   *[other] { $kind }
}
no-coupons = No coupons.
coupon-line = { $id }  { $off } off  from { $min }  until { $until }  { $status }
coupon-percent = { $percent } %
points-event = { $when }  { $delta }  ({ $transaction })
ops-none = No open money operations on this device.
ops-line = { $id }  { $kind }  { $state }  (sent { $attempts } time(s))
ops-reconciled = Reconciled: { $completed } completed, { $failed } refused by the server, { $open } still open.

## Progress of a history sync

sync-running = { $label }:
sync-unit = transactions
sync-stopping = { $label }: stopping at
sync-done = { $label }: done,
sync-cancelled = { $label }: cancelled after

## Prompts

prompt-password = Password:{" "}
prompt-new-password = Choose a password ({ $min } to { $max } characters):{" "}
code-wrong-again = That code is wrong ({ $attempts } tries left); type it again.
prompt-repeat-password = Repeat the password:{" "}
prompt-code = Code sent to { $destination }:{" "}

## Errors (one line on stderr after "imwallet: ")

error-prefix = imwallet
error-input = invalid { $field }: { $message }
error-unreachable = cannot reach the server at { $url }
error-admin-refused = the sandbox refused { $what }: { $code }
error-interrupted = interrupted
error-not-confirmed = not confirmed: nothing was moved (answer y to go ahead, or pass --yes)
error-step = { $step } failed: { $reason }
error-io = I/O error: { $detail }
error-runtime = cannot start the async runtime: { $detail }
error-reader-stopped = the input reader stopped
error-stdin-ended = expected on standard input, which ended
error-empty = empty
error-password-rule = a password has { $min } to { $max } characters
error-passwords-differ = the two entries differ
error-unknown-card = no card { $id } on this account (see `imwallet cards list`)
error-no-card = no verified card: add one with `imwallet cards add`
error-not-currency = { $value } is not a supported currency
error-amount-positive = { $value }: must be greater than zero
error-expiry-format = { $value }: expected MM/YYYY
error-not-purpose = { $value } is not a code purpose
error-usage-suggest = { $message }; did you mean { $suggestion }? (see `imwallet --help`)
error-usage = { $message } (see `imwallet --help`)
error-api-key-refused = the server at { $url } refuses the app's API key: pass the right one with --api-key KEY (a sandbox makes one with `imwallet sandbox app`)
error-need-server = pass --server URL (the sandbox to use)
error-need-api-key = pass --api-key KEY (the app's key)
error-need-operator-key = pass --operator-key KEY (the sandbox's operator credential)
error-no-server-configured = no server configured: pass --server URL and --api-key KEY once (or set IMWALLET_SERVER and IMWALLET_API_KEY)
error-settings-invalid = { $path } is not valid settings JSON
error-http-client = cannot build the HTTP client: { $detail }
error-qr-encode = cannot encode the QR code: { $detail }
error-payload-refused = payload refused: { $kind } at offset { $offset }: { $message }
error-stdin-read = cannot read the payload from stdin: { $detail }
error-network = cannot reach the server (network unavailable); nothing was applied
error-network-at = cannot reach the server at { $url } (network unavailable); nothing was applied
error-timeout = the server did not answer in time; nothing was applied
error-not-logged-in = not logged in: run `imwallet login` first
error-vault-locked = the wallet is locked: unlock it with your password
error-verification = verification failed: { $why }
error-verification-tries = verification failed: { $why } ({ $tries } tries left)
code-wrong = wrong code
code-expired = the code expired; request a new one
code-used = the code was already used
code-too-many = too many wrong tries; request a new code
error-outcome-unknown = the outcome is unknown (operation { $operation }); it is kept and reconciled on the next run, never applied twice

## The exit-code table of `imwallet --help`

exit-codes =
    Exit codes:
      0    success
      1    any other failure (local storage, I/O, internal error)
      2    invalid payment payload (QR code refused)
      3    invalid input (malformed amount, bad argument value)
      4    wrong password, locked out, or verification code refused
      5    server unreachable (network error, timeout, server error)
      6    not logged in, or no account in this home
      7    refused by the server (insufficient funds, card declined, frozen,
           not found, conflict, rate limited)
      8    outcome unknown: the operation is kept and reconciled on the next run
      9    configuration (no server or API key, API key refused)
      10   not confirmed: a money movement was declined or not answered; nothing moved
      64   usage (unknown subcommand or option)
      130  interrupted (Ctrl-C)

## `imwallet qr parse`

qr-format = format:
qr-scheme = scheme:
qr-payee = payee:
qr-account = account:
qr-amount = amount:
qr-currency = currency:
qr-reference = reference:
qr-refused = imwallet: payload refused: { $detail }

## `imwallet --help`: layout

help-template =
    {"{"}about-with-newline{"}"}
    Usage: {"{"}usage{"}"}

    {"{"}all-args{"}"}{"{"}after-help{"}"}
heading-commands = Commands
heading-arguments = Arguments
heading-options = Options
arg-help = Print help
arg-version = Print version
help-help = Print this message or the help of the given subcommand(s)
arg-subcommand = The subcommand whose help to print

## `imwallet --help`: global options

help-imwallet = A terminal wallet over IM Wallet Core, and the demo of the whole product.
arg-lang = Language of everything a person reads: zh-CN or en [default: IMWALLET_LANG, then LC_ALL / LC_MESSAGES / LANG]. --json output is the same in both.
arg-home = Profile directory (vault and settings) [default: the user's data directory, e.g. ~/.local/share/imwallet].
arg-server = Wallet API base URL (https, or http to loopback); saved in the profile on first use.
arg-api_key = The developer app's API key; saved in the profile on first use.
arg-json = Print exactly one JSON object on stdout, on every command (errors as {"{"}"error": {"{"}"code", "message", "retryable", "exit_code"{"}"}{"}"}); the same in both languages. Fields: docs/cli.md.
arg-yes = Do not ask before moving money (top-up, pay, transfer, withdraw): the quote is shown and the operation goes ahead. Without it the answer is read from the terminal or the next stdin line; no answer is a no (exit 10).

## `imwallet --help`: commands

help-demo = Run the complete journey of two users and a merchant against an embedded sandbox (or --server), narrated step by step.
arg-demo-operator_key = The operator credential of an external sandbox (--server); the embedded one gets a fresh credential of its own.
help-register = Create an account (a code is sent to the phone or e-mail).
arg-register-identifier = Phone in E.164 form (+8613800000000) or e-mail address.
arg-register-name = Display name.
arg-register-code = A code already sent by an earlier attempt (no new one is sent); else a code is sent and prompted / read from stdin, and asked for again while it is wrong.
help-login = Log in with password and second factor; creates the local vault.
arg-login-identifier = Phone or e-mail.
arg-login-code = The second-factor code (else prompted / read from stdin).
help-unlock = Unlock the vault and show the account and balances.
help-logout = Log out on the server and wipe the session on this device.
help-balance = Balances and points.
help-cards = Bank cards.
help-cards-add = Bind a card (a code is sent to confirm it).
arg-cards-add-number = Card number.
arg-cards-add-expiry = Expiry, MM/YYYY.
arg-cards-add-holder = Name on the card.
arg-cards-add-code = The confirmation code (else prompted / read from stdin).
help-cards-list = List the bound cards.
help-cards-verify = Confirm a card waiting for its code (a new code is sent unless --code gives one already sent).
arg-cards-verify-card_id = Card id (see `imwallet cards list`).
arg-cards-verify-code = The confirmation code (else a new one is sent and prompted / read from stdin).
help-cards-remove = Remove a card.
arg-cards-remove-card_id = Card id.
help-quote = The exact fee and totals of an operation, before doing it.
arg-quote-operation = What to price: topup (card to wallet), payment (wallet to merchant), transfer (to another user), withdrawal (to a card).
arg-quote-amount = Amount, e.g. 100.00.
arg-quote-currency = Currency code.
arg-quote-coupon = Coupon to apply (payments).
arg-quote-points = Points to redeem (payments).
help-topup = Top up the wallet from a bound card.
arg-topup-amount = Amount, e.g. 100.00.
arg-topup-currency = Currency code.
arg-topup-card = Card id (default: the first verified card).
help-pay = Pay a scanned code (merchant code or a user's receive code).
arg-pay-payload = The payload, or `-` to read it from the first stdin line.
arg-pay-amount = Amount (required unless the code carries one).
arg-pay-currency = Currency code of --amount.
arg-pay-coupon = Coupon to apply.
arg-pay-points = Points to redeem.
arg-pay-memo = A note for the history.
help-transfer = Send money to another user.
arg-transfer-to = +phone, e-mail, user id, or the recipient's receive code.
arg-transfer-amount = Amount.
arg-transfer-currency = Currency code.
arg-transfer-memo = A note for both histories.
help-withdraw = Withdraw to a bound card (confirmed by a code).
arg-withdraw-amount = Amount.
arg-withdraw-currency = Currency code.
arg-withdraw-card = Card id (default: the first verified card).
arg-withdraw-code = The withdrawal code (else prompted / read from stdin).
help-history = Sync and show the transaction history.
arg-history-limit = Rows to show.
arg-history-offline = Show the cached history without syncing.
help-summary = Spending per month and category.
help-receive = Show a receive code as a QR.
arg-receive-amount = A fixed amount (makes the code single-payment).
arg-receive-currency = Currency code.
arg-receive-reference = A reference shown to both sides.
arg-receive-png = Also write the QR as a PNG file.
help-password = Change the password, or reset a forgotten one with a code.
help-password-change = Change the password (the current one unlocks; the new one is IMWALLET_NEW_PASSWORD, else prompted / the next stdin line). Other sessions of the account are signed out.
help-password-reset = Set a new password for a forgotten one: the new password first, then the code sent to the phone or e-mail.
arg-password-reset-identifier = Phone or e-mail of the account.
arg-password-reset-code = The reset code (else prompted / read from stdin).
help-freeze = Freeze the account at once (a lost phone): no money moves until `unfreeze`.
help-unfreeze = Unfreeze an account frozen with `freeze` (the password again).
help-security = Logins, password changes, freezes and other security events, newest first.
help-coupons = The coupons of the account (use one with `pay --coupon ID`).
help-points = The points balance and how it changed, newest first.
help-ops = Money operations this device left open (an interrupted payment, a lost connection): list them, or settle them with the server now.
help-ops-list = List the money operations whose outcome is still open.
help-ops-reconcile = Ask the server how each open operation ended, and finish it exactly once.
help-paycode = Show the offline payment code as a QR (provisions this device once).
arg-paycode-png = Also write the QR as a PNG file.
arg-paycode-watch = Keep showing the code, a fresh one every --every seconds, until Ctrl-C (not with --json).
arg-paycode-every = Seconds between two codes with --watch (1 to 30).
help-qr = Read payment QR payloads.
help-qr-parse = Parse a payment QR payload and say what it is.
arg-qr-parse-payload = The payload text, or `-` to read it from stdin (one trailing line break is dropped).
help-sandbox = Run the sandbox wallet API server, or use its operator endpoints.
help-sandbox-serve = Serve the sandbox API (same options as `imwallet-sandbox`).
arg-sandbox-serve-listen = Address to listen on. Port 0 picks a free port.
arg-sandbox-serve-db = SQLite database file, or `:memory:`.
arg-sandbox-serve-no_sandbox_endpoints = Disable the sandbox-only endpoints (/v1/sandbox/*, including the verification-code outbox), as a non-sandbox deployment would.
arg-sandbox-serve-operator_key = The operator credential: the operator endpoints (/v1/sandbox/*, POST /v1/merchants) are served only to a request whose X-Sandbox-Operator-Key header carries it. Keep it on the developer's machine, never in an app.
help-sandbox-app = Create a developer app on the sandbox and print its API key.
arg-sandbox-app-name = The app's name.
help-sandbox-code = Print the newest verification code the sandbox sent to a phone or e-mail (the sandbox keeps codes in its outbox). Uses --server and --api-key, else the profile's saved ones.
arg-sandbox-code-destination = Phone or e-mail.
arg-sandbox-code-purpose = Which code: register, login, reset_password, bind_card, withdraw [default: the newest code of any purpose].
arg-sandbox-code-operator_key = The sandbox's operator credential (its --operator-key).
help-sandbox-merchant = Create a merchant on the sandbox and print its counter QR payload (what `imwallet pay` takes).
arg-sandbox-merchant-name = The merchant's name.
arg-sandbox-merchant-city = The merchant's city.
arg-sandbox-merchant-currency = The merchant's settlement currency.
arg-sandbox-merchant-operator_key = The sandbox's operator credential (its --operator-key).
arg-sandbox-serve-code_ttl_s = Validity of a verification code in seconds (default: the sandbox's code rules). A short value lets a harness see code_expired without waiting.
arg-sandbox-serve-webhook_retry_base_ms = First webhook retry delay in milliseconds; each further retry doubles it up to --webhook-retry-cap-ms, with jitter (default 30 s).
arg-sandbox-serve-webhook_retry_cap_ms = Longest webhook retry delay in milliseconds (default 1 h).
arg-sandbox-serve-webhook_retry_for_s = How long after an event the sandbox keeps retrying its delivery, in seconds (default 3 days).
arg-sandbox-serve-webhook_timeout_ms = Time a receiver has to answer one delivery, in milliseconds (default 10 s).
arg-sandbox-serve-webhook_poll_ms = How often the delivery worker looks for due deliveries, in milliseconds (default 500).
error-outbox-malformed = the sandbox's outbox answer is malformed
code-sent-for = (a { $purpose } code)

## `imwallet demo`: the narration (the --json transcript keeps these English texts)

demo-section-setup = Setup
demo-section-signup = Sign-up and login
demo-section-cards = Cards
demo-section-topup = Top-up
demo-section-pay = Scan and pay
demo-section-transfer = Transfer by receive code
demo-section-paycode = Offline payment code
demo-section-withdrawal = Withdrawal
demo-section-history = History
demo-section-histories = Histories
demo-section-balances = Final balances
demo-sandbox-embedded = Sandbox: embedded at { $url } (in-memory ledger)
demo-sandbox-external = Sandbox: { $url }
demo-merchant-created = Merchant "Demo Coffee" (Shanghai, CNY) created: { $id }
demo-register-code = { $name }: registration code sent to { $destination } (read from the sandbox outbox)
demo-registered = { $name }: registered as user { $user }
demo-logged-in = { $name }: logged in with password + second-factor code sent to { $destination }; encrypted vault created
demo-unlocked = { $name }: vault locked, then unlocked with the password (session restored from the vault)
demo-card-bound = { $name }: card bound and verified by code: { $card }
demo-balance = { $name }: balance { $balances }
demo-quote-topup = { $name }: quote for a top-up: { $quote }
demo-did = { $name }: { $transaction }
demo-scanned = { $name } scans the counter QR: { $format } code of { $payee } ({ $currency })
demo-paid = { $name } pays: { $transaction }
demo-coupon = The merchant gives { $name } a coupon: { $off } off from { $from }
demo-quote-coupon = { $name }: quote with the coupon and { $points } points: { $quote }
demo-receive-code = { $name } shows a receive code for { $amount } ("{ $reference }"):
demo-sent-by-code = { $name } scans it and sends: { $transaction }
demo-sent-by-phone = { $name } sends to { $to }'s phone: { $transaction }
demo-paycode-charged = { $name } shows her offline payment code; the merchant's scanner charges { $amount } (fee to the merchant { $fee })
demo-quote-withdrawal = { $name }: quote for a withdrawal: { $quote }
demo-withdrawn = { $name } withdraws (confirmed by code): { $transaction }
demo-settled = The bank settles the withdrawal: completed
demo-syncing = { $name }: syncing history
demo-synced = { $name }: history synced: { $fetched } transactions in { $pages } request(s), { $cached } cached (encrypted)
demo-points = { $name }: { $points } points
demo-summary = { $name }: spending summary
demo-history-of = { $name }:
demo-ledger-sound = sound
demo-ledger-violated = VIOLATED
demo-ledger-check = Sandbox ledger check: { $verdict } ({ $violations } violations).
demo-done = Done in { $total } s ({ $kdf } s of it in the calls that derive keys from passwords, HTTP included: register, login, unlock).
demo-error-listen = cannot listen on loopback: { $detail }
demo-error-sandbox = cannot start the sandbox: { $detail }
demo-error-unsound = the sandbox ledger is not sound ({ $violations } violations)
demo-error-differs = { $who }'s final balance differs from the sandbox ledger
demo-error-check = the sandbox ledger check failed to run
demo-error-read-ledger = cannot read the sandbox ledger

## What to do about an error, after its message on the same line (remedy-<code of --json>)

remedy-insufficient_funds = Top up first: imwallet topup AMOUNT
remedy-card_declined = Try another card: imwallet cards list, then --card ID
remedy-wrong_password = Check the password (IMWALLET_PASSWORD, or the first stdin line).
remedy-verification_failed = Run the command again for a new code (in the sandbox: imwallet sandbox code PHONE).
remedy-account_frozen = No money can move until the account is unfrozen.
remedy-risk_hold = The result will appear in: imwallet history
remedy-not_found = Check the id, phone or e-mail you gave.
remedy-rate_limited = Wait a moment, then try again.
remedy-invalid_payload = Scan the code again, or see what it is: imwallet qr parse PAYLOAD
remedy-outcome_unknown = Once the server is reachable: imwallet ops reconcile
remedy-network = Check that the server is running and the URL is right (--server URL).
remedy-timeout = Try again; if an operation stays open: imwallet ops reconcile
remedy-server_unavailable = Try again later.
remedy-relogin_required = Log in again: imwallet login PHONE-OR-EMAIL

## `imwallet shell`

help-shell = An interactive session: the password once, then commands as in single-shot mode, with history and completion; `exit` ends it.
arg-shell-lock_after = Seconds without a command after which the password is forgotten (the next command asks again).
shell-hello = Unlocked. Type commands as after `imwallet` (Tab completes, arrows recall); `exit` ends. The password is forgotten after { $seconds } s without a command.
shell-locked = Locked after { $seconds } s without a command: the password is asked again.
shell-nested = not inside `imwallet shell`
shell-unclosed-quote = a quote is not closed

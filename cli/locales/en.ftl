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
   *[other] { $status }
}

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
paycode-hint = Show it to the merchant's scanner; it is valid for about a minute.
card-bound = Card bound: { $card }
no-cards = No cards.
card-removed = Card { $id } removed.
your-phone = your phone

## Progress of a history sync

sync-running = { $label }:
sync-unit = transactions
sync-stopping = { $label }: stopping at
sync-done = { $label }: done,
sync-cancelled = { $label }: cancelled after

## Prompts

prompt-password = Password:{" "}
prompt-new-password = Choose a password:{" "}
prompt-repeat-password = Repeat the password:{" "}
prompt-code = Code sent to { $destination }:{" "}

## Errors (one line on stderr after "imwallet: ")

error-prefix = imwallet
error-input = invalid { $field }: { $message }
error-unreachable = cannot reach the server at { $url }
error-admin-refused = the sandbox refused { $what }: { $code }
error-interrupted = interrupted
error-step = { $step } failed: { $reason }
error-io = I/O error: { $detail }
error-runtime = cannot start the async runtime: { $detail }
error-reader-stopped = the input reader stopped
error-stdin-ended = expected on standard input, which ended
error-empty = empty
error-passwords-differ = the two entries differ
error-no-card = no verified card: add one with `imwallet cards add`
error-not-currency = { $value } is not a supported currency
error-amount-positive = { $value }: must be greater than zero
error-expiry-format = { $value }: expected MM/YYYY
error-not-purpose = { $value } is not a code purpose
error-usage = { $message } (see `imwallet --help`)
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

## `imwallet --help`: commands

help-demo = Run the complete journey of two users and a merchant against an embedded sandbox (or --server), narrated step by step.
arg-demo-json = Print one JSON transcript on stdout instead of the narrated journey.
arg-demo-operator_key = The operator credential of an external sandbox (--server); the embedded one gets a fresh credential of its own.
help-register = Create an account (a code is sent to the phone or e-mail).
arg-register-identifier = Phone in E.164 form (+8613800000000) or e-mail address.
arg-register-name = Display name.
arg-register-code = The verification code (else prompted / read from stdin).
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
arg-history-json = Print JSON instead of a table.
arg-history-limit = Rows to show.
arg-history-offline = Show the cached history without syncing.
help-summary = Spending per month and category.
arg-summary-json = Print JSON instead of a table.
help-receive = Show a receive code as a QR.
arg-receive-amount = A fixed amount (makes the code single-payment).
arg-receive-currency = Currency code.
arg-receive-reference = A reference shown to both sides.
arg-receive-png = Also write the QR as a PNG file.
help-paycode = Show the offline payment code as a QR (provisions this device once).
arg-paycode-png = Also write the QR as a PNG file.
help-qr = Read payment QR payloads.
help-qr-parse = Parse a payment QR payload and say what it is.
arg-qr-parse-json = Print one JSON object: the payload, or {"{"}"error": ...{"}"}.
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
arg-sandbox-serve-code_ttl_s = Validity of a verification code in seconds (default: the sandbox's code rules). A short value lets a harness see code_expired without waiting.
arg-sandbox-serve-webhook_retry_base_ms = First webhook retry delay in milliseconds; each further retry doubles it up to --webhook-retry-cap-ms, with jitter (default 30 s).
arg-sandbox-serve-webhook_retry_cap_ms = Longest webhook retry delay in milliseconds (default 1 h).
arg-sandbox-serve-webhook_retry_for_s = How long after an event the sandbox keeps retrying its delivery, in seconds (default 3 days).
arg-sandbox-serve-webhook_timeout_ms = Time a receiver has to answer one delivery, in milliseconds (default 10 s).
arg-sandbox-serve-webhook_poll_ms = How often the delivery worker looks for due deliveries, in milliseconds (default 500).
error-outbox-malformed = the sandbox's outbox answer is malformed
code-sent-for = (a { $purpose } code)

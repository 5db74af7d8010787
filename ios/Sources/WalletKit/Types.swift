// The core's records and enums, re-exported under WalletKit so an app
// imports one module. They are the generated types, unchanged and Sendable.
import IMWalletCore

/// The core's `Money` (generated record/enum/protocol, see bindings/API.md).
public typealias Money = IMWalletCore.Money
/// The language of user messages (`.zhCn`, `.en`).
public typealias WalletLocale = IMWalletCore.Locale
/// The core's `CodePurpose` (generated record/enum/protocol, see bindings/API.md).
public typealias CodePurpose = IMWalletCore.CodePurpose
/// The core's `CodeSent` (generated record/enum/protocol, see bindings/API.md).
public typealias CodeSent = IMWalletCore.CodeSent
/// The core's `CodeFailure` (generated record/enum/protocol, see bindings/API.md).
public typealias CodeFailure = IMWalletCore.CodeFailure
/// The core's `Profile` (generated record/enum/protocol, see bindings/API.md).
public typealias Profile = IMWalletCore.Profile
/// The core's `SecurityEvent` (generated record/enum/protocol, see bindings/API.md).
public typealias SecurityEvent = IMWalletCore.SecurityEvent
/// The core's `Operation` (generated record/enum/protocol, see bindings/API.md).
public typealias WalletOperation = IMWalletCore.Operation
/// The core's `Quote` (generated record/enum/protocol, see bindings/API.md).
public typealias Quote = IMWalletCore.Quote
/// The core's `FxQuote` (generated record/enum/protocol, see bindings/API.md).
public typealias FxQuote = IMWalletCore.FxQuote
/// The core's `Transaction` (generated record/enum/protocol, see bindings/API.md).
public typealias Transaction = IMWalletCore.Transaction
/// The core's `TransferTarget` (generated record/enum/protocol, see bindings/API.md).
public typealias TransferTarget = IMWalletCore.TransferTarget
/// The core's `PayRequest` (generated record/enum/protocol, see bindings/API.md).
public typealias PayRequest = IMWalletCore.PayRequest
/// The core's `OrderPreview`: a merchant order handed over by another app
/// (merchant, amount, description, status), shown before the user confirms.
public typealias OrderPreview = IMWalletCore.OrderPreview
/// The core's `Points` (generated record/enum/protocol, see bindings/API.md).
public typealias Points = IMWalletCore.Points
/// The core's `Coupon` (generated record/enum/protocol, see bindings/API.md).
public typealias Coupon = IMWalletCore.Coupon
/// The core's `Card` (generated record/enum/protocol, see bindings/API.md).
public typealias Card = IMWalletCore.Card
/// The core's `SyncReport` (generated record/enum/protocol, see bindings/API.md).
public typealias SyncReport = IMWalletCore.SyncReport
/// The core's `HistoryPage` (generated record/enum/protocol, see bindings/API.md).
public typealias HistoryPage = IMWalletCore.HistoryPage
/// The core's `TransactionView` (generated record/enum/protocol, see bindings/API.md).
public typealias TransactionView = IMWalletCore.TransactionView
/// The core's `SpendingLine` (generated record/enum/protocol, see bindings/API.md).
public typealias SpendingLine = IMWalletCore.SpendingLine
/// The core's `ReceiveCodeRequest` (generated record/enum/protocol, see bindings/API.md).
public typealias ReceiveCodeRequest = IMWalletCore.ReceiveCodeRequest
/// The core's `ReconcileReport` (generated record/enum/protocol, see bindings/API.md).
public typealias ReconcileReport = IMWalletCore.ReconcileReport
/// The core's `ScannedPayload` (generated record/enum/protocol, see bindings/API.md).
public typealias ScannedPayload = IMWalletCore.ScannedPayload
/// The core's `QrFormat` (generated record/enum/protocol, see bindings/API.md).
public typealias QrFormat = IMWalletCore.QrFormat
/// The core's `QrErrorKind` (generated record/enum/protocol, see bindings/API.md).
public typealias QrErrorKind = IMWalletCore.QrErrorKind
/// The core's `CallbackError` (generated record/enum/protocol, see bindings/API.md).
public typealias CallbackError = IMWalletCore.CallbackError
/// The core's `PlatformKeyStore` (generated record/enum/protocol, see bindings/API.md).
public typealias PlatformKeyStore = IMWalletCore.PlatformKeyStore

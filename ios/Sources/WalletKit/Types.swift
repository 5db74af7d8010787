// The core's records and enums, re-exported under WalletKit so an app
// imports one module. They are the generated types, unchanged and Sendable.
import IMWalletCore

/// A scanned, validated payment payload (`QRCode.parse`).
public typealias ScannedPayload = IMWalletCore.ScannedPayload
/// The format of a scanned payload (EMVCo MPM, UPI, EPC, …).
public typealias QrFormat = IMWalletCore.QrFormat
/// What is wrong with a refused payload.
public typealias QrErrorKind = IMWalletCore.QrErrorKind

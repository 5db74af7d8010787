// One sandbox process, one app, and helpers to make signed-up users, for the
// WalletKit tests. Codes are read from the sandbox's outbox over HTTP.
import Foundation
@testable import WalletKit
import XCTest

let testPassword = "correct horse battery"

/// A sandbox with an app key; makes clients with fresh data directories.
final class TestWorld: @unchecked Sendable {
    // @unchecked: immutable after start; `phones` guarded by `lock`.
    let sandbox: SandboxProcess
    let apiKey: String
    private let lock = NSLock()
    private var nextPhone = 0

    static func start() async throws -> TestWorld {
        let sandbox = try await SandboxProcess.start()
        return try await TestWorld(sandbox: sandbox, apiKey: sandbox.createApp())
    }

    private init(sandbox: SandboxProcess, apiKey: String) {
        self.sandbox = sandbox
        self.apiKey = apiKey
    }

    /// A phone number not used yet in this sandbox.
    func freshPhone() -> String {
        lock.lock()
        defer { lock.unlock() }
        nextPhone += 1
        return "+861380000\(String(format: "%04d", nextPhone))"
    }

    /// A client on a new, empty data directory.
    func client(baseURL: String? = nil, locale: WalletLocale = .en, syncPageSize: UInt32? = nil) throws -> WalletClient {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wk-\(UUID().uuidString)")
        let config = try WalletConfig.sandbox(apiKey: apiKey, baseURL: baseURL ?? sandbox.baseURL,
                                              dataDirectory: dir, locale: locale, syncPageSize: syncPageSize)
        return try WalletClient(config: config)
    }

    func code(for destination: String) async throws -> String {
        try await sandbox.latestCode(apiKey: apiKey, destination: destination)
    }

    /// Registers and logs in (password + second factor); returns the user id.
    @discardableResult
    func signUp(_ client: WalletClient, phone: String) async throws -> String {
        _ = try await client.requestCode(.register, to: phone)
        let profile = try await client.register(identifier: phone, password: testPassword,
                                                code: code(for: phone), displayName: "Swift Test")
        _ = try await client.login(identifier: phone, password: testPassword)
        _ = try await client.verifyLogin(code: code(for: phone))
        return profile.userId
    }

    /// Binds and verifies the always-succeeding test card; returns its id.
    func bindCard(_ client: WalletClient, phone: String, number: String = "4242424242424242") async throws -> String {
        let card = try await client.bindCard(number: number, expiryMonth: 12, expiryYear: 2099, holderName: "Li Lei")
        return try await client.verifyCard(cardId: card.cardId, code: code(for: phone)).cardId
    }

    /// A signed-up client with a verified card, topped up with `minor` fen of CNY
    /// (talking to `baseURL`, e.g. a `CutProxy`, else to the sandbox).
    func fundedClient(topUp minor: Int64, baseURL: String? = nil) async throws -> WalletClient {
        let client = try client(baseURL: baseURL)
        let phone = freshPhone()
        try await signUp(client, phone: phone)
        let card = try await bindCard(client, phone: phone)
        guard case .succeeded = await client.topUp(cardId: card, amount: cny(minor)) else {
            throw SandboxError.http(0, "the top-up did not succeed")
        }
        return client
    }

    /// A new CNY merchant; returns its id.
    func merchant(name: String = "Swift Cafe") async throws -> String {
        let merchant = try await sandbox.request("POST", "/v1/merchants", apiKey: apiKey,
                                                 json: ["name": name, "city": "Shanghai", "currency": "CNY"])
        guard let id = merchant["merchant_id"] as? String else {
            throw SandboxError.http(0, "POST /v1/merchants answered no merchant_id: \(merchant)")
        }
        return id
    }

    /// A CNY merchant's static payment code.
    func merchantCode(name: String = "Swift Cafe") async throws -> String {
        let id = try await merchant(name: name)
        let qr = try await sandbox.request("GET", "/v1/merchants/\(id)/qr", apiKey: apiKey)
        return qr["payload"] as? String ?? ""
    }

    /// A CNY order of `minor` fen at `merchantId`, made with the app key as
    /// the merchant's own app would; returns the `order_token` it hands over.
    func orderToken(merchantId: String, outTradeNo: String, minor: Int64,
                    description: String = "两杯咖啡 Two coffees") async throws -> String
    {
        let amount = ["amount": String(format: "%lld.%02lld", minor / 100, minor % 100), "currency": "CNY"]
        let order = try await sandbox.request("POST", "/v1/merchants/\(merchantId)/orders", apiKey: apiKey,
                                              json: ["out_trade_no": outTradeNo, "amount": amount,
                                                     "description": description, "expires_in_s": 600])
        guard let token = order["order_token"] as? String else {
            throw SandboxError.http(0, "POST /v1/merchants/\(merchantId)/orders answered no order_token: \(order)")
        }
        return token
    }
}

func cny(_ minor: Int64) -> Money { Money(minor: minor, currency: "CNY") }

/// Asserts the error is a `WalletError` with a code and messages in both languages.
func assertWalletError(_ error: any Error, code: String, file: StaticString = #filePath, line: UInt = #line) -> WalletError? {
    guard let error = error as? WalletError else {
        XCTFail("not a WalletError: \(error)", file: file, line: line)
        return nil
    }
    XCTAssertEqual(error.code, code, "\(error.kind)", file: file, line: line)
    XCTAssertFalse(error.userMessage.isEmpty, file: file, line: line)
    XCTAssertFalse(error.userMessageEn.isEmpty, file: file, line: line)
    XCTAssertFalse(error.userMessageZhHans.isEmpty, file: file, line: line)
    XCTAssertNotEqual(error.userMessageEn, error.userMessageZhHans, file: file, line: line)
    return error
}

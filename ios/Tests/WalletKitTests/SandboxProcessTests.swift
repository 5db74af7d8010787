import XCTest

/// The test harness itself: the real sandbox runs as a separate process.
final class SandboxProcessTests: XCTestCase {
    func testTheSandboxProcessStartsAndIssuesAnApiKey() async throws {
        let sandbox = try await SandboxProcess.start()
        defer { sandbox.stop() }
        let apiKey = try await sandbox.createApp()
        XCTAssertTrue(apiKey.hasPrefix("sk_"), "unexpected key \(apiKey)")
        let app = try await sandbox.request("GET", "/v1/apps/current", apiKey: apiKey)
        XCTAssertEqual(app["name"] as? String, "swift-tests")
    }
}

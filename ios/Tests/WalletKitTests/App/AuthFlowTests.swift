import Foundation
import WalletApp
import WalletKit
import XCTest

/// The login screens' view model driven against the real sandbox process.
final class AuthFlowTests: XCTestCase {
    func testRegisterLoginWithTheSecondFactorLockAndUnlock() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        let auth = await AuthViewModel(client: client, language: .en)
        var step = await auth.state.step
        XCTAssertEqual(step, .signedOut)

        let phone = world.freshPhone()
        await auth.requestRegisterCode(phone: phone)
        step = await auth.state.step
        guard case .registerCodeSent = step else { return XCTFail("\(step)") }
        try await auth.register(phone: phone, password: testPassword, code: world.code(for: phone), displayName: "Li Lei")
        step = await auth.state.step
        XCTAssertEqual(step, .registered)

        await auth.logIn(identifier: phone, password: testPassword)
        step = await auth.state.step
        guard case .secondFactor = step else { return XCTFail("\(step)") }
        try await auth.verify(code: world.code(for: phone))
        step = await auth.state.step
        XCTAssertEqual(step, .unlocked)
        let shownError = await auth.state.error
        XCTAssertNil(shownError)

        await auth.lock()
        step = await auth.state.step
        XCTAssertEqual(step, .locked)
        // A model opened on the same wallet starts at the unlock screen.
        let reopened = await AuthViewModel(client: client, language: .en).state.step
        XCTAssertEqual(reopened, .locked)
        await auth.unlock(password: testPassword)
        step = await auth.state.step
        XCTAssertEqual(step, .unlocked)
    }

    func testAWrongPasswordShowsTheCoreMessageInTheChosenLanguage() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        try await world.signUp(client, phone: world.freshPhone())
        try client.lock()

        let chinese = await AuthViewModel(client: client, language: .zhHans)
        await chinese.unlock(password: "not the password")
        let zh = await chinese.state
        XCTAssertEqual(zh.step, .locked)
        XCTAssertFalse(zh.busy)
        assertShown(zh.error, code: "wrong_password", in: .zhHans)

        let english = await AuthViewModel(client: client, language: .en)
        await english.unlock(password: "still not the password")
        let en = await english.state
        assertShown(en.error, code: "wrong_password", in: .en)

        await english.unlock(password: testPassword)
        let after = await english.state
        XCTAssertEqual(after.step, .unlocked)
        XCTAssertNil(after.error, "a success clears the message")
    }

    func testBiometricUnlockTurnedOnInSettingsUnlocksThroughThePlatformKeyStore() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        try await world.signUp(client, phone: world.freshPhone())
        let store = SoftwareKeyStore()

        let settings = await SettingsViewModel(client: client, language: .en)
        await settings.enableBiometricUnlock(store)
        let enabled = await settings.state
        XCTAssertTrue(enabled.biometricUnlock)
        XCTAssertNil(enabled.error)

        let auth = await AuthViewModel(client: client, language: .en)
        await auth.lock()
        await auth.unlockWithBiometrics(store)
        let step = await auth.state.step
        XCTAssertEqual(step, .unlocked)

        await settings.load()
        let loaded = await settings.state
        XCTAssertEqual(loaded.profile?.status, .active)
        await settings.logOut()
        let out = await settings.state.loggedOut
        XCTAssertTrue(out)
    }
}

// Biometric unlock on Apple platforms: the vault's key is wrapped with a
// P-256 key held by the Secure Enclave (the Keychain on the simulator) whose
// use needs the current biometric enrolment (`.biometryCurrentSet`): adding
// a fingerprint or face invalidates it, and the wallet falls back to the
// password. Compiled only where LocalAuthentication exists (not on Linux:
// the package's tests there use a software key store instead).
#if canImport(LocalAuthentication) && canImport(Security)
    import Foundation
    import IMWalletCore
    import LocalAuthentication
    import Security

    /// A `PlatformKeyStore` backed by the Keychain and LocalAuthentication.
    public final class KeychainPlatformKeyStore: PlatformKeyStore, @unchecked Sendable {
        // @unchecked: immutable after init; Security/LocalAuthentication calls are thread-safe.
        private let tag: Data
        private let reason: String
        private static let algorithm = SecKeyAlgorithm.eciesEncryptionCofactorVariableIVX963SHA256AESGCM

        /// - Parameters:
        ///   - tag: the Keychain application tag of the wrapping key.
        ///   - reason: the text of the biometric prompt (localised by the app).
        public init(tag: String = "im.wallet.vault-key", reason: String) {
            self.tag = Data(tag.utf8)
            self.reason = reason
        }

        /// Encrypts the vault key to the enclave key's public half (no prompt).
        public func wrap(secret: Data) throws(CallbackError) -> Data {
            let privateKey = try existingKey(context: nil) ?? createKey()
            guard let publicKey = SecKeyCopyPublicKey(privateKey) else { throw CallbackError.Unavailable }
            var error: Unmanaged<CFError>?
            guard let wrapped = SecKeyCreateEncryptedData(publicKey, Self.algorithm, secret as CFData, &error) else {
                throw CallbackError.Failed(detail: "wrap failed")
            }
            return wrapped as Data
        }

        /// Decrypts with the enclave key: shows the biometric prompt.
        public func unwrap(wrapped: Data) throws(CallbackError) -> Data {
            let context = LAContext()
            context.localizedReason = reason
            guard let privateKey = try existingKey(context: context) else { throw CallbackError.Unavailable }
            var error: Unmanaged<CFError>?
            guard let secret = SecKeyCreateDecryptedData(privateKey, Self.algorithm, wrapped as CFData, &error) else {
                let code = error.map { CFErrorGetCode($0.takeRetainedValue()) } ?? 0
                if code == LAError.userCancel.rawValue || code == LAError.appCancel.rawValue
                    || code == Int(errSecUserCanceled)
                {
                    throw CallbackError.Denied
                }
                throw CallbackError.Unavailable
            }
            return secret as Data
        }

        /// Deletes the wrapping key (e.g. when the user turns biometric unlock off).
        public func removeKey() {
            SecItemDelete([kSecClass: kSecClassKey, kSecAttrApplicationTag: tag] as CFDictionary)
        }

        private func existingKey(context: LAContext?) throws(CallbackError) -> SecKey? {
            var query: [CFString: Any] = [
                kSecClass: kSecClassKey, kSecAttrApplicationTag: tag,
                kSecAttrKeyType: kSecAttrKeyTypeECSECPrimeRandom, kSecReturnRef: true,
            ]
            if let context { query[kSecUseAuthenticationContext] = context }
            var item: CFTypeRef?
            switch SecItemCopyMatching(query as CFDictionary, &item) {
            case errSecSuccess: return (item as! SecKey) // kSecReturnRef of a kSecClassKey query is a SecKey
            case errSecItemNotFound: return nil
            default: throw CallbackError.Unavailable
            }
        }

        private func createKey() throws(CallbackError) -> SecKey {
            guard let access = SecAccessControlCreateWithFlags(
                nil, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, [.privateKeyUsage, .biometryCurrentSet], nil
            ) else { throw CallbackError.Unavailable }
            var attributes: [CFString: Any] = [
                kSecAttrKeyType: kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeySizeInBits: 256,
                kSecPrivateKeyAttrs: [
                    kSecAttrIsPermanent: true, kSecAttrApplicationTag: tag, kSecAttrAccessControl: access,
                ] as [CFString: Any],
            ]
            #if !targetEnvironment(simulator)
                attributes[kSecAttrTokenID] = kSecAttrTokenIDSecureEnclave
            #endif
            var error: Unmanaged<CFError>?
            guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
                throw CallbackError.Unavailable
            }
            return key
        }
    }
#endif

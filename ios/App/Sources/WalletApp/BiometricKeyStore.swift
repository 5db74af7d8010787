// Biometric unlock for the shell: WalletKit's Keychain + LocalAuthentication
// `PlatformKeyStore` (a Secure Enclave key with `.biometryCurrentSet`, so a
// new enrolment invalidates it and the password is asked again), with the
// prompt in the person's language. Apple platforms only.
#if canImport(LocalAuthentication) && canImport(Security)
    import LocalAuthentication
    import WalletKit

    /// Makes the shell's biometric key store.
    public enum BiometricKeyStore {
        /// Whether this device can use Face ID / Touch ID now.
        public static var isAvailable: Bool {
            var error: NSError?
            return LAContext().canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error)
        }

        /// The store to pass to `SettingsViewModel.enableBiometricUnlock` and
        /// `AuthViewModel.unlockWithBiometrics`.
        public static func make(language: AppLanguage) -> any PlatformKeyStore {
            KeychainPlatformKeyStore(reason: UIText.biometricReason.text(language))
        }
    }
#endif

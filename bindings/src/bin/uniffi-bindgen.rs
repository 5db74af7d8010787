//! The workspace's uniffi-bindgen: generates Kotlin, Swift and Python from the
//! compiled library, always at the pinned uniffi version.

fn main() {
    uniffi::uniffi_bindgen_main()
}

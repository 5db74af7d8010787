// Plugins are declared (with exact versions) in settings.gradle.kts and
// applied per module.
plugins {
    id("com.android.library") apply false
    id("com.android.application") apply false
    id("org.jetbrains.kotlin.android") apply false
}

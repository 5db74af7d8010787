// Android Studio project of the wallet: the AAR (`:imwallet`, the Kotlin SDK
// plus libimwallet_ffi for four ABIs) and the shell app (`:app`).
// Open this `android/` directory in Android Studio. Not built on the project's
// CI machine (no Gradle, Android SDK or NDK there): see README "Android".
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.library") version "8.13.2"
        id("com.android.application") version "8.13.2"
        id("org.jetbrains.kotlin.android") version "2.4.21"
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "imwallet-android"

include(":imwallet")
project(":imwallet").projectDir = file("aar")
include(":app")

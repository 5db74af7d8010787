// `:app` — the wallet shell: framework Activities and views, a HostApduService
// for tap-to-pay, BiometricPrompt + AndroidKeyStore for unlock. No AndroidX UI,
// no Play services. Its JVM tests (APDU framing, Robolectric 4.17) also run on
// the project's CI with Maven (pom.xml in this directory); this file is the
// Android Studio build.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "im.wallet.app"
    compileSdk = 36

    defaultConfig {
        applicationId = "im.wallet.app"
        minSdk = 24
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            // R8 full mode (gradle.properties); the AAR's consumer-rules.pro
            // keeps what JNA and the uniffi bindings reach by reflection/JNI.
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    sourceSets["main"].java.srcDirs("src/main/kotlin")
    sourceSets["test"].java.srcDirs("src/test/kotlin")

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    packaging {
        jniLibs.useLegacyPackaging = false
    }

    testOptions {
        unitTests.isIncludeAndroidResources = true
        // Local tests (Robolectric) call the host build of the library:
        // `cargo build -p imwallet-ffi --lib` first.
        unitTests.all {
            it.systemProperty("imwallet.res.dir", file("src/main/res").path)
            it.systemProperty(
                "jna.library.path",
                providers.environmentVariable("CARGO_TARGET_DIR")
                    .orElse(rootDir.parentFile.resolve("target").path).get() + "/debug",
            )
            it.jvmArgs(
                "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            )
        }
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation(project(":imwallet"))
    testImplementation("junit:junit:4.13.2")
    // On the JVM, JNA needs the jar: its host libjnidispatch is not in the AAR.
    testImplementation("net.java.dev.jna:jna:5.19.1")
    testImplementation("org.robolectric:robolectric:4.17")
}

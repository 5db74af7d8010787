// `:imwallet` — the AAR an Android team ships: the Kotlin SDK (android/sdk),
// the uniffi bindings generated with android = true, libimwallet_ffi for
// arm64-v8a, armeabi-v7a, x86_64 and x86 (16 KB aligned), JNA as its @aar
// (with Android's libjnidispatch.so), and consumer-rules.pro for R8.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

val repoRoot: File = rootDir.parentFile
val generatedBindings = layout.buildDirectory.dir("generated/uniffi")
val rustJniLibs = layout.buildDirectory.dir("jniLibs")

android {
    namespace = "im.wallet.core"
    compileSdk = 36

    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        java.srcDirs(repoRoot.resolve("android/sdk/src/main/kotlin"), generatedBindings.get().asFile)
        jniLibs.srcDirs(rustJniLibs.get().asFile)
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    packaging {
        // Keep .so files uncompressed and page-aligned inside the APK.
        jniLibs.useLegacyPackaging = false
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // The AAR, not the jar: only the AAR carries Android's libjnidispatch.so
    // (16 KB aligned from 5.16.0; 5.18.1+ also fixes a getFieldOrder race).
    api("net.java.dev.jna:jna:5.19.1@aar")
    implementation("androidx.annotation:annotation:1.9.1")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
}

// Rust: cargo-ndk for the four ABIs with -Wl,-z,max-page-size=16384, then
// the bindings. Skip with -Pimwallet.prebuiltRust=true when build/jniLibs and
// build/generated/uniffi were produced by scripts/build-android.sh already.
val buildRustLibraries by tasks.registering(Exec::class) {
    group = "build"
    description = "Builds libimwallet_ffi for Android and generates its Kotlin bindings."
    workingDir = repoRoot
    commandLine("bash", "scripts/build-android.sh")
    onlyIf { !project.hasProperty("imwallet.prebuiltRust") }
}
tasks.named("preBuild") { dependsOn(buildRustLibraries) }

//! The profile on disk and the password prompt (issue 10, item 7): the
//! profile directory, the vault's directory and every file in them are
//! owner-only, also when they existed wider before; with stdin a pipe that
//! has ended, the password is asked on the controlling terminal `/dev/tty`
//! (driven here through a pseudo-terminal by python3's `pty` module).
//! No server is needed: `login` reads the password before it dials, and the
//! server address is a closed local port.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_imwallet");
/// A loopback port nothing listens on (the discard port).
const NO_SERVER: &str = "http://127.0.0.1:9";
const PHONE: &str = "+8613700009999";

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn login_args(home: &Path) -> Vec<String> {
    [
        "--home",
        home.to_str().unwrap(),
        "--server",
        NO_SERVER,
        "--api-key",
        "test-api-key",
        "login",
        PHONE,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `imwallet` under `umask 022` (what a default shell gives), English.
fn imwallet_umask_022(args: &[String]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(args)
        .env_remove("IMWALLET_SERVER")
        .env_remove("IMWALLET_API_KEY")
        .env_remove("IMWALLET_PASSWORD")
        .env_remove("IMWALLET_HOME")
        .env("IMWALLET_LANG", "en");
    c
}

#[test]
fn the_profile_directory_is_0700_and_its_files_0600_even_when_created_wider() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("profile");
    // A profile left wide open by an older build or a careless copy.
    std::fs::create_dir_all(home.join("wallet")).unwrap();
    for d in [&home, &home.join("wallet")] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(home.join("wallet/leftover"), b"x").unwrap();
    std::fs::set_permissions(
        home.join("wallet/leftover"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = imwallet_umask_022(&login_args(&home))
        .env("IMWALLET_PASSWORD", "profile test password")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // The login itself fails (no server); the profile was prepared first.
    assert!(!out.status.success());
    let mut files = 0;
    for d in [home.clone(), home.join("wallet")] {
        assert_eq!(mode(&d), 0o700, "{}", d.display());
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                files += 1;
                assert_eq!(mode(&path), 0o600, "{}", path.display());
            }
        }
    }
    // config.json (the server and key saved on first use) and the leftover.
    assert!(home.join("config.json").is_file());
    assert!(files >= 2, "only {files} files were checked");
}

/// Drives `imwallet login` with stdin a pipe that has already ended and a
/// pseudo-terminal as the controlling terminal; types the password when
/// the prompt shows on the terminal. Prints what the terminal showed,
/// then `EXIT <code>`.
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, termios, time
argv = sys.argv[1:]
r, w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    os.close(w)
    os.dup2(r, 0)
    os.close(r)
    os.execv(argv[0], argv)
os.close(r)
os.close(w)
seen = b""
typed = False
deadline = time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.5)
    if not ready:
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not typed and b"Password:" in seen:
        # Type once the prompt has turned the echo off (as a person would
        # after seeing it); the terminal must then not show the password.
        while termios.tcgetattr(master)[3] & termios.ECHO and time.time() < deadline:
            time.sleep(0.05)
        os.write(master, b"typed on the terminal\n")
        typed = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.stdout.write("\nTYPED %s\nEXIT %d\n" % (typed, os.waitstatus_to_exitcode(status)))
"#;

#[test]
fn the_password_is_read_from_dev_tty_when_stdin_is_a_pipe_that_ended() {
    let has_pty = Command::new("python3")
        .arg("-c")
        .arg("import pty")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_pty,
        "python3 with the pty module is needed for this test"
    );
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("profile");
    let out = Command::new("python3")
        .arg("-c")
        .arg(PTY_DRIVER)
        .arg(BIN)
        .args(login_args(&home))
        .env_remove("IMWALLET_SERVER")
        .env_remove("IMWALLET_API_KEY")
        .env_remove("IMWALLET_PASSWORD")
        .env_remove("IMWALLET_HOME")
        .env("IMWALLET_LANG", "en")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "driver failed: {shown}");
    // The prompt came on the terminal, the typed password was taken
    // (without echo), and the command went on to dial the server.
    assert!(shown.contains("TYPED True"), "{shown}");
    assert!(!shown.contains("typed on the terminal"), "echoed: {shown}");
    assert!(
        !shown.contains("standard input, which ended"),
        "stdin's end was not bridged to the terminal: {shown}"
    );
    assert!(
        !shown.contains("EXIT 0"),
        "a login without a server: {shown}"
    );
}

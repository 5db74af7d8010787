//! The terminal wallet driven as a user would, one process per command with
//! scripted stdin, against a sandbox started by the test: register, login,
//! bind a card, top up, pay a merchant's code, `history --json`, a receive
//! code as PNG, a wrong password. The vault uses the real KDF policy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    Server, Session, assert_ok, assert_one_line_error, home, home_arg, imwallet, output, stdout,
};
use serde_json::Value;

const PASSWORD: &str = "terminal test password";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_registers_logs_in_tops_up_pays_a_code_and_reads_the_history() {
    let server = Server::start().await;
    let (merchant_id, payload) = server.merchant().await;
    let dir = home();
    let home = home_arg(dir.path());
    let phone = "+8613700001234";

    // register: the password, then the code the sandbox "sent".
    let mut register = Session::start(imwallet(&[
        "--home",
        &home,
        "--server",
        &server.url,
        "--api-key",
        &server.api_key,
        "register",
        phone,
        "--name",
        "Mei",
    ]));
    register.line(PASSWORD);
    let code = server.next_code(phone, "register", 0).await;
    register.line(&code);
    let out = register.finish().await;
    assert_ok(&out);
    let text = stdout(&out);
    assert!(text.contains("Registered Mei"), "{text}");
    let user_id = text
        .split("(user ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap()
        .to_owned();

    // login: the server and key were saved in the profile on first use.
    let mut login = Session::start(imwallet(&["--home", &home, "login", phone]));
    login.line(PASSWORD);
    let code = server.next_code(phone, "login", 0).await;
    login.line(&code);
    let out = login.finish().await;
    assert_ok(&out);
    assert!(stdout(&out).contains("Logged in as Mei"));

    // cards add: password, then the bind_card code.
    let mut add = Session::start(imwallet(&[
        "--home",
        &home,
        "cards",
        "add",
        "4242424242424242",
        "--expiry",
        "12/2099",
        "--holder",
        "Mei Chen",
    ]));
    add.line(PASSWORD);
    let code = server.next_code(phone, "bind_card", 0).await;
    add.line(&code);
    let out = add.finish().await;
    assert_ok(&out);
    assert!(stdout(&out).contains("•••• 4242"));

    // topup: the password on stdin, the confirmation by --yes.
    let mut topup = Session::start(imwallet(&["--home", &home, "topup", "500.00", "--yes"]));
    topup.line(PASSWORD);
    let out = topup.finish().await;
    assert_ok(&out);
    let text = stdout(&out);
    assert!(text.contains("fee 0.50 CNY"), "{text}");
    assert!(text.contains("Balance: 499.50 CNY"), "{text}");

    // pay -: the payload first, then the password, then the confirmation.
    let mut pay = Session::start(imwallet(&[
        "--home", &home, "pay", "-", "--amount", "12.50", "--memo", "tea",
    ]));
    pay.line(&payload);
    pay.line(PASSWORD);
    pay.line("y");
    let out = pay.finish().await;
    assert_ok(&out);
    let text = stdout(&out);
    assert!(
        text.contains("payment completed: amount 12.50 CNY"),
        "{text}"
    );
    assert!(text.contains("Tea House"), "{text}");

    // history --json, the password from the environment.
    let mut history = imwallet(&["--home", &home, "history", "--json"]);
    history.env("IMWALLET_PASSWORD", PASSWORD);
    let out = output(history).await;
    assert_ok(&out);
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("history --json is JSON");
    let rows = doc["transactions"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["kind"], "payment");
    assert_eq!(rows[0]["amount"]["amount"], "-12.50");
    assert_eq!(rows[0]["counterparty"], "Tea House");
    assert_eq!(rows[1]["kind"], "top_up");
    assert_eq!(rows[1]["amount"]["amount"], "499.50");
    let ledger = server.ledger(&format!("user:{user_id}"));
    assert_eq!(ledger[0].minor, 49_950 - 1_250);
    assert_owner_only(dir.path());
    assert!(!server.ledger(&format!("merchant:{merchant_id}")).is_empty());

    // withdraw: the password, the confirmation, then the withdrawal code.
    let mut withdraw = Session::start(imwallet(&["--home", &home, "withdraw", "20.00"]));
    withdraw.line(PASSWORD);
    withdraw.line("yes");
    let code = server.next_code(phone, "withdraw", 0).await;
    withdraw.line(&code);
    let out = withdraw.finish().await;
    assert_ok(&out);
    assert!(
        stdout(&out).contains("withdrawal pending"),
        "{}",
        stdout(&out)
    );
    let ledger = server.ledger(&format!("user:{user_id}"));
    assert_eq!(ledger[0].minor, 49_950 - 1_250 - 2_000);

    // The read-only commands, the password from the environment.
    let run = |args: &[&str]| {
        let mut all = vec!["--home", home.as_str()];
        all.extend_from_slice(args);
        let mut c = imwallet(&all);
        c.env("IMWALLET_PASSWORD", PASSWORD);
        output(c)
    };
    let out = run(&["summary", "--json"]).await;
    assert_ok(&out);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let spent: i64 = doc["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let text = l["total"]["amount"].as_str().unwrap().replace('.', "");
            text.parse::<i64>().unwrap()
        })
        .sum();
    assert_eq!(spent, 1_250 + 2_000);
    let out = run(&["balance"]).await;
    assert_ok(&out);
    assert!(
        stdout(&out).contains("Balance: 467.00 CNY"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("Points: 12"), "{}", stdout(&out));
    let out = run(&["cards", "list"]).await;
    assert_ok(&out);
    assert!(stdout(&out).contains("•••• 4242"));
    let out = run(&["paycode"]).await;
    assert_ok(&out);
    assert!(stdout(&out).contains("IMWPAY1."), "{}", stdout(&out));
    let out = run(&["quote", "transfer", "10.00"]).await;
    assert_ok(&out);
    assert!(
        stdout(&out).starts_with("Quote: amount 10.00 CNY"),
        "{}",
        stdout(&out)
    );

    // receive --png writes a PNG and draws the QR.
    let png = dir.path().join("receive.png");
    let mut receive = imwallet(&[
        "--home",
        &home,
        "receive",
        "--amount",
        "3.00",
        "--png",
        png.to_str().unwrap(),
    ]);
    receive.env("IMWALLET_PASSWORD", PASSWORD);
    let out = output(receive).await;
    assert_ok(&out);
    assert!(stdout(&out).contains('▀'));
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");

    // A wrong password: one line, exit 4, nothing unlocked.
    let mut wrong = imwallet(&["--home", &home, "unlock"]);
    wrong.env("IMWALLET_PASSWORD", "not the password");
    let line = assert_one_line_error(&output(wrong).await, 4);
    assert!(line.contains("wrong password"), "{line}");

    // logout wipes the session: the next command needs a login.
    let mut logout = imwallet(&["--home", &home, "logout"]);
    logout.env("IMWALLET_PASSWORD", PASSWORD);
    assert_ok(&output(logout).await);
    let mut after = imwallet(&["--home", &home, "history"]);
    after.env("IMWALLET_PASSWORD", PASSWORD);
    let line = assert_one_line_error(&output(after).await, 6);
    assert!(line.contains("not logged in"), "{line}");
    server.assert_ledger_sound();
}

/// The profile directory, the vault's directory and every file in them are
/// owner-only (issue 10): 0700 directories, 0600 files.
#[cfg(unix)]
fn assert_owner_only(home: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for dir in [home.to_path_buf(), home.join("wallet")] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
            }
        }
    }
}

#[cfg(not(unix))]
fn assert_owner_only(_: &std::path::Path) {}

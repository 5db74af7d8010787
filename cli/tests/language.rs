//! The terminal wallet speaks Simplified Chinese or English: chosen by
//! `--lang`, then `IMWALLET_LANG`, then the POSIX locale; help, errors and
//! prompts follow it, and machine output (`--json`, exit codes) does not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_one_line_error, home, home_arg, imwallet, output, stdout};

/// `imwallet` with no language variable at all (the helper pins English).
fn with_locale(args: &[&str], lang: &str) -> std::process::Command {
    let mut c = imwallet(args);
    c.env_remove("IMWALLET_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang);
    c
}

#[tokio::test]
async fn help_follows_the_posix_locale() {
    let zh = stdout(&output(with_locale(&["--help"], "zh_CN.UTF-8")).await);
    assert!(zh.contains("退出码"), "{zh}");
    assert!(zh.contains("用法"), "{zh}");
    assert!(zh.contains("付款"), "{zh}");
    let en = stdout(&output(with_locale(&["--help"], "en_US.UTF-8")).await);
    assert!(en.contains("Exit codes:"), "{en}");
    assert!(!en.contains("退出码"), "{en}");
    let sub = stdout(&output(with_locale(&["cards", "add", "--help"], "zh_CN.UTF-8")).await);
    assert!(sub.contains("卡号"), "{sub}");
}

#[tokio::test]
async fn the_flag_wins_over_the_variables() {
    let mut c = with_locale(&["--lang", "en", "--help"], "zh_CN.UTF-8");
    c.env("IMWALLET_LANG", "zh-CN");
    let text = stdout(&output(c).await);
    assert!(text.contains("Exit codes:"), "{text}");
    let mut c = with_locale(&["--help"], "en_US.UTF-8");
    c.env("IMWALLET_LANG", "zh-CN");
    let text = stdout(&output(c).await);
    assert!(text.contains("退出码"), "{text}");
}

#[tokio::test]
async fn errors_are_written_in_the_chosen_language_with_the_same_exit_code() {
    let dir = home();
    let home = home_arg(dir.path());
    let args = [
        "--home",
        &home,
        "--server",
        "http://127.0.0.1:1",
        "--api-key",
        "k",
        "topup",
        "ten",
    ];
    let mut zh_args = vec!["--lang", "zh-CN"];
    zh_args.extend_from_slice(&args);
    let zh = assert_one_line_error(&output(imwallet(&zh_args)).await, 3);
    assert!(zh.contains("无效"), "{zh}");
    let en = assert_one_line_error(&output(imwallet(&args)).await, 3);
    assert!(en.contains("invalid amount"), "{en}");
    // A usage error too: 64 in both, the wording differs.
    let zh = assert_one_line_error(
        &output(imwallet(&["--lang", "zh-CN", "frobnicate"])).await,
        64,
    );
    assert!(zh.contains("imwallet --help"), "{zh}");
}

#[tokio::test]
async fn json_output_is_the_same_in_both_languages() {
    let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    let zh = stdout(&output(imwallet(&["--lang", "zh-CN", "qr", "parse", "--json", pix])).await);
    let en = stdout(&output(imwallet(&["--lang", "en", "qr", "parse", "--json", pix])).await);
    assert_eq!(zh, en);
    let human = stdout(&output(imwallet(&["--lang", "zh-CN", "qr", "parse", pix])).await);
    assert!(human.contains("收款方："), "{human}");
}

#[tokio::test]
async fn an_unknown_language_is_invalid_input() {
    let line = assert_one_line_error(&output(imwallet(&["--lang", "fr", "--help"])).await, 3);
    assert!(line.contains("fr"), "{line}");
}

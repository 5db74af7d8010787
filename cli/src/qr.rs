//! `imwallet qr parse [--json] PAYLOAD|-`: shows what a scanned payload is.
//! Formatting only; parsing and the JSON shape live in
//! `imwallet_protocol::qr` (documented in docs/qr.md).
//!
//! Exit codes: 0 parsed, 2 refused (invalid or unsupported payload),
//! 1 the payload could not be read.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use imwallet_protocol::qr;

use crate::tr;

/// `imwallet qr …` subcommands.
#[derive(Subcommand)]
pub enum QrAction {
    /// Parse a payment QR payload and say what it is.
    Parse(ParseArgs),
}

/// Arguments of `imwallet qr parse`.
#[derive(Args)]
pub struct ParseArgs {
    /// The payload text, or `-` to read it from stdin (one trailing line
    /// break is dropped).
    payload: String,
}

/// Runs a `qr` subcommand.
pub fn run(action: QrAction) -> ExitCode {
    match action {
        QrAction::Parse(args) => parse(&args),
    }
}

/// The payload argument, or stdin's bytes for `-` (one trailing line break
/// dropped). Bytes that are not UTF-8 are a refused payload, not a read
/// failure: no payment format we parse is anything but text.
fn read_payload(arg: &str) -> std::io::Result<Result<String, qr::QrError>> {
    if arg != "-" {
        return Ok(Ok(arg.to_string()));
    }
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    Ok(payload_text(bytes))
}

/// Stdin's bytes as payload text, without one trailing line break.
fn payload_text(mut bytes: Vec<u8>) -> Result<String, qr::QrError> {
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        qr::QrError::new(
            qr::QrErrorKind::Malformed,
            e.utf8_error().valid_up_to(),
            None,
            "the payload is not UTF-8 text",
        )
    })
}

/// A refused payload as `--json`'s error object: the parser's `kind`,
/// `offset`, `tag` and `message`, with the `code`, `retryable` and
/// `exit_code` every error object has.
fn refusal_json(e: &qr::QrError) -> serde_json::Value {
    let mut error = serde_json::to_value(e).unwrap_or_default();
    if let Some(map) = error.as_object_mut() {
        map.insert("code".into(), "invalid_payload".into());
        map.insert("retryable".into(), false.into());
        map.insert("exit_code".into(), 2.into());
    }
    serde_json::json!({ "error": error })
}

/// What `qr parse` prints: stdout text, stderr text and the exit code.
struct Rendered {
    stdout: String,
    stderr: String,
    code: u8,
}

fn render(input: &str, json: bool) -> Rendered {
    render_result(qr::parse(input), json)
}

fn render_result(result: Result<qr::PaymentPayload<'_>, qr::QrError>, json: bool) -> Rendered {
    let code = if result.is_ok() { 0 } else { 2 };
    let (stdout, stderr) = match (&result, json) {
        (Ok(p), true) => (serde_json::to_string(p).unwrap_or_default(), String::new()),
        (Err(e), true) => (refusal_json(e).to_string(), String::new()),
        (Ok(p), false) => (human(p), String::new()),
        (Err(e), false) => (String::new(), tr!("qr-refused", detail = e.to_string())),
    };
    Rendered {
        stdout,
        stderr,
        code,
    }
}

fn parse(args: &ParseArgs) -> ExitCode {
    let input = match read_payload(&args.payload) {
        Ok(Ok(s)) => s,
        Ok(Err(refused)) => return print(render_result(Err(refused), crate::output::json())),
        Err(e) => {
            return crate::exit::CliError::Other(tr!("error-stdin-read", detail = e.to_string()))
                .report();
        }
    };
    print(render(&input, crate::output::json()))
}

/// Writes a rendered answer and gives its exit code.
fn print(r: Rendered) -> ExitCode {
    if !r.stdout.is_empty()
        && writeln!(std::io::stdout().lock(), "{}", r.stdout.trim_end()).is_err()
    {
        return ExitCode::from(1);
    }
    if !r.stderr.is_empty() {
        eprintln!("{}", r.stderr);
    }
    ExitCode::from(r.code)
}

fn human(p: &qr::PaymentPayload<'_>) -> String {
    let s = p.summary();
    let rows = [
        (tr!("qr-format"), Some(s.format.to_string())),
        (tr!("qr-scheme"), s.scheme.map(str::to_string)),
        (tr!("qr-payee"), s.payee_name),
        (tr!("qr-account"), s.account),
        (tr!("qr-amount"), s.amount),
        (tr!("qr-currency"), s.currency),
        (tr!("qr-reference"), s.reference),
    ];
    let mut out = String::new();
    for (label, value) in rows {
        if let Some(v) = value {
            let pad = 11usize.saturating_sub(display_width(&label));
            out.push_str(&format!("{label}{:pad$}{v}\n", ""));
        }
    }
    out
}

/// Terminal columns of `text`: two for each CJK character or full-width
/// sign, one for everything else (enough for our labels).
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c >= '\u{2E80}' { 2 } else { 1 })
        .sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

    #[test]
    fn json_success_is_one_object_with_the_format_and_exit_0() {
        let r = render(PIX, true);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(
            (v["format"].as_str(), v["scheme"].as_str(), r.code),
            (Some("emv_mpm"), Some("pix"), 0)
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_refused_payload_in_json_with_exit_2() {
        let mut bytes = b"000201".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
        let refused = payload_text(bytes).unwrap_err();
        let r = render_result(Err(refused), true);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(
            (v["error"]["kind"].as_str(), r.code),
            (Some("malformed"), 2)
        );
        assert_eq!(v["error"]["offset"], 6);
        assert_eq!(payload_text(b"abc\r\n".to_vec()).unwrap(), "abc");
    }

    #[test]
    fn json_failure_is_an_error_object_and_exit_2() {
        let r = render(&PIX.replace("Fulano", "Fulana"), true);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(v["error"]["kind"], "crc_mismatch");
        assert_eq!(v["error"]["offset"], 129);
        assert_eq!(v["error"]["tag"], "63");
        assert!(v["error"]["message"].is_string());
        assert_eq!(r.code, 2);
    }

    #[test]
    fn human_output_lists_the_summary() {
        let r = render(PIX, false);
        assert!(r.stdout.contains("payee:     Fulano de Tal"));
        assert!(r.stderr.is_empty());
        let bad = render("nonsense", false);
        assert_eq!(bad.code, 2);
        assert!(bad.stderr.contains("unsupported_format"));
        assert_eq!(bad.code, 2);
    }
}

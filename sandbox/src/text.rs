//! Free text that people write and other people read (memos, display
//! names, merchant names and cities, QR references): refused when it holds
//! a control character (C0, DEL, C1: line breaks, escapes, NUL) or a
//! bidirectional formatting character (the overrides and embeddings
//! U+202A–U+202E, the isolates U+2066–U+2069, and the marks U+200E,
//! U+200F, U+061C), which can make a memo display as something other than
//! what it says ("Trojan Source"). Refused, not stripped: the sender sees
//! why, and what is stored is what was sent. `422 invalid_text` names the
//! field and the offending code point.

use crate::problem::{ErrorCode, Problem};

/// Whether `c` is a bidirectional formatting character.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuses `value` of `field` if it holds a control or bidi formatting
/// character.
pub fn check(field: &str, value: &str) -> Result<(), Problem> {
    match value
        .chars()
        .find(|c| c.is_control() || is_bidi_control(*c))
    {
        None => Ok(()),
        Some(c) => Err(Problem::new(
            ErrorCode::InvalidText,
            format!(
                "{field} must not contain control or bidirectional formatting characters (U+{:04X})",
                u32::from(c)
            ),
        )
        .with("field", field)),
    }
}

/// [`check`] for an optional field.
pub fn check_opt(field: &str, value: Option<&str>) -> Result<(), Problem> {
    value.map_or(Ok(()), |v| check(field, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_in_any_script_passes_and_controls_and_bidi_are_refused() {
        check("memo", "晚饭 🍜 dinner, café — ok").unwrap();
        for bad in [
            "a\nb",
            "a\u{0}b",
            "\u{1b}[31m",
            "a\u{7f}",
            "\u{85}",
            "pay \u{202E}gnp.exe",
            "x\u{2066}y",
            "\u{200F}",
        ] {
            let p = check("memo", bad).unwrap_err();
            assert_eq!(p.code, ErrorCode::InvalidText, "{bad:?}");
            assert_eq!(p.extra["field"], "memo");
        }
        check_opt("memo", None).unwrap();
    }
}

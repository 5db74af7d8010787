//! EMVCo Consumer-Presented Mode: a base64 string of BER-TLV data objects.
//! The payload format indicator `85` = `CPV01` comes first; then one or
//! more application templates `61` (each with an ADF name `4F`), and
//! optionally a common data template `62`.
//!
//! Errors carry the offset of the base64 *character group* holding the
//! offending decoded byte (`byte / 3 * 4`), so they point into the input.

use super::ber::{BerError, BerReader, Tlv, tag_hex};
use super::error::QrError;

/// One application template (`61`) or the common data template (`62`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpmApplication {
    /// `4F` ADF name (AID), hex.
    pub aid: Option<String>,
    /// `50` application label.
    pub label: Option<String>,
    /// `5A` application PAN (digits). Sensitive: show masked.
    pub pan: Option<String>,
    /// `57` track 2 equivalent data, hex. Sensitive.
    pub track2: Option<String>,
    /// `5F20` cardholder name.
    pub cardholder_name: Option<String>,
    /// `5F2D` language preference.
    pub language: Option<String>,
    /// Every other data object as (tag hex, value hex).
    pub other: Vec<(String, String)>,
}

impl CpmApplication {
    /// The PAN with all but the last four digits masked.
    #[must_use]
    pub fn masked_pan(&self) -> Option<String> {
        self.pan.as_ref().map(|p| {
            let keep = p.len().saturating_sub(4);
            format!("{}{}", "*".repeat(keep), &p[keep..])
        })
    }
}

/// A validated CPM payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpmPayload {
    /// Application templates in order.
    pub applications: Vec<CpmApplication>,
    /// Common data template, if present.
    pub common: Option<CpmApplication>,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const fn b64_index() -> [u8; 256] {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 64 {
        t[B64[i] as usize] = i as u8;
        i += 1;
    }
    t
}

static B64_INDEX: [u8; 256] = b64_index();

/// Decodes standard base64 (padding optional).
///
/// # Errors
/// `malformed` with the offset of the bad character.
pub fn decode_base64(s: &str) -> Result<Vec<u8>, QrError> {
    let b = s.as_bytes();
    let body_len = b.len() - b.iter().rev().take_while(|&&c| c == b'=').count();
    if b.len() - body_len > 2
        || (b.len() != body_len && !b.len().is_multiple_of(4))
        || body_len % 4 == 1
    {
        return Err(QrError::malformed(
            body_len,
            None,
            "bad base64 length or padding",
        ));
    }
    let mut out = Vec::with_capacity(body_len * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, &c) in b[..body_len].iter().enumerate() {
        let v = B64_INDEX[c as usize];
        if v == 0xFF {
            return Err(QrError::malformed(
                i,
                None,
                "character outside the base64 alphabet",
            ));
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn at(byte: usize) -> usize {
    byte / 3 * 4
}

fn ber_err(e: BerError) -> QrError {
    QrError::malformed(at(e.offset), None, format!("BER-TLV: {}", e.reason))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn text(t: &Tlv<'_>) -> Result<String, QrError> {
    String::from_utf8(t.value.to_vec())
        .map_err(|_| QrError::invalid(at(t.offset), tag_hex(t.tag), "text is not UTF-8"))
}

fn template(buf: &[u8], t: &Tlv<'_>, need_aid: bool) -> Result<CpmApplication, QrError> {
    let mut app = CpmApplication::default();
    let mut seen: Vec<u32> = Vec::new();
    for item in BerReader::nested(buf, t) {
        let d = item.map_err(ber_err)?;
        if seen.contains(&d.tag) {
            return Err(QrError::duplicate(
                at(d.offset),
                tag_hex(d.tag),
                "data object appears twice",
            ));
        }
        seen.push(d.tag);
        match d.tag {
            0x4F => {
                if !(5..=16).contains(&d.value.len()) {
                    return Err(QrError::invalid(
                        at(d.offset),
                        "4F",
                        "AID must be 5 to 16 bytes",
                    ));
                }
                app.aid = Some(hex(d.value));
            }
            0x50 => app.label = Some(text(&d)?),
            0x5A => {
                let digits: String = hex(d.value).trim_end_matches('F').to_string();
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(QrError::invalid(
                        at(d.offset),
                        "5A",
                        "PAN must be BCD digits",
                    ));
                }
                app.pan = Some(digits);
            }
            0x57 => app.track2 = Some(hex(d.value)),
            0x5F20 => app.cardholder_name = Some(text(&d)?),
            0x5F2D => app.language = Some(text(&d)?),
            _ => app.other.push((tag_hex(d.tag), hex(d.value))),
        }
    }
    if need_aid && app.aid.is_none() {
        return Err(QrError::missing(
            at(t.offset),
            "61.4F",
            "application template without ADF name (4F)",
        ));
    }
    Ok(app)
}

/// Parses a CPM payload.
///
/// # Errors
/// [`QrError`]: `malformed` for bad base64 or BER-TLV, `missing_field` /
/// `invalid_value` for the CPM rules.
pub fn parse_cpm(input: &str) -> Result<CpmPayload, QrError> {
    let buf = decode_base64(input)?;
    let mut reader = BerReader::new(&buf);
    let first = match reader.next() {
        None => return Err(QrError::missing(0, "85", "empty payload")),
        Some(r) => r.map_err(ber_err)?,
    };
    if first.tag != 0x85 {
        return Err(QrError::missing(
            0,
            "85",
            "payload format indicator (85) must come first",
        ));
    }
    if first.value != b"CPV01" {
        return Err(QrError::invalid(
            0,
            "85",
            "payload format indicator must be CPV01",
        ));
    }
    let mut applications = Vec::new();
    let mut common = None;
    for item in reader {
        let t = item.map_err(ber_err)?;
        match t.tag {
            0x61 => applications.push(template(&buf, &t, true)?),
            0x62 => {
                if common.is_some() {
                    return Err(QrError::duplicate(
                        at(t.offset),
                        "62",
                        "common data template appears twice",
                    ));
                }
                common = Some(template(&buf, &t, false)?);
            }
            0x85 => {
                return Err(QrError::duplicate(
                    at(t.offset),
                    "85",
                    "payload format indicator appears twice",
                ));
            }
            _ => {
                return Err(QrError::invalid(
                    at(t.offset),
                    tag_hex(t.tag),
                    "only application (61) and common data (62) templates may follow 85",
                ));
            }
        }
    }
    if applications.is_empty() {
        return Err(QrError::missing(
            at(buf.len()),
            "61",
            "no application template (61)",
        ));
    }
    Ok(CpmPayload {
        applications,
        common,
    })
}

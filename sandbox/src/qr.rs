//! The sandbox's merchant QR payloads: EMVCo Merchant-Presented Mode with the
//! sandbox's own GUID in merchant account template 26 (sub-tag 01 = merchant
//! id). Until the protocol crate's parser is wired in, payments by payload
//! accept only codes this module issued.

use imwallet_protocol::money::Money;

/// The GUID identifying our merchant account template.
pub const GUID: &str = "com.imwallet.sandbox";

fn tlv(out: &mut String, id: &str, value: &str) {
    out.push_str(id);
    out.push_str(&format!("{:02}", value.chars().count()));
    out.push_str(value);
}

/// CRC-16/CCITT-FALSE of `data`.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for byte in data {
        crc ^= u16::from(*byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The merchant data a payload carries.
#[derive(Debug, Clone)]
pub struct MerchantCode<'a> {
    /// Merchant id.
    pub merchant_id: &'a str,
    /// Name (max 25 characters are used).
    pub name: &'a str,
    /// City (max 15 characters are used).
    pub city: &'a str,
    /// ISO 3166 alpha-2.
    pub country: &'a str,
    /// Merchant category code, 4 digits.
    pub mcc: &'a str,
    /// Fixed amount for a dynamic code.
    pub amount: Option<Money>,
    /// Currency of the merchant.
    pub currency_numeric: u16,
}

/// Builds a static (no amount) or dynamic (with amount) payload.
pub fn build(code: &MerchantCode<'_>) -> String {
    let mut out = String::new();
    tlv(&mut out, "00", "01");
    tlv(
        &mut out,
        "01",
        if code.amount.is_some() { "12" } else { "11" },
    );
    let mut account = String::new();
    tlv(&mut account, "00", GUID);
    tlv(&mut account, "01", code.merchant_id);
    tlv(&mut out, "26", &account);
    tlv(&mut out, "52", code.mcc);
    tlv(&mut out, "53", &format!("{:03}", code.currency_numeric));
    if let Some(amount) = code.amount {
        tlv(&mut out, "54", &amount.to_decimal_string());
    }
    tlv(&mut out, "58", code.country);
    tlv(
        &mut out,
        "59",
        &code.name.chars().take(25).collect::<String>(),
    );
    tlv(
        &mut out,
        "60",
        &code.city.chars().take(15).collect::<String>(),
    );
    out.push_str("6304");
    let crc = crc16(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    out
}

/// What a payment needs from a scanned payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned {
    /// Merchant id from template 26.
    pub merchant_id: String,
    /// Amount (tag 54) as written, if any.
    pub amount: Option<String>,
    /// Numeric currency (tag 53).
    pub currency_numeric: Option<u16>,
}

fn fields(s: &str) -> Option<Vec<(String, String)>> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let id: String = chars.get(i..i + 2)?.iter().collect();
        let len: usize = chars
            .get(i + 2..i + 4)?
            .iter()
            .collect::<String>()
            .parse()
            .ok()?;
        let value: String = chars.get(i + 4..i + 4 + len)?.iter().collect();
        out.push((id, value));
        i += 4 + len;
    }
    Some(out)
}

/// Reads a payload this module built; `None` for anything else.
pub fn read(payload: &str) -> Option<Scanned> {
    let body_len = payload.len().checked_sub(4)?;
    let (body, crc) = (payload.get(..body_len)?, payload.get(body_len..)?);
    if !body.ends_with("6304") || u16::from_str_radix(crc, 16).ok()? != crc16(body.as_bytes()) {
        return None;
    }
    let top = fields(body.get(..body.len() - 4)?)?;
    let mut scanned = Scanned {
        merchant_id: String::new(),
        amount: None,
        currency_numeric: None,
    };
    for (id, value) in top {
        match id.as_str() {
            "26" => {
                let sub = fields(&value)?;
                let guid = sub.iter().find(|(i, _)| i == "00")?;
                if guid.1 != GUID {
                    return None;
                }
                scanned.merchant_id = sub.into_iter().find(|(i, _)| i == "01")?.1;
            }
            "54" => scanned.amount = Some(value),
            "53" => scanned.currency_numeric = value.parse().ok(),
            _ => {}
        }
    }
    (!scanned.merchant_id.is_empty()).then_some(scanned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use imwallet_protocol::money::Currency;

    #[test]
    fn crc_matches_the_check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn built_payload_reads_back_and_tampering_is_detected() {
        let code = MerchantCode {
            merchant_id: "mer_1",
            name: "咖啡店 Coffee",
            city: "Shanghai",
            country: "CN",
            mcc: "5814",
            amount: Some(Money::new(1234, Currency::Cny)),
            currency_numeric: 156,
        };
        let payload = build(&code);
        let scanned = read(&payload).unwrap();
        assert_eq!(scanned.merchant_id, "mer_1");
        assert_eq!(scanned.amount.as_deref(), Some("12.34"));
        assert_eq!(scanned.currency_numeric, Some(156));
        let tampered = payload.replacen("12.34", "12.35", 1);
        assert!(read(&tampered).is_none());
    }
}

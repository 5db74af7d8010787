//! National and network profiles that ride on EMVCo MPM, recognised by the
//! GUID/AID in sub-tag `00` of a merchant account template (ids 26–51), or
//! by a reserved primitive network id (UnionPay 15/16).
//!
//! Where a real scheme omits fields the generic spec calls mandatory
//! (PromptPay and VietQR codes often carry no MCC, merchant name or city),
//! the profile says so in [`Scheme::exempt_fields`] and the parse result
//! lists the exemptions it applied.

/// A payment scheme riding on EMVCo MPM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Brazil's PIX (GUID `br.gov.bcb.pix`).
    Pix,
    /// India's UPI on Bharat QR (NPCI AID `A000000524…`).
    Upi,
    /// Thailand's PromptPay (AID `A00000067701011…`).
    PromptPay,
    /// Singapore's PayNow on SGQR (GUID `SG.PAYNOW`).
    PayNow,
    /// Malaysia's DuitNow (AID `A000000615…`).
    DuitNow,
    /// Indonesia's QRIS (GUID `ID.CO.QRIS.WWW`).
    Qris,
    /// Vietnam's VietQR on NAPAS (AID `A000000727`).
    VietQr,
    /// Hong Kong's Faster Payment System (GUID `hk.com.hkicl`).
    Fps,
    /// The Philippines' QR Ph (GUIDs `com.p2pqrpay`, `ph.ppmi.p2m`).
    QrPh,
    /// UnionPay (AID `A000000333…` or primitive ids 15/16).
    UnionPay,
}

impl Scheme {
    /// Stable snake_case name used in JSON (`pix`, `promptpay`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pix => "pix",
            Self::Upi => "upi",
            Self::PromptPay => "promptpay",
            Self::PayNow => "paynow",
            Self::DuitNow => "duitnow",
            Self::Qris => "qris",
            Self::VietQr => "vietqr",
            Self::Fps => "fps",
            Self::QrPh => "qrph",
            Self::UnionPay => "unionpay",
        }
    }

    /// Generic-mandatory root fields this profile allows to be absent.
    #[must_use]
    pub fn exempt_fields(self) -> &'static [u8] {
        match self {
            Self::PromptPay | Self::VietQr => &[52, 59, 60],
            _ => &[],
        }
    }

    /// Priority when several templates name schemes: lower wins. A domestic
    /// scheme beats an international network listed beside it.
    pub(crate) fn priority(self) -> u8 {
        match self {
            Self::Pix => 0,
            Self::PromptPay => 1,
            Self::PayNow => 2,
            Self::DuitNow => 3,
            Self::Qris => 4,
            Self::VietQr => 5,
            Self::Fps => 6,
            Self::QrPh => 7,
            Self::Upi => 8,
            Self::UnionPay => 9,
        }
    }
}

/// (GUID or AID prefix, upper case; scheme; whole-match required).
const GUIDS: &[(&str, Scheme, bool)] = &[
    ("BR.GOV.BCB.PIX", Scheme::Pix, true),
    ("A00000067701011", Scheme::PromptPay, false),
    ("SG.PAYNOW", Scheme::PayNow, true),
    ("A000000615", Scheme::DuitNow, false),
    ("ID.CO.QRIS.WWW", Scheme::Qris, true),
    ("A000000727", Scheme::VietQr, false),
    ("HK.COM.HKICL", Scheme::Fps, true),
    ("COM.P2PQRPAY", Scheme::QrPh, true),
    ("PH.PPMI.P2M", Scheme::QrPh, true),
    ("A000000524", Scheme::Upi, false),
    ("A000000333", Scheme::UnionPay, false),
];

/// The scheme a template GUID/AID names, compared case-insensitively.
#[must_use]
pub fn scheme_for_guid(guid: &str) -> Option<Scheme> {
    let first = guid.as_bytes().first()?.to_ascii_uppercase();
    GUIDS.iter().find_map(|&(g, scheme, whole)| {
        if g.as_bytes()[0] != first {
            return None;
        }
        let hit = if whole {
            guid.eq_ignore_ascii_case(g)
        } else {
            guid.len() >= g.len() && guid.as_bytes()[..g.len()].eq_ignore_ascii_case(g.as_bytes())
        };
        hit.then_some(scheme)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn guids_match_case_insensitively_and_aids_by_prefix() {
        assert_eq!(scheme_for_guid("br.gov.bcb.pix"), Some(Scheme::Pix));
        assert_eq!(scheme_for_guid("A000000677010111"), Some(Scheme::PromptPay));
        assert_eq!(scheme_for_guid("A000000727"), Some(Scheme::VietQr));
        assert_eq!(scheme_for_guid("br.gov.bcb.pixx"), None);
        assert_eq!(scheme_for_guid("A00000"), None);
    }
}

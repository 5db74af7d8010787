//! Published examples of the non-EMV formats, the wallet's own codes, and
//! invalid payloads of every format, table-driven.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use imwallet_protocol::qr::{PayloadFormat, PaymentPayload, QrErrorKind, SolanaPayPayload, parse};

// EPC069-12 guidelines example (Belgian Red Cross), version 001 and 002.
const EPC_001: &str = "BCD\n001\n1\nSCT\nBPOTBEB1\nRed Cross of Belgium\nBE72000000001616\nEUR1\nCHAR\n\nUrgency fund\nSample EPC QR code";
const EPC_002: &str = "BCD\n002\n1\nSCT\n\nRed Cross of Belgium\nBE72000000001616\nEUR1\nCHAR\n\nUrgency fund\nSample EPC QR code";
// Swiss Implementation Guidelines QR-bill example (QR-IBAN + QRR reference).
const SWISS: &str = "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n1949.75\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\nRorschach\nCH\nQRR\n210000000003139471430009017\nAuftrag vom 15.06.2020\nEPD\n//S1/10/10201409/11/200701/20/140.000-53/30/102673831/31/200615/32/7.7/33/7.7:139.40/40/0:30\nName AV1: UV;UltraPay005;12345\nName AV2: XY;XYService;54321";
// BIP21 examples. The address in BIP21's own examples does not pass its
// Base58Check checksum, so those URIs are refused (see the invalid table);
// the positive cases use the same parameters with a valid address.
const BIP21_SPEC: &str = "bitcoin:175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz";
const BIP21_FULL: &str = "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz";
const BIP21_UNKNOWN_OK: &str = "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?somethingyoudontunderstand=50&somethingelseyoudontget=999";
const BIP21_REQ_UNKNOWN: &str = "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?req-somethingyoudontunderstand=50&req-somethingelseyoudontget=999";
const BIP21_BECH32: &str = "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4?amount=0.001";
// EIP-681 examples.
const EIP681_VALUE: &str = "ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359?value=2.014e18";
const EIP681_TRANSFER: &str = "ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7/transfer?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1";
// Solana Pay spec examples.
const SOL_TRANSFER: &str = "solana:mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN?amount=1&label=Michael&message=Thanks%20for%20all%20the%20fish&memo=OrderId12345";
const SOL_USDC: &str = "solana:mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN?amount=0.01&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const SOL_REQUEST: &str = "solana:https://example.com/solana-pay";
const SOL_REQUEST_ENCODED: &str = "solana:https%3A%2F%2Fexample.com%2Fsolana-pay%3Forder%3D12345";
// BOLT11 spec examples ("Please consider supporting this project", "1 cup coffee").
const BOLT11_DONATION: &str = "lnbc1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq9qrsgq357wnc5r2ueh7ck6q93dj32dlqnls087fxdwk8qakdyafkq3yap9us6v52vjjsrvywa6rt52cm9r9zqt8r2t7mlcwspyetp5h2tztugp9lfyql";
const BOLT11_COFFEE: &str = "lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu9qrsgquk0rl77nj30yxdy8j9vdx85fkpmdla2087ne0xh8nhedh8w27kyke0lp53ut353s06fv3qfegext0eh0ymjpf39tuven09sam30g4vgpfna3rh";
// EMVCo CPM example (base64 of 85 CPV01, 61 with 4F/50, 62 with 5A/5F20).
const UPI: &str =
    "upi://pay?pa=merchant@upi&pn=Merchant%20Name&am=100.50&cu=INR&tn=Order%2042&tr=ORD42&mc=5411";

#[test]
fn every_format_is_recognised_with_its_key_fields() {
    let prefixed = format!("lightning:{BOLT11_COFFEE}");
    let upper = BOLT11_COFFEE.to_uppercase();
    let cases: Vec<(&str, PayloadFormat)> = vec![
        (EPC_001, PayloadFormat::Epc),
        (EPC_002, PayloadFormat::Epc),
        (SWISS, PayloadFormat::SwissQr),
        (BIP21_FULL, PayloadFormat::Bip21),
        (BIP21_UNKNOWN_OK, PayloadFormat::Bip21),
        (BIP21_BECH32, PayloadFormat::Bip21),
        (EIP681_VALUE, PayloadFormat::Eip681),
        (EIP681_TRANSFER, PayloadFormat::Eip681),
        (SOL_TRANSFER, PayloadFormat::SolanaPay),
        (SOL_USDC, PayloadFormat::SolanaPay),
        (SOL_REQUEST, PayloadFormat::SolanaPay),
        (SOL_REQUEST_ENCODED, PayloadFormat::SolanaPay),
        (BOLT11_DONATION, PayloadFormat::Lightning),
        (&prefixed, PayloadFormat::Lightning),
        (&upper, PayloadFormat::Lightning),
        (UPI, PayloadFormat::Upi),
        (
            "https://qr.alipay.com/bax03431ljhokirwl38f00a7",
            PayloadFormat::Alipay,
        ),
        (
            "weixin://wxpay/bizpayurl?pr=abc123XYZ",
            PayloadFormat::WechatPay,
        ),
        ("wxp://f2f0abcdef0123456789", PayloadFormat::WechatPay),
        (
            "https://paypal.me/johndoe/25.50EUR",
            PayloadFormat::PaypalMe,
        ),
        ("https://www.paypal.me/johndoe", PayloadFormat::PaypalMe),
    ];
    for (s, f) in &cases {
        let p = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(p.format(), *f, "{s}");
    }
}

#[test]
fn epc_fields_are_extracted() {
    let PaymentPayload::Epc(p) = parse(EPC_001).unwrap() else {
        panic!()
    };
    assert_eq!(
        (p.version, p.bic, p.name, p.iban),
        (
            1,
            Some("BPOTBEB1"),
            "Red Cross of Belgium",
            "BE72000000001616"
        )
    );
    assert_eq!(
        (p.amount, p.purpose, p.text, p.information),
        (
            Some("1"),
            Some("CHAR"),
            Some("Urgency fund"),
            Some("Sample EPC QR code")
        )
    );
    let PaymentPayload::Epc(p) = parse(EPC_002).unwrap() else {
        panic!()
    };
    assert_eq!(p.bic, None);
    assert!(parse(&EPC_001.replace('\n', "\r\n")).is_ok());
}

#[test]
fn swiss_qr_bill_fields_are_extracted() {
    let PaymentPayload::SwissQr(p) = parse(SWISS).unwrap() else {
        panic!()
    };
    assert_eq!(
        (p.iban, p.creditor.name, p.amount, p.currency),
        (
            "CH4431999123000889012",
            "Robert Schneider AG",
            Some("1949.75"),
            "CHF"
        )
    );
    assert_eq!(p.debtor.unwrap().town, Some("Rorschach"));
    assert_eq!(
        (p.reference_type, p.reference),
        ("QRR", Some("210000000003139471430009017"))
    );
    assert_eq!(
        p.alternative_schemes[1],
        Some("Name AV2: XY;XYService;54321")
    );
}

#[test]
fn crypto_uris_are_extracted() {
    let PaymentPayload::Bip21(b) = parse(BIP21_FULL).unwrap() else {
        panic!()
    };
    assert_eq!(
        (b.address.as_ref(), b.amount.as_deref(), b.label.as_deref()),
        (
            "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
            Some("50"),
            Some("Luke-Jr")
        )
    );
    assert_eq!(b.message.as_deref(), Some("Donation for project xyz"));

    let PaymentPayload::Eip681(e) = parse(EIP681_VALUE).unwrap() else {
        panic!()
    };
    assert_eq!(e.value.as_deref(), Some("2014000000000000000"));
    let PaymentPayload::Eip681(e) = parse(EIP681_TRANSFER).unwrap() else {
        panic!()
    };
    assert_eq!((e.function, e.params.len()), (Some("transfer"), 2));

    let PaymentPayload::SolanaPay(SolanaPayPayload::Transfer(t)) = parse(SOL_TRANSFER).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (t.recipient, t.amount.as_deref(), t.memo.as_deref()),
        (
            "mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN",
            Some("1"),
            Some("OrderId12345")
        )
    );
    assert_eq!(t.message.as_deref(), Some("Thanks for all the fish"));
    let PaymentPayload::SolanaPay(SolanaPayPayload::TransactionRequest { link }) =
        parse(SOL_REQUEST_ENCODED).unwrap()
    else {
        panic!()
    };
    assert_eq!(link, "https://example.com/solana-pay?order=12345");

    let PaymentPayload::Lightning(l) = parse(BOLT11_COFFEE).unwrap() else {
        panic!()
    };
    assert_eq!(
        (l.network, l.amount_msat, l.timestamp),
        ("bitcoin", Some(250_000_000), 1_496_314_658)
    );
    assert_eq!(l.description.as_deref(), Some("1 cup coffee"));
    assert_eq!(
        l.payment_hash.as_deref(),
        Some("0001020304050607080900010203040506070809000102030405060708090102")
    );
    assert_eq!(l.expiry, Some(60));
    let PaymentPayload::Lightning(l) = parse(BOLT11_DONATION).unwrap() else {
        panic!()
    };
    assert_eq!(
        (l.amount_msat, l.description.as_deref()),
        (None, Some("Please consider supporting this project"))
    );
}

#[test]
fn wallet_links_are_reported_opaque() {
    let PaymentPayload::Alipay(a) =
        parse("https://qr.alipay.com/bax03431ljhokirwl38f00a7").unwrap()
    else {
        panic!()
    };
    assert_eq!(a.token, "bax03431ljhokirwl38f00a7");
    let PaymentPayload::WechatPay(w) = parse("weixin://wxpay/bizpayurl?pr=abc123XYZ").unwrap()
    else {
        panic!()
    };
    assert_eq!(w.token, "abc123XYZ");
    let PaymentPayload::PaypalMe(p) = parse("https://paypal.me/johndoe/25.50EUR").unwrap() else {
        panic!()
    };
    assert_eq!(
        (p.user, p.amount, p.currency),
        ("johndoe", Some("25.50"), Some("EUR"))
    );
    let PaymentPayload::Upi(u) = parse(UPI).unwrap() else {
        panic!()
    };
    assert_eq!(
        (u.vpa.as_ref(), u.amount.as_deref(), u.note.as_deref()),
        ("merchant@upi", Some("100.50"), Some("Order 42"))
    );
}

#[test]
fn emv_cpm_is_decoded() {
    // 85 05 "CPV01" | 61 13 (4F 07 A0000000041010, 50 08 "Product1") | 62 0A (5A 08 1234567890123458)
    let bytes: Vec<u8> = [
        &[0x85, 0x05][..],
        b"CPV01",
        &[
            0x61, 0x13, 0x4F, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10, 0x50, 0x08,
        ],
        b"Product1",
        &[
            0x62, 0x0A, 0x5A, 0x08, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x58,
        ],
    ]
    .concat();
    let b64 = base64(&bytes);
    assert!(b64.starts_with("hQVDUFYwMW"));
    let PaymentPayload::EmvCpm(c) = parse(&b64).unwrap() else {
        panic!()
    };
    assert_eq!(c.applications[0].aid.as_deref(), Some("A0000000041010"));
    assert_eq!(c.applications[0].label.as_deref(), Some("Product1"));
    assert_eq!(
        c.common.unwrap().masked_pan().as_deref(),
        Some("************3458")
    );
}

fn base64(b: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn invalid_payloads_of_other_formats_report_kind_offset_and_tag() {
    use QrErrorKind::*;
    let swiss_scor = SWISS
        .replace("CH4431999123000889012", "CH5800791123000889012")
        .replace("QRR\n210000000003139471430009017", "SCOR\nRF18539007547034");
    let cases: Vec<(String, QrErrorKind, usize, Option<&str>)> = vec![
        ("".into(), UnsupportedFormat, 0, None),
        ("hello world".into(), UnsupportedFormat, 0, None),
        (
            "mailto:someone@example.com".into(),
            UnsupportedFormat,
            0,
            None,
        ),
        // EPC
        (
            EPC_001.replace("BE72000000001616", "BE72000000001617"),
            CrcMismatch,
            44,
            Some("iban"),
        ),
        (
            EPC_001.replace("\n001\n", "\n003\n"),
            InvalidValue,
            4,
            Some("version"),
        ),
        (
            EPC_001.replace("\n1\nSCT", "\n9\nSCT"),
            InvalidValue,
            8,
            Some("encoding"),
        ),
        (
            EPC_001.replace("SCT", "INST"),
            InvalidValue,
            10,
            Some("identification"),
        ),
        (
            EPC_001.replace("BPOTBEB1", ""),
            MissingField,
            14,
            Some("bic"),
        ),
        (
            EPC_001.replace("Red Cross of Belgium", ""),
            MissingField,
            23,
            Some("name"),
        ),
        (
            EPC_001.replace("EUR1", "USD1"),
            InvalidValue,
            61,
            Some("amount"),
        ),
        (
            EPC_001.replace("EUR1", "EUR1.001"),
            InvalidValue,
            61,
            Some("amount"),
        ),
        (
            EPC_001.replace("\n\nUrgency", "\nRF18539007547034\nUrgency"),
            InvalidValue,
            88,
            Some("text"),
        ),
        (
            format!("{EPC_001}{}", "x".repeat(300)),
            InvalidValue,
            331,
            Some("payload"),
        ),
        // Swiss
        (
            SWISS.replace("CH4431999123000889012", "CH4431999123000889013"),
            CrcMismatch,
            11,
            Some("iban"),
        ),
        (
            SWISS.replace("210000000003139471430009017", "210000000003139471430009018"),
            CrcMismatch,
            178,
            Some("reference"),
        ),
        (
            SWISS.replace("\nQRR\n", "\nNON\n"),
            InvalidValue,
            174,
            Some("reference_type"),
        ),
        (
            swiss_scor.replace("RF18539007547034", "RF19539007547034"),
            CrcMismatch,
            179,
            Some("reference"),
        ),
        (
            SWISS.replace("\n1949.75\n", "\n1949.755\n"),
            InvalidValue,
            91,
            Some("amount"),
        ),
        (
            SWISS.replace("\nCHF\n", "\nUSD\n"),
            InvalidValue,
            99,
            Some("currency"),
        ),
        (
            SWISS.replace("\nEPD\n", "\nEND\n"),
            InvalidValue,
            229,
            Some("trailer"),
        ),
        (
            SWISS.replace("\n0200\n", "\n0100\n"),
            InvalidValue,
            4,
            Some("version"),
        ),
        (
            SWISS.replace("\nS\nRobert", "\nX\nRobert"),
            InvalidValue,
            33,
            Some("creditor.kind"),
        ),
        (
            SWISS.replace("CH\n\n\n\n\n\n\n\n1949", "CH\nS\n\n\n\n\n\n\n1949"),
            InvalidValue,
            84,
            Some("ultimate_creditor.kind"),
        ),
        // BIP21
        (
            BIP21_REQ_UNKNOWN.into(),
            InvalidValue,
            43,
            Some("req-somethingyoudontunderstand"),
        ),
        (BIP21_SPEC.into(), CrcMismatch, 8, Some("address")),
        (
            BIP21_FULL.replace("LETtpyT", "LETtpyU"),
            CrcMismatch,
            8,
            Some("address"),
        ),
        (
            BIP21_FULL.replace("amount=50", "amount=50.123456789"),
            InvalidValue,
            43,
            Some("amount"),
        ),
        (
            BIP21_FULL.replace("amount=50", "amount=1e3"),
            InvalidValue,
            43,
            Some("amount"),
        ),
        ("bitcoin:".into(), MissingField, 8, Some("address")),
        (
            BIP21_BECH32.replace("v8f3t4", "v8f3t5"),
            CrcMismatch,
            8,
            Some("address"),
        ),
        (
            format!("{BIP21_FULL}&label=again"),
            DuplicateField,
            106,
            Some("label"),
        ),
        // EIP-681
        ("ethereum:0x1234".into(), InvalidValue, 9, Some("address")),
        (
            EIP681_VALUE.replace("2.014e18", "2.0145e3"),
            InvalidValue,
            52,
            Some("value"),
        ),
        (
            "ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359@x1".into(),
            InvalidValue,
            52,
            Some("chain_id"),
        ),
        // Solana
        (
            SOL_TRANSFER.replace("mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN", "mvines0"),
            InvalidValue,
            7,
            Some("recipient"),
        ),
        (
            SOL_TRANSFER.replace("amount=1", "amount=-1"),
            InvalidValue,
            51,
            Some("amount"),
        ),
        (
            SOL_USDC.replace("8G4wEGGkZwyTDt1v", ""),
            InvalidValue,
            63,
            Some("spl-token"),
        ),
        (
            "solana:http://example.com/pay".into(),
            InvalidValue,
            7,
            Some("link"),
        ),
        // Lightning
        (
            BOLT11_COFFEE.replace("fna3rh", "fna3rj"),
            CrcMismatch,
            0,
            Some("invoice"),
        ),
        (
            "lightning:lnbc1qqqqqqqqq".into(),
            CrcMismatch,
            10,
            Some("invoice"),
        ),
        (
            "lightning:lnbc1qqqqqqbqq".into(),
            Malformed,
            21,
            Some("invoice"),
        ),
        ("lnxx1pvjluezsp5".into(), UnsupportedFormat, 0, None),
        // UPI
        (
            "upi://pay?pn=Shop&am=10".into(),
            MissingField,
            23,
            Some("pa"),
        ),
        (
            "upi://pay?pa=nobody&am=10".into(),
            InvalidValue,
            10,
            Some("pa"),
        ),
        ("upi://pay?pa=a@b&am=0".into(), InvalidValue, 17, Some("am")),
        (
            "upi://pay?pa=a@b&cu=USD".into(),
            InvalidValue,
            17,
            Some("cu"),
        ),
        (
            "upi://pay?pa=a@b&pa=c@d".into(),
            DuplicateField,
            17,
            Some("pa"),
        ),
        ("upi://mandate?pa=a@b".into(), InvalidValue, 6, Some("path")),
        ("upi://pay?pa=a%2@b".into(), Malformed, 14, Some("pa")),
        // Wallet links
        (
            "https://qr.alipay.com/".into(),
            MissingField,
            22,
            Some("token"),
        ),
        (
            "weixin://wxpay/bizpayurl?x=1".into(),
            MissingField,
            28,
            Some("pr"),
        ),
        (
            "https://paypal.me/john/12,50".into(),
            InvalidValue,
            23,
            Some("amount"),
        ),
        // CPM
        ("hQ!!".into(), Malformed, 2, None),
        ("hQVDUFYwMg==".into(), InvalidValue, 0, Some("85")),
        ("hQVDUFYwMQ==".into(), MissingField, 8, Some("61")),
        ("hQVDUFYwMWEC".into(), Malformed, 8, None),
        // Paycode
        ("IMWPAY1.dev.1700000000".into(), Malformed, 8, None),
        (
            "IMWPAY1.dev.0170.0123456789abcdef01234567".into(),
            InvalidValue,
            12,
            Some("time"),
        ),
        (
            "IMWPAY1.dev.1700000000.XYZ".into(),
            InvalidValue,
            23,
            Some("tag"),
        ),
    ];
    assert!(cases.len() >= 40);
    let mut failures = Vec::new();
    for (i, (payload, kind, offset, tag)) in cases.iter().enumerate() {
        match parse(payload) {
            Ok(p) => failures.push(format!("case {i}: {payload:?} parsed: {p:?}")),
            Err(err) => {
                if (err.kind, err.offset, err.tag.as_deref()) != (*kind, *offset, *tag) {
                    failures.push(format!("case {i}: {payload:?}: got {err}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

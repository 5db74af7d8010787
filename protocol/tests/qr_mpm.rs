//! EMVCo MPM published examples and invalid payloads, table-driven.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use imwallet_protocol::qr::{
    Initiation, MerchantAccount, PaymentPayload, QrErrorKind, Scheme, crc::crc16, parse,
};

/// EMV QRCPS Merchant-Presented Mode v1.1, annex example (CJK merchant
/// names in template 64; lengths count characters, not bytes).
const EMVCO_ANNEX: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";
/// PIX manual (Manual de Padrões para Iniciação do Pix) 2.6.3: static.
const PIX_STATIC: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
/// PIX manual 2.7.2: dynamic.
const PIX_DYNAMIC: &str = "00020101021226700014br.gov.bcb.pix2548pix.example.com/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***630464E4";
/// PIX manual 2.8.5: composite (recurrence template 80).
const PIX_COMPOSITE: &str = "00020126180014br.gov.bcb.pix5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***80740014br.gov.bcb.pix2552pix.example.com/rec/2353c790eefb11eaadc10242ac1200026304F2DA";
/// PIX manual 2.8.5: composite with amount 100.50.
const PIX_COMPOSITE_AMOUNT: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865406100.505802BR5913Fulano de Tal6008BRASILIA62070503***80740014br.gov.bcb.pix2552pix.example.com/rec/2353c790eefb11eaadc10242ac12000263042875";
/// BR Code manual 2.2: card network (04) + PIX + another arrangement (270 chars).
const BRCODE_MULTI: &str = "00020104141234567890123426580014BR.GOV.BCB.PIX0136123e4567-e12b-12d1-a456-42665544000027300012BR.COM.OUTRO011001234567895204000053039865406123.455802BR5917NOME DO RECEBEDOR6008BRASILIA61087007490062190515RP12345678-201980390012BR.COM.OUTRO01190123.ABCD.3456.WXYZ6304AD38";
/// PromptPay (mobile 0812345678), static, no amount: no 52/59/60.
const PROMPTPAY_STATIC: &str =
    "00020101021129370016A000000677010111011300668123456785802TH530376463045D82";
/// PromptPay, dynamic, 100.00 THB.
const PROMPTPAY_AMOUNT: &str =
    "00020101021229370016A000000677010111011300668123456785802TH53037645406100.006304BB8A";
/// PayNow (UEN proxy) on SGQR.
const PAYNOW: &str = "00020101021126490009SG.PAYNOW010120210201403121W030110408203012315204000053037025802SG5913ACME Pte Ltd.6009Singapore6304B69E";
/// VietQR (NAPAS), static, account to bank 970403: no 52/59/60.
const VIETQR: &str = "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F";

fn mpm(s: &str) -> imwallet_protocol::qr::MpmPayload<'_> {
    match parse(s) {
        Ok(PaymentPayload::EmvMpm(p)) => p,
        other => panic!("expected emv_mpm for {s}: {other:?}"),
    }
}

#[test]
fn published_examples_carry_their_crc() {
    for s in [
        EMVCO_ANNEX,
        PIX_STATIC,
        PIX_DYNAMIC,
        PIX_COMPOSITE,
        PIX_COMPOSITE_AMOUNT,
        BRCODE_MULTI,
        PROMPTPAY_STATIC,
        PROMPTPAY_AMOUNT,
        PAYNOW,
        VIETQR,
    ] {
        let (body, crc) = s.split_at(s.len() - 4);
        assert_eq!(format!("{:04X}", crc16(body.as_bytes())), crc, "{s}");
    }
}

#[test]
fn emvco_annex_example_with_cjk_names_parses() {
    let p = mpm(EMVCO_ANNEX);
    assert_eq!(p.initiation, Some(Initiation::Dynamic));
    assert_eq!(p.merchant_category_code, Some("4111"));
    assert_eq!(p.currency_numeric, "156");
    assert_eq!(p.amount, Some("23.72"));
    assert_eq!(p.country, "CN");
    assert_eq!(p.merchant_name, Some("BEST TRANSPORT"));
    assert_eq!(p.merchant_city, Some("BEIJING"));
    let lang = p.language.unwrap();
    assert_eq!(
        (lang.language, lang.merchant_name, lang.merchant_city),
        ("ZH", "最佳运输", Some("北京"))
    );
    let ad = p.additional_data.unwrap();
    assert_eq!(ad.get(3), Some("1234"));
    assert_eq!(ad.get(6), Some("***"));
    assert_eq!(ad.get(7), Some("A6008667"));
    assert_eq!(ad.get(9), Some("ME"));
    let guids: Vec<_> = p.accounts().filter_map(|a| a.guid()).collect();
    assert_eq!(guids, ["D15600000000", "D15600000001"]);
    assert_eq!(
        p.unreserved().next().unwrap().guid(),
        Some("A011223344998877")
    );
    assert!(matches!(p.tip, Some(imwallet_protocol::qr::Tip::Prompt)));
    assert_eq!(p.scheme, None);
    assert_eq!(p.crc, "A13A");
}

#[test]
fn pix_manual_examples_parse_with_key_url_and_txid() {
    let s = mpm(PIX_STATIC);
    assert_eq!(s.scheme, Some(Scheme::Pix));
    let pix = s.pix().unwrap();
    assert_eq!(pix.key, Some("123e4567-e12b-12d1-a456-426655440000"));
    assert_eq!(pix.txid, Some("***"));
    assert_eq!(s.merchant_name, Some("Fulano de Tal"));

    let d = mpm(PIX_DYNAMIC);
    assert_eq!(d.initiation, Some(Initiation::Dynamic));
    assert_eq!(
        d.pix().unwrap().url,
        Some("pix.example.com/8b3da2f39a4140d1a91abd93113bd441")
    );

    let c = mpm(PIX_COMPOSITE);
    assert_eq!(c.pix().unwrap().key, None);
    assert_eq!(
        c.unreserved().next().unwrap().get(25),
        Some("pix.example.com/rec/2353c790eefb11eaadc10242ac120002")
    );
    assert_eq!(mpm(PIX_COMPOSITE_AMOUNT).amount, Some("100.50"));

    let b = mpm(BRCODE_MULTI);
    assert_eq!(b.scheme, Some(Scheme::Pix));
    assert_eq!(b.as_str().chars().count(), 270);
    assert_eq!(b.pix().unwrap().txid, Some("RP12345678-2019"));
    assert_eq!(b.postal_code, Some("70074900"));
    let first = b.accounts().next().unwrap();
    assert_eq!(
        first,
        MerchantAccount::Primitive {
            id: 4,
            value: "12345678901234"
        }
    );
}

#[test]
fn promptpay_and_vietqr_profiles_exempt_name_city_and_mcc() {
    let p = mpm(PROMPTPAY_STATIC);
    assert_eq!(p.scheme, Some(Scheme::PromptPay));
    assert_eq!(p.exemptions.ids().collect::<Vec<_>>(), ["52", "59", "60"]);
    assert_eq!(mpm(PROMPTPAY_AMOUNT).amount, Some("100.00"));
    let v = mpm(VIETQR);
    assert_eq!(v.scheme, Some(Scheme::VietQr));
    assert!(!v.exemptions.is_empty());
}

#[test]
fn paynow_is_recognised() {
    let p = mpm(PAYNOW);
    assert_eq!(p.scheme, Some(Scheme::PayNow));
    assert_eq!(p.merchant_city, Some("Singapore"));
}

#[test]
fn lowercase_crc_is_accepted() {
    let lower = PIX_DYNAMIC.replace("64E4", "64e4");
    assert_eq!(mpm(&lower).crc, "64e4");
}

/// Appends `6304` and the right CRC.
fn with_crc(body: &str) -> String {
    let mut s = format!("{body}6304");
    let c = crc16(s.as_bytes());
    s.push_str(&format!("{c:04X}"));
    s
}

const BASE: &str = "0002010102112624001212345678901201041234520458125303986";
const TAIL: &str = "5802BR5904NAME6004CITY";

#[test]
fn invalid_payloads_report_kind_offset_and_tag() {
    use QrErrorKind::*;
    let pix_body = &PIX_STATIC[..PIX_STATIC.len() - 8];
    let cases: Vec<(String, QrErrorKind, usize, Option<&str>)> = vec![
        // CRC
        (
            PIX_STATIC.replace("Fulano", "Fulana"),
            CrcMismatch,
            129,
            Some("63"),
        ),
        (
            PIX_STATIC.replace("1D3D", "1D3E"),
            CrcMismatch,
            129,
            Some("63"),
        ),
        (
            PIX_STATIC.replace("1D3D", "1G3D"),
            InvalidValue,
            129,
            Some("63"),
        ),
        (pix_body.to_string(), MissingField, 129, Some("63")),
        // structure
        (with_crc("0002010"), Malformed, 6, Some("06")),
        (with_crc("000201A10211"), Malformed, 6, None),
        (with_crc("00020101A211"), Malformed, 8, Some("01")),
        (with_crc("0002010102X1"), InvalidValue, 6, Some("01")),
        (with_crc("0002010100"), Malformed, 8, Some("01")),
        (with_crc("000201019911"), Malformed, 6, Some("01")),
        (
            format!("{BASE}{TAIL}6305ABCDE"),
            InvalidValue,
            77,
            Some("63"),
        ),
        (
            format!("{}5802BR", with_crc(&format!("{BASE}{TAIL}"))),
            InvalidValue,
            77,
            Some("63"),
        ),
        (
            with_crc(&format!("{BASE}2703ABC{TAIL}")),
            Malformed,
            59,
            Some("27"),
        ),
        // duplicates and order
        (
            with_crc(&format!("{BASE}5303986{TAIL}")),
            DuplicateField,
            55,
            Some("53"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}5802BR")),
            DuplicateField,
            77,
            Some("58"),
        ),
        (
            with_crc("0102110002015204581253039865802BR5904NAME6004CITY2604000100"),
            MissingField,
            0,
            Some("00"),
        ),
        (
            with_crc("0002025204581253039865802BR5904NAME6004CITY0208ABCDEFGH"),
            InvalidValue,
            0,
            Some("00"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}2716000412340004ABCD")),
            DuplicateField,
            89,
            Some("27.00"),
        ),
        // field rules
        (
            with_crc(&format!("{}{TAIL}", BASE.replace("010211", "010213"))),
            InvalidValue,
            6,
            Some("01"),
        ),
        (
            with_crc(&format!("{}{TAIL}", BASE.replace("52045812", "5204581A"))),
            InvalidValue,
            40,
            Some("52"),
        ),
        (
            with_crc(&format!("{}{TAIL}", BASE.replace("52045812", "520358121"))),
            Malformed,
            47,
            Some("21"),
        ),
        (
            with_crc(&format!("{}{TAIL}", BASE.replace("5303986", "5303A86"))),
            InvalidValue,
            48,
            Some("53"),
        ),
        (
            with_crc(&format!("{BASE}54040.00{TAIL}")),
            InvalidValue,
            55,
            Some("54"),
        ),
        (
            with_crc(&format!("{BASE}540412,3{TAIL}")),
            InvalidValue,
            55,
            Some("54"),
        ),
        (
            with_crc(&format!("{BASE}5405-1.00{TAIL}")),
            InvalidValue,
            55,
            Some("54"),
        ),
        (
            with_crc(&format!("{BASE}54041..0{TAIL}")),
            InvalidValue,
            55,
            Some("54"),
        ),
        (
            with_crc(&format!("{BASE}5403.50{TAIL}")),
            InvalidValue,
            55,
            Some("54"),
        ),
        (
            with_crc(&format!("{BASE}54141234567890.123{TAIL}")),
            InvalidValue,
            55,
            Some("54"),
        ),
        (
            with_crc(&format!("{BASE}550204{TAIL}")),
            InvalidValue,
            55,
            Some("55"),
        ),
        (
            with_crc(&format!("{BASE}550202{TAIL}")),
            MissingField,
            55,
            Some("56"),
        ),
        (
            with_crc(&format!("{BASE}550203{TAIL}")),
            MissingField,
            55,
            Some("57"),
        ),
        (
            with_crc(&format!("{BASE}56041.00{TAIL}")),
            InvalidValue,
            55,
            Some("56"),
        ),
        (
            with_crc(&format!("{BASE}5502035703150{TAIL}")),
            InvalidValue,
            61,
            Some("57"),
        ),
        (
            with_crc(&format!("{BASE}5502015703.50{TAIL}")),
            InvalidValue,
            61,
            Some("57"),
        ),
        (
            with_crc(&format!("{BASE}5802br5904NAME6004CITY")),
            InvalidValue,
            55,
            Some("58"),
        ),
        (
            with_crc(&format!("{BASE}5803BRA5904NAME6004CITY")),
            InvalidValue,
            55,
            Some("58"),
        ),
        (
            with_crc(&format!(
                "{BASE}5802BR5926ABCDEFGHIJKLMNOPQRSTUVWXYZ6004CITY"
            )),
            InvalidValue,
            61,
            Some("59"),
        ),
        (
            with_crc(&format!("{BASE}5802BR5904NA\u{7}E6004CITY")),
            InvalidValue,
            61,
            Some("59"),
        ),
        (
            with_crc(&format!("{BASE}5802BR5904NAME6016ABCDEFGHIJKLMNOP")),
            InvalidValue,
            69,
            Some("60"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}6111ABCDEFGHIJK")),
            InvalidValue,
            77,
            Some("61"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}62300126ABCDEFGHIJKLMNOPQRSTUVWXYZ")),
            InvalidValue,
            81,
            Some("62.01"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}62070903AAM")),
            InvalidValue,
            81,
            Some("62.09"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}62070903XYZ")),
            InvalidValue,
            81,
            Some("62.09"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}62081104ABCD")),
            InvalidValue,
            81,
            Some("62.11"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}64100106BESTCO")),
            MissingField,
            81,
            Some("64.00"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}64060002ZH")),
            MissingField,
            81,
            Some("64.01"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}64150003ZHO0104最佳运输")),
            InvalidValue,
            81,
            Some("64.00"),
        ),
        (
            with_crc(&format!("{BASE}{TAIL}80080104ABCD")),
            MissingField,
            81,
            Some("80.00"),
        ),
        (
            with_crc(&format!(
                "{BASE}{TAIL}2737003312345678901234567890123456789012"
            )),
            InvalidValue,
            81,
            Some("27.00"),
        ),
        // mandatory fields
        (
            with_crc("0002010208ABCDEFGH5204581253039865802CN5905最佳运输6004CITY"),
            Malformed,
            58,
            Some("00"),
        ),
        (
            with_crc("000201520458125303986"),
            MissingField,
            29,
            Some("02-51"),
        ),
        (
            with_crc("000201021612345678901234565303986"),
            MissingField,
            41,
            Some("52"),
        ),
        (
            with_crc("0002010216123456789012345652045812"),
            MissingField,
            42,
            Some("53"),
        ),
        (
            with_crc("00020102161234567890123456520458125303986"),
            MissingField,
            49,
            Some("58"),
        ),
        (
            with_crc("000201021612345678901234565204581253039865802BR"),
            MissingField,
            55,
            Some("59"),
        ),
        (
            with_crc("000201021612345678901234565204581253039865802BR5904NAME"),
            MissingField,
            63,
            Some("60"),
        ),
        // PIX profile
        (
            with_crc(
                "00020126720014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400002510pix.ex.com5204000053039865802BR5913Fulano de Tal6008BRASILIA",
            ),
            InvalidValue,
            10,
            Some("26.25"),
        ),
    ];
    assert!(cases.len() >= 40, "{} cases", cases.len());
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

//! Generation: the MPM builder and receive codes round-trip through the
//! parser (property tests), payment codes verify, and the JSON shape.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::paycode::{self, PaycodeSecret};
use imwallet_protocol::qr::{
    Initiation, MpmBuilder, PaymentPayload, QrErrorKind, ReceiveCodeSpec, Receiver,
    build_receive_code, crc::crc16, parse,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    initiation: Option<&'static str>,
    guid: String,
    subs: Vec<String>,
    mcc: String,
    currency: String,
    amount: Option<String>,
    country: String,
    name: String,
    city: String,
    postal: Option<String>,
    reference: Option<String>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::option::of(prop::sample::select(vec!["11", "12"])),
        "TEST\\.[A-Z0-9]{1,20}",
        prop::collection::vec("[^\\p{C}]{1,20}", 0..3),
        "[0-9]{4}",
        prop::sample::select(vec!["156", "986", "764", "702", "999"]),
        prop::option::of("[1-9][0-9]{0,6}(\\.[0-9]{1,2})?"),
        "[A-Z]{2}",
        "[^\\p{C}]{1,25}",
        "[^\\p{C}]{1,15}",
        prop::option::of("[A-Z0-9]{1,10}"),
        prop::option::of("[A-Za-z0-9*]{1,25}"),
    )
        .prop_map(
            |(
                initiation,
                guid,
                subs,
                mcc,
                currency,
                amount,
                country,
                name,
                city,
                postal,
                reference,
            )| Spec {
                initiation,
                guid,
                subs,
                mcc,
                currency: currency.to_string(),
                amount,
                country,
                name,
                city,
                postal,
                reference,
            },
        )
}

fn build(s: &Spec) -> String {
    let mut b = MpmBuilder::new();
    if let Some(i) = s.initiation {
        b.field(1, i).unwrap();
    }
    let mut fields: Vec<(u8, &str)> = vec![(0, &s.guid)];
    for (i, v) in s.subs.iter().enumerate() {
        fields.push((u8::try_from(i).unwrap() + 1, v));
    }
    b.template(26, &fields).unwrap();
    b.field(52, &s.mcc).unwrap();
    b.field(53, &s.currency).unwrap();
    if let Some(a) = &s.amount {
        b.field(54, a).unwrap();
    }
    b.field(58, &s.country).unwrap();
    b.field(59, &s.name).unwrap();
    b.field(60, &s.city).unwrap();
    if let Some(p) = &s.postal {
        b.field(61, p).unwrap();
    }
    if let Some(r) = &s.reference {
        b.template(62, &[(5, r)]).unwrap();
    }
    b.finish()
}

proptest! {
    #[test]
    fn builder_output_parses_back_to_the_same_fields(s in spec()) {
        let payload = build(&s);
        let (body, crc) = payload.split_at(payload.len() - 4);
        prop_assert_eq!(format!("{:04X}", crc16(body.as_bytes())), crc);
        let PaymentPayload::EmvMpm(p) = parse(&payload).unwrap() else { panic!("not mpm") };
        prop_assert_eq!(p.initiation.map(|i| i.as_str()), s.initiation.map(|i| if i == "11" { "static" } else { "dynamic" }));
        let t = p.account_with_guid(&s.guid).unwrap();
        let subs: Vec<&str> = t.fields().skip(1).map(|(_, v)| v).collect();
        prop_assert_eq!(subs, s.subs.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(p.merchant_category_code, Some(s.mcc.as_str()));
        prop_assert_eq!(p.currency_numeric, s.currency.as_str());
        prop_assert_eq!(p.amount, s.amount.as_deref());
        prop_assert_eq!(p.country, s.country.as_str());
        prop_assert_eq!(p.merchant_name, Some(s.name.as_str()));
        prop_assert_eq!(p.merchant_city, Some(s.city.as_str()));
        prop_assert_eq!(p.postal_code, s.postal.as_deref());
        prop_assert_eq!(p.additional_data.and_then(|a| a.get(5)), s.reference.as_deref());
    }

    #[test]
    fn receive_codes_parse_back_to_the_same_receiver_amount_and_reference(
        id in "[A-Za-z0-9_-]{1,64}",
        merchant in any::<bool>(),
        dynamic in any::<bool>(),
        currency in prop::sample::select(Currency::ALL.to_vec()),
        minor in 1i64..1_000_000_000,
        with_amount in any::<bool>(),
        reference in prop::option::of("[A-Za-z0-9-]{1,25}"),
    ) {
        let receiver = if merchant { Receiver::Merchant(&id) } else { Receiver::User(&id) };
        let amount = (with_amount || dynamic).then(|| Money::new(minor, currency));
        let spec = ReceiveCodeSpec {
            initiation: if dynamic { Initiation::Dynamic } else { Initiation::Static },
            receiver,
            currency,
            amount,
            reference: reference.as_deref(),
            name: "Wallet User",
            city: "Shanghai",
            country: "CN",
            mcc: "0000",
        };
        let code = build_receive_code(&spec).unwrap();
        let PaymentPayload::ImwalletReceive(r) = parse(&code).unwrap() else { panic!("not a receive code") };
        prop_assert_eq!(r.receiver, receiver);
        prop_assert_eq!(r.reference, reference.as_deref());
        prop_assert_eq!(r.amount().unwrap(), amount);
        prop_assert_eq!(r.currency(), Some(currency));
        prop_assert_eq!(r.mpm.initiation, Some(spec.initiation));
    }
}

#[test]
fn builder_refuses_what_the_parser_would_refuse() {
    let mut b = MpmBuilder::new();
    assert_eq!(b.field(59, "").unwrap_err().kind, QrErrorKind::InvalidValue);
    assert_eq!(
        b.field(59, &"x".repeat(100)).unwrap_err().tag.as_deref(),
        Some("59")
    );
    assert_eq!(b.field(63, "ABCD").unwrap_err().tag.as_deref(), Some("63"));
    assert_eq!(
        b.template(26, &[(0, "a\nb")]).unwrap_err().tag.as_deref(),
        Some("26.00")
    );
}

#[test]
fn dynamic_receive_codes_need_a_positive_amount_in_their_currency() {
    let base = ReceiveCodeSpec {
        initiation: Initiation::Dynamic,
        receiver: Receiver::Merchant("m-1"),
        currency: Currency::Cny,
        amount: None,
        reference: Some("ORDER-1"),
        name: "Shop",
        city: "Beijing",
        country: "CN",
        mcc: "5812",
    };
    assert_eq!(
        build_receive_code(&base).unwrap_err().tag.as_deref(),
        Some("54")
    );
    let wrong = ReceiveCodeSpec {
        amount: Some(Money::new(100, Currency::Usd)),
        ..base
    };
    assert_eq!(
        build_receive_code(&wrong).unwrap_err().tag.as_deref(),
        Some("54")
    );
    let bad_id = ReceiveCodeSpec {
        receiver: Receiver::User("a b"),
        amount: Some(Money::new(1, Currency::Cny)),
        ..base
    };
    assert_eq!(
        build_receive_code(&bad_id).unwrap_err().tag.as_deref(),
        Some("26.02")
    );
    let ok = ReceiveCodeSpec {
        amount: Some(Money::new(2372, Currency::Cny)),
        ..base
    };
    let code = build_receive_code(&ok).unwrap();
    assert!(code.contains("540523.72"));
}

#[test]
fn payment_codes_are_recognised_and_verified_by_the_server_side() {
    let secret = PaycodeSecret::derive(b"master", "phone-42", 3);
    let code = paycode::generate(&secret, "phone-42", 1_800_000_000).unwrap();
    let PaymentPayload::ImwalletPaycode(pc) = parse(&code).unwrap() else {
        panic!()
    };
    assert_eq!((pc.device_id, pc.time), ("phone-42", 1_800_000_000));
    assert!(paycode::verify(&secret, &code, 1_800_000_020, 30).is_ok());
    assert_eq!(
        paycode::verify(&secret, &code, 1_800_000_031, 30),
        Err(paycode::PaycodeError::Expired)
    );
}

#[test]
fn json_shape_names_the_format_and_the_issue_fields() {
    let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
    let v = serde_json::to_value(parse(pix).unwrap()).unwrap();
    assert_eq!(v["format"], "emv_mpm");
    assert_eq!(v["scheme"], "pix");
    assert_eq!(v["initiation"], serde_json::Value::Null);
    assert_eq!(v["currency"], "BRL");
    assert_eq!(v["currency_numeric"], "986");
    assert_eq!(v["accounts"][0]["tag"], "26");
    assert_eq!(v["accounts"][0]["guid"], "br.gov.bcb.pix");
    assert_eq!(
        v["accounts"][0]["fields"]["01"],
        "123e4567-e12b-12d1-a456-426655440000"
    );
    assert_eq!(v["additional_data"]["05"], "***");
    assert_eq!(v["pix"]["txid"], "***");
    assert_eq!(v["crc"], "1D3D");
    for key in [
        "merchant_name",
        "merchant_city",
        "country",
        "postal_code",
        "mcc",
        "amount",
        "tip",
        "language_template",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    let e = serde_json::to_value(parse("nonsense").unwrap_err()).unwrap();
    assert_eq!(e["kind"], "unsupported_format");
    assert_eq!(e["offset"], 0);
    assert_eq!(e["tag"], serde_json::Value::Null);
    let b = serde_json::to_value(
        parse("bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=1&label=L").unwrap(),
    )
    .unwrap();
    assert_eq!(
        (
            b["format"].as_str(),
            b["address"].as_str(),
            b["amount"].as_str()
        ),
        (
            Some("bip21"),
            Some("1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
            Some("1")
        )
    );
}

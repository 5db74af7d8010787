//! Parse throughput of `qr::parse` against the published peers `brcode`
//! (a PIX parser) and `emv-qrcps` (a non-allocating EMV deserializer) on
//! the same payloads in the same run, then the ratios.
//!
//! `cargo bench -p imwallet-protocol --bench qr`
//!
//! What each contender does per iteration:
//! * `imwallet_parse`: full validation — CRC-16 (slice-by-16), TLV lengths
//!   in characters, duplicate ids, field rules, mandatory fields, scheme.
//! * `brcode_parse_crc`: `brcode::str_to_brcode` plus its CRC over the body.
//! * `emv_qrcps_parse_validate`: a derived `from_str` of the root fields
//!   plus `emv_qrcps::helpers::validate` (CRC).
//! * `crc16_*`: the checksum alone, to show the floor.
#![allow(missing_docs, dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;
use emv_qrcps::EmvEncoder;
use imwallet_protocol::qr::{self, MpmBuilder, PaymentPayload};

/// PIX manual (Manual de Padrões para Iniciação do Pix) 2.6.3, 137 bytes.
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
/// BIP21 example parameters with a valid address.
const BIP21: &str = "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz";
/// The EMVCo annex example with CJK names (lengths count characters).
const EMVCO_CJK: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

/// A multi-template SGQR: PayNow (26), a NETS-style acquirer (27) and the
/// SGQR identity template (51), built with our builder (CRC included).
fn sgqr() -> String {
    let mut b = MpmBuilder::new();
    b.field(1, "12").unwrap();
    b.template(
        26,
        &[
            (0, "SG.PAYNOW"),
            (1, "2"),
            (2, "201403121W"),
            (3, "1"),
            (4, "20301231"),
        ],
    )
    .unwrap();
    b.template(
        27,
        &[
            (0, "SG.COM.NETS"),
            (1, "1198500065G"),
            (2, "11115107950"),
            (3, "10795019"),
            (99, "08AC0EE4AB"),
        ],
    )
    .unwrap();
    b.template(
        51,
        &[
            (0, "SG.SGQR"),
            (1, "180905DD7290"),
            (2, "000.00"),
            (3, "064088"),
            (4, "01"),
            (5, "159"),
            (6, "0000"),
            (7, "20180905"),
        ],
    )
    .unwrap();
    b.field(52, "5812").unwrap();
    b.field(53, "702").unwrap();
    b.field(54, "12.80").unwrap();
    b.field(58, "SG").unwrap();
    b.field(59, "ACME Pte Ltd.").unwrap();
    b.field(60, "Singapore").unwrap();
    b.template(62, &[(1, "INV-2026-0042"), (7, "T01")]).unwrap();
    b.finish()
}

/// The root fields emv-qrcps deserialises (the peer needs a typed struct).
#[derive(EmvEncoder, Debug, Clone)]
struct PeerMpm<'a> {
    #[encoder(id = "00")]
    format_indicator: Cow<'a, str>,
    #[encoder(id = "01")]
    initiation: Option<Cow<'a, str>>,
    #[encoder(id = "26")]
    account: Option<Cow<'a, str>>,
    #[encoder(id = "52")]
    mcc: Cow<'a, str>,
    #[encoder(id = "53")]
    currency: Cow<'a, str>,
    #[encoder(id = "54")]
    amount: Option<Cow<'a, str>>,
    #[encoder(id = "58")]
    country: Cow<'a, str>,
    #[encoder(id = "59")]
    name: Cow<'a, str>,
    #[encoder(id = "60")]
    city: Cow<'a, str>,
    #[encoder(id = "62")]
    additional: Option<Cow<'a, str>>,
    #[encoder(id = "63")]
    crc: Cow<'a, str>,
}

fn ours(s: &str) -> bool {
    qr::parse(s).is_ok()
}

/// brcode's typed PIX parse (`str_to_brcode`) plus its CRC.
fn brcode_parse_crc(s: &str) -> bool {
    let code = brcode::str_to_brcode(s);
    let (body, crc) = s.split_at(s.len() - 4);
    black_box(code);
    brcode::crc16_ccitt(body).eq_ignore_ascii_case(crc)
}

/// brcode's generic TLV parse (`from_str`) plus its CRC: `str_to_brcode`
/// panics on non-PIX payloads such as SGQR.
fn brcode_from_str_crc(s: &str) -> bool {
    let code = brcode::from_str(s);
    let (body, crc) = s.split_at(s.len() - 4);
    black_box(code);
    brcode::crc16_ccitt(body).eq_ignore_ascii_case(crc)
}

fn emv_qrcps_parse_validate(s: &str) -> bool {
    let parsed = PeerMpm::from_str(s);
    black_box(parsed);
    emv_qrcps::helpers::validate(s)
}

fn output_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

type Peer = (&'static str, fn(&str) -> bool);

const PEERS: [Peer; 3] = [
    ("brcode_parse_crc", brcode_parse_crc),
    ("brcode_from_str_crc", brcode_from_str_crc),
    ("emv_qrcps_parse_validate", emv_qrcps_parse_validate),
];

/// Whether a peer accepts the payload without panicking.
fn peer_accepts(f: fn(&str) -> bool, payload: &str) -> bool {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let ok = std::panic::catch_unwind(|| f(payload)).unwrap_or(false);
    std::panic::set_hook(prev);
    ok
}

fn bench_payload(c: &mut Criterion, group: &str, payload: &str, peers: bool) {
    assert!(ours(payload), "our parser must accept the {group} payload");
    let mut g = c.benchmark_group(group);
    g.bench_function("imwallet_parse", |b| b.iter(|| ours(black_box(payload))));
    if peers {
        for (name, f) in PEERS {
            if peer_accepts(f, payload) {
                g.bench_function(name, |b| b.iter(|| f(black_box(payload))));
            } else {
                println!("{group}: {name} refuses or panics on this payload; not measured");
            }
        }
    }
    g.finish();
}

fn bench_crc(c: &mut Criterion) {
    let body = &PIX[..PIX.len() - 4];
    let mut g = c.benchmark_group("crc16");
    g.bench_function("imwallet_slice_by_16", |b| {
        b.iter(|| qr::crc::crc16(black_box(body.as_bytes())))
    });
    g.bench_function("brcode", |b| {
        b.iter(|| brcode::crc16_ccitt(black_box(body)))
    });
    g.bench_function("emv_qrcps", |b| {
        b.iter(|| emv_qrcps::helpers::calculate_crc16(black_box(body)))
    });
    g.finish();
}

/// The median criterion wrote for `group/id` **in this run**: an estimate
/// file older than `since` (the run's start) is an earlier run's result and
/// is not reported.
fn median_ns(group: &str, id: &str, since: std::time::SystemTime) -> Option<f64> {
    let path = output_dir().join(group).join(id).join("new/estimates.json");
    let written = std::fs::metadata(&path).ok()?.modified().ok()?;
    if written < since {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn report(since: std::time::SystemTime) {
    let median_ns = |group: &str, id: &str| median_ns(group, id, since);
    println!("\n== qr parse: medians from this run, ratio = peer time / imwallet time ==");
    for group in ["pix", "sgqr"] {
        let Some(base) = median_ns(group, "imwallet_parse") else {
            continue;
        };
        let goal = if group == "pix" {
            if base <= 250.0 {
                "  (goal <= 250 ns: meets)"
            } else {
                "  (goal <= 250 ns: MISSES)"
            }
        } else {
            ""
        };
        println!("{group:>6}  imwallet_parse            {base:>9.1} ns   1.00x{goal}");
        for (peer, _) in PEERS {
            if let Some(t) = median_ns(group, peer) {
                println!("{group:>6}  {peer:<25} {t:>9.1} ns  {:>5.2}x", t / base);
            }
        }
    }
    if let Some(t) = median_ns("bip21", "imwallet_parse") {
        println!(" bip21  imwallet_parse            {t:>9.1} ns   (no peer parses BIP21)");
    }
    if let Some(base) = median_ns("crc16", "imwallet_slice_by_16") {
        println!(" crc16  imwallet_slice_by_16       {base:>9.1} ns   1.00x");
        for peer in ["brcode", "emv_qrcps"] {
            if let Some(t) = median_ns("crc16", peer) {
                println!(" crc16  {peer:<25} {t:>9.1} ns  {:>5.2}x", t / base);
            }
        }
    }
    // The EMVCo annex example (CJK merchant names in template 64).
    let cjk_ours = matches!(qr::parse(EMVCO_CJK), Ok(PaymentPayload::EmvMpm(_)));
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let cjk_brcode = std::panic::catch_unwind(|| brcode_parse_crc(EMVCO_CJK));
    let cjk_brcode_tlv = std::panic::catch_unwind(|| brcode_from_str_crc(EMVCO_CJK));
    let cjk_emv = std::panic::catch_unwind(|| emv_qrcps_parse_validate(EMVCO_CJK));
    std::panic::set_hook(prev);
    let show = |r: &std::thread::Result<bool>| match r {
        Ok(true) => "parses",
        Ok(false) => "refuses",
        Err(_) => "PANICS",
    };
    println!(
        "EMVCo annex CJK example: imwallet {}, brcode str_to_brcode {}, brcode from_str {}, emv-qrcps {}",
        if cjk_ours { "parses" } else { "refuses" },
        show(&cjk_brcode),
        show(&cjk_brcode_tlv),
        show(&cjk_emv)
    );
}

fn main() {
    let started = std::time::SystemTime::now();
    let sg = sgqr();
    let mut c = Criterion::default()
        .output_directory(&output_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    bench_payload(&mut c, "pix", PIX, true);
    bench_payload(&mut c, "sgqr", &sg, true);
    bench_payload(&mut c, "bip21", BIP21, false);
    bench_crc(&mut c);
    c.final_summary();
    report(started);
}

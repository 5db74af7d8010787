//! Canaries: after storing known secrets and personal data, none of them —
//! nor the password — occurs in the raw bytes of the database files, their
//! `-wal` and `-shm` files, while open or after closing.

use std::path::{Path, PathBuf};

use imwallet_core::crypto::{KdfParams, KdfPolicy};
use imwallet_core::protocol::money::{Currency, Money};
use imwallet_core::store::repo::cards::{Card, Last4};
use imwallet_core::store::repo::profile::Profile;
use imwallet_core::store::repo::tokens::SessionTokens;
use imwallet_core::store::repo::transactions::TransactionRecord;
use imwallet_core::store::{Vault, VaultOptions, VaultPaths};

const PASSWORD: &str = "Canary-Password-0451";
const TOKEN: &str = "CANARYTOKENeyJhbGciOiJIUzI1NiJ9";
const REFRESH: &str = "CANARYREFRESH7f3a9c";
const PAN: &str = "4111111111111111";
const MEMO: &str = "CanaryMemo birthday gift for Mei";
const OTP: &str = "JBSWY3DPEHPK3PXPCANARY";
const NAME: &str = "Canary Zhang Wei";
const PHONE: &str = "+8613800138000";
const EMAIL: &str = "canary.zhang@example.org";
const COUNTERPARTY: &str = "CanaryCounterparty Li Na";
const CARD_TOKEN: &str = "CANARYCARDTOKEN42";
const BANK: &str = "Canary Bank of Hangzhou";

fn files(dir: &Path) -> Vec<PathBuf> {
    let paths = VaultPaths::in_dir(dir);
    let mut out = Vec::new();
    for base in [paths.main, paths.cache] {
        for suffix in ["", "-wal", "-shm"] {
            let mut s = base.as_os_str().to_owned();
            s.push(suffix);
            out.push(PathBuf::from(s));
        }
    }
    out
}

fn scan(dir: &Path) -> (usize, Vec<String>) {
    let canaries = [
        PASSWORD,
        TOKEN,
        REFRESH,
        PAN,
        MEMO,
        OTP,
        NAME,
        PHONE,
        EMAIL,
        COUNTERPARTY,
        CARD_TOKEN,
        BANK,
    ];
    let mut found = Vec::new();
    let mut bytes_scanned = 0;
    for f in files(dir) {
        let Ok(data) = std::fs::read(&f) else {
            continue;
        };
        bytes_scanned += data.len();
        for c in canaries {
            if data.windows(c.len()).any(|w| w == c.as_bytes()) {
                found.push(format!(
                    "{c} in {}",
                    f.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    (bytes_scanned, found)
}

fn fill(v: &Vault) {
    v.tokens()
        .unwrap()
        .save(&SessionTokens {
            access: TOKEN.into(),
            refresh: REFRESH.into(),
            access_expires_at_s: 1,
        })
        .unwrap();
    v.profile()
        .unwrap()
        .save(&Profile {
            user_id: "u-1".into(),
            display_name: NAME.into(),
            phone: Some(PHONE.into()),
            email: Some(EMAIL.into()),
        })
        .unwrap();
    v.settings()
        .unwrap()
        .set("otp_secret", OTP.as_bytes())
        .unwrap();
    v.cards()
        .unwrap()
        .save(&Card {
            id: "card-1".into(),
            token: CARD_TOKEN.into(),
            brand: "visa".into(),
            bank_name: BANK.into(),
            last4: Last4::new(&PAN[12..]).unwrap(),
            expiry_month: 4,
            expiry_year: 2031,
        })
        .unwrap();
    let recs: Vec<_> = (0..200)
        .map(|i| TransactionRecord {
            server_id: format!("tx-{i}"),
            created_at_ms: i,
            updated_at_ms: i,
            kind: "transfer".into(),
            status: "completed".into(),
            amount: Money::new(-5_000 - i, Currency::Cny),
            counterparty: COUNTERPARTY.into(),
            category: None,
            // A user typing a card number into a memo must not leak it either.
            memo: Some(format!("{MEMO} {PAN}")),
        })
        .collect();
    v.transactions().unwrap().upsert_many(&recs).unwrap();
    v.outbox()
        .unwrap()
        .insert(
            "transfer",
            format!("{{\"to\":\"{PHONE}\",\"memo\":\"{MEMO}\"}}").as_bytes(),
        )
        .unwrap();
    // Overwrite some values so older page versions exist in the WAL.
    v.transactions().unwrap().upsert_many(&recs[..50]).unwrap();
}

#[test]
fn no_canary_appears_in_the_raw_database_wal_or_shm_files() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    // Real KDF parameters: this test is about what reaches the disk.
    let opts = VaultOptions {
        kdf_policy: KdfPolicy::DEFAULT,
        ..VaultOptions::default()
    };
    let v = Vault::create(
        &paths,
        &PASSWORD.into(),
        Some(KdfParams::FLOOR),
        opts.clone(),
    )
    .unwrap();
    fill(&v);
    // While open, the WAL holds the fresh pages.
    let (open_bytes, found) = scan(dir.path());
    assert!(found.is_empty(), "canaries on disk while open: {found:?}");
    drop(v);
    let (closed_bytes, found) = scan(dir.path());
    assert!(found.is_empty(), "canaries on disk after close: {found:?}");
    // The data was really stored and reads back.
    let v = Vault::open(&paths, opts).unwrap();
    v.unlock(&PASSWORD.into()).unwrap();
    assert_eq!(
        v.tokens().unwrap().load().unwrap().unwrap().access.expose(),
        TOKEN
    );
    assert_eq!(
        v.transactions().unwrap().get("tx-7").unwrap().counterparty,
        COUNTERPARTY
    );
    assert!(open_bytes > 0 && closed_bytes > 0);
}

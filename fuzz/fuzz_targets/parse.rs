//! Fuzzes `qr::parse` on arbitrary UTF-8: it must never panic, and a
//! successful parse must serialise to JSON and build an owned summary.
#![no_main]

use imwallet_protocol::qr::{json::Json, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    match parse(s) {
        Ok(p) => {
            // Serialise the JSON tree for real and build the owned summary.
            let tree: Json<'_> = p.to_json();
            let text = serde_json::to_string(&tree).expect("a parsed payload serialises");
            assert!(text.starts_with('{'), "JSON object expected: {text}");
            let summary = p.summary();
            let _ = (summary, p.format().as_str());
        }
        Err(e) => {
            // Offsets always point into (or just past) the input.
            assert!(e.offset <= s.len(), "offset {} past input of {} bytes", e.offset, s.len());
        }
    }
});

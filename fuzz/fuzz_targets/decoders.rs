//! Fuzzes the low-level decoders: the EMV MPM TLV reader (over arbitrary
//! UTF-8, nested one level), the BER-TLV reader (over arbitrary bytes,
//! nested), base64, base58 and bech32. None may panic or loop.
#![no_main]

use imwallet_protocol::qr::{base58, bech32, ber::BerReader, cpm::decode_base64, tlv::TlvReader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for tlv in BerReader::new(data).take(1000) {
        let Ok(t) = tlv else { break };
        if t.constructed {
            for inner in BerReader::nested(data, &t).take(1000) {
                if inner.is_err() {
                    break;
                }
            }
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let ascii = s.is_ascii();
        for f in TlvReader::new(s, 0, s.len(), ascii, None).take(1000) {
            let Ok(f) = f else { break };
            for g in TlvReader::nested(s, &f, ascii).take(1000) {
                if g.is_err() {
                    break;
                }
            }
        }
        let _ = decode_base64(s);
        let _ = base58::check(s);
        let _ = bech32::decode(s);
    }
});

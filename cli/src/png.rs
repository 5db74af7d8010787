//! A minimal PNG writer for QR codes: 8-bit greyscale, one IDAT chunk,
//! zlib through `flate2`, chunk CRCs through `crc32fast`. Enough for a
//! scanner or an image viewer; nothing else is needed from a PNG library.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use qrcode::{Color, QrCode};

/// Pixels per QR module.
pub const SCALE: usize = 8;
/// Light modules around the code (the QR standard's quiet zone).
pub const QUIET_ZONE: usize = 4;

/// The PNG file of `code`: black modules on white, [`SCALE`] pixels per
/// module, with a [`QUIET_ZONE`].
pub fn qr_png(code: &QrCode) -> std::io::Result<Vec<u8>> {
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * SCALE;
    let mut raw = Vec::with_capacity(side * (side + 1));
    for y in 0..side {
        raw.push(0); // filter type: none
        let my = (y / SCALE).checked_sub(QUIET_ZONE);
        for x in 0..side {
            let mx = (x / SCALE).checked_sub(QUIET_ZONE);
            let dark = match (mx, my) {
                (Some(mx), Some(my)) if mx < modules && my < modules => {
                    colors[my * modules + mx] == Color::Dark
                }
                _ => false,
            };
            raw.push(if dark { 0 } else { 255 });
        }
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(&raw)?;
    let idat = z.finish()?;
    let side32 = u32::try_from(side).map_err(|_| std::io::Error::other("image too large"))?;
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&side32.to_be_bytes());
    ihdr.extend_from_slice(&side32.to_be_bytes());
    // bit depth 8, colour type 0 (greyscale), compression, filter, interlace.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr)?;
    chunk(&mut png, b"IDAT", &idat)?;
    chunk(&mut png, b"IEND", &[])?;
    Ok(png)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(data.len()).map_err(|_| std::io::Error::other("chunk too large"))?;
    out.extend_from_slice(&len.to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Read;

    fn chunks(png: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut at = 8;
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind = String::from_utf8(png[at + 4..at + 8].to_vec()).unwrap();
            let data = png[at + 8..at + 8 + len].to_vec();
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(
                crc,
                crc32fast::hash(&png[at + 4..at + 8 + len]),
                "{kind} CRC"
            );
            out.push((kind, data));
            at += 12 + len;
        }
        out
    }

    #[test]
    fn the_png_holds_every_module_at_scale_with_a_quiet_zone() {
        let code = QrCode::new(b"IMW test").unwrap();
        let png = qr_png(&code).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let chunks = chunks(&png);
        let kinds: Vec<&str> = chunks.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
        let side = (code.width() + 2 * QUIET_ZONE) * SCALE;
        let width = u32::from_be_bytes(chunks[0].1[..4].try_into().unwrap()) as usize;
        assert_eq!(width, side);
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&chunks[1].1[..])
            .read_to_end(&mut raw)
            .unwrap();
        assert_eq!(raw.len(), side * (side + 1));
        let pixel = |x: usize, y: usize| raw[y * (side + 1) + 1 + x];
        // The quiet zone is white; the top-left finder pattern starts black.
        assert_eq!(pixel(0, 0), 255);
        let first = QUIET_ZONE * SCALE;
        assert_eq!(pixel(first, first), 0);
        for (i, dark) in code.to_colors().iter().enumerate() {
            let (mx, my) = (i % code.width(), i / code.width());
            let p = pixel(first + mx * SCALE + 3, first + my * SCALE + 3);
            assert_eq!(p == 0, *dark == Color::Dark);
        }
    }
}

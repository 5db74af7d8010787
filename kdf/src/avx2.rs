//! Argon2id v1.3 with an AVX2 compression function (x86_64 only).
//!
//! The RustCrypto `argon2` crate leaves its AVX2 path to the compiler's
//! auto-vectoriser, which keeps most of the 1 KiB block on the stack; this
//! module spells out the BlaMka rounds on 256-bit registers the way the C
//! reference's `opt.c` does (two 64-bit lanes per G column, diagonalised
//! with lane permutes). Everything else — H0, the variable-length hash H',
//! the data-independent then data-dependent indexing of Argon2id, the final
//! XOR and hash — follows RFC 9106 and mirrors the crate line for line.
//!
//! It is used only when the CPU reports AVX2 at run time (no build flag:
//! the shipped library stays portable) and only for what the vault needs:
//! no secret, no associated data, a 32-byte output. Tests check it against
//! the `argon2` crate on many parameter sets, and the benchmark checks it
//! against the C reference before timing.

use std::arch::x86_64::{
    __m256i, _mm256_add_epi64, _mm256_blend_epi32, _mm256_extract_epi64, _mm256_mul_epu32,
    _mm256_permute4x64_epi64, _mm256_set_epi64x, _mm256_setr_epi8, _mm256_shuffle_epi8,
    _mm256_shuffle_epi32, _mm256_srli_epi64, _mm256_xor_si256,
};

use argon2::Block;
use blake2::digest::Digest;
use blake2::{Blake2b256, Blake2b512};
use zeroize::{Zeroize, Zeroizing};

/// Output length this implementation produces (the vault's KEK size).
pub(crate) const OUT_LEN: usize = 32;
const WORDS: usize = 128;
const SYNC_POINTS: usize = 4;
const ADDRESSES_IN_BLOCK: usize = 128;
const VERSION: u32 = 0x13;
const ARGON2ID: u32 = 2;

/// True when this CPU can run the AVX2 path.
pub(crate) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// Argon2id(`pwd`, `salt`) with `m_kib` KiB, `t` passes and `p` lanes into
/// a 32-byte `out`, using `blocks` as working memory. The caller has
/// validated the parameters (through `argon2::Params`) and passes at least
/// `block_count` blocks; returns `false` (and writes nothing) otherwise or
/// when AVX2 is missing.
pub(crate) fn hash(
    pwd: &[u8],
    salt: &[u8],
    (m_kib, t, p): (u32, u32, u32),
    block_count: usize,
    blocks: &mut [Block],
    out: &mut [u8; OUT_LEN],
) -> bool {
    let lanes = p as usize;
    if !available()
        || salt.len() < 8
        || u32::try_from(salt.len()).is_err()
        || u32::try_from(pwd.len()).is_err()
        || lanes == 0
        || t == 0
        || block_count == 0
        || !block_count.is_multiple_of(lanes * SYNC_POINTS)
        || blocks.len() < block_count
    {
        return false;
    }
    let blocks = &mut blocks[..block_count];
    let h0 = initial_hash(pwd, salt, m_kib, t, p);
    let lane_length = block_count / lanes;
    let mut bytes = Zeroizing::new([0u8; 1024]);
    for lane in 0..lanes {
        for i in 0..2u32 {
            blake2b_long_1024(
                &[&h0[..], &i.to_le_bytes(), &(lane as u32).to_le_bytes()],
                &mut bytes,
            );
            let block = blocks[lane * lane_length + i as usize].as_mut();
            for (word, chunk) in block.iter_mut().zip(bytes.chunks_exact(8)) {
                let mut le = [0u8; 8];
                le.copy_from_slice(chunk);
                *word = u64::from_le_bytes(le);
            }
        }
    }
    // SAFETY: `available()` above confirmed that this CPU supports AVX2,
    // the only target feature `fill_blocks` is compiled for.
    #[allow(unsafe_code)]
    unsafe {
        fill_blocks(blocks, lanes, t as usize);
    }
    // Final block: XOR of the last block of every lane.
    let mut last = Zeroizing::new([0u64; WORDS]);
    for lane in 0..lanes {
        for (acc, w) in last
            .iter_mut()
            .zip(blocks[lane * lane_length + lane_length - 1].as_ref())
        {
            *acc ^= w;
        }
    }
    for (chunk, w) in bytes.chunks_exact_mut(8).zip(last.iter()) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    // H'^32(C) is plain BLAKE2b-256 over LE32(32) || C (output <= 64 bytes).
    let mut hasher = Blake2b256::new();
    hasher.update((OUT_LEN as u32).to_le_bytes());
    hasher.update(&bytes[..]);
    let mut tag = hasher.finalize();
    out.copy_from_slice(&tag);
    tag.as_mut_slice().zeroize();
    true
}

/// H0 = BLAKE2b-512 over the parameters and inputs (RFC 9106, 3.2).
fn initial_hash(pwd: &[u8], salt: &[u8], m_kib: u32, t: u32, p: u32) -> Zeroizing<[u8; 64]> {
    let mut h = Blake2b512::new();
    for v in [p, OUT_LEN as u32, m_kib, t, VERSION, ARGON2ID] {
        h.update(v.to_le_bytes());
    }
    h.update((pwd.len() as u32).to_le_bytes());
    h.update(pwd);
    h.update((salt.len() as u32).to_le_bytes());
    h.update(salt);
    h.update(0u32.to_le_bytes()); // no secret
    h.update(0u32.to_le_bytes()); // no associated data
    let mut digest = h.finalize();
    let mut out = Zeroizing::new([0u8; 64]);
    out.copy_from_slice(&digest);
    digest.as_mut_slice().zeroize();
    out
}

/// H'^1024(inputs): 30 half digests of chained BLAKE2b-512, then a full one.
fn blake2b_long_1024(inputs: &[&[u8]], out: &mut [u8; 1024]) {
    let mut h = Blake2b512::new();
    h.update(1024u32.to_le_bytes());
    for input in inputs {
        h.update(input);
    }
    let mut v = h.finalize();
    let mut at = 0;
    while 1024 - at > 64 {
        out[at..at + 32].copy_from_slice(&v[..32]);
        at += 32;
        let next = Blake2b512::digest(v);
        v.as_mut_slice().zeroize();
        v = next;
    }
    out[at..].copy_from_slice(&v);
    v.as_mut_slice().zeroize();
}

/// The 32 256-bit registers of one block.
type State = [__m256i; 32];

/// Every block-sized temporary of the compression, kept in one place so it
/// is wiped once when [`fill_blocks`] ends (wiping per call would cost more
/// than the hashing): the inputs, `R = X ^ Y`, the permuted state and the
/// block being XORed into.
struct Scratch {
    x: State,
    y: State,
    r: State,
    s: State,
    old: State,
}

impl Scratch {
    #[inline]
    #[target_feature(enable = "avx2")]
    fn new() -> Self {
        let zero = [_mm256_set_epi64x(0, 0, 0, 0); 32];
        Self {
            x: zero,
            y: zero,
            r: zero,
            s: zero,
            old: zero,
        }
    }
}

impl Scratch {
    /// Zeroes every temporary (what `Drop` runs; a test observes it).
    fn wipe(&mut self) {
        for state in [
            &mut self.x,
            &mut self.y,
            &mut self.r,
            &mut self.s,
            &mut self.old,
        ] {
            state.zeroize();
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.wipe();
    }
}

#[inline]
#[target_feature(enable = "avx2")]
fn load(block: &[u64], s: &mut State) {
    for (i, v) in s.iter_mut().enumerate() {
        let w = &block[4 * i..4 * i + 4];
        *v = _mm256_set_epi64x(w[3] as i64, w[2] as i64, w[1] as i64, w[0] as i64);
    }
}

#[inline]
#[target_feature(enable = "avx2")]
fn store(block: &mut [u64], s: &State) {
    for (i, v) in s.iter().enumerate() {
        let w = &mut block[4 * i..4 * i + 4];
        w[0] = _mm256_extract_epi64::<0>(*v) as u64;
        w[1] = _mm256_extract_epi64::<1>(*v) as u64;
        w[2] = _mm256_extract_epi64::<2>(*v) as u64;
        w[3] = _mm256_extract_epi64::<3>(*v) as u64;
    }
}

#[inline]
#[target_feature(enable = "avx2")]
fn rotr32(x: __m256i) -> __m256i {
    _mm256_shuffle_epi32::<0b10_11_00_01>(x)
}

#[inline]
#[target_feature(enable = "avx2")]
fn rotr24(x: __m256i) -> __m256i {
    _mm256_shuffle_epi8(
        x,
        _mm256_setr_epi8(
            3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12,
            13, 14, 15, 8, 9, 10,
        ),
    )
}

#[inline]
#[target_feature(enable = "avx2")]
fn rotr16(x: __m256i) -> __m256i {
    _mm256_shuffle_epi8(
        x,
        _mm256_setr_epi8(
            2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11,
            12, 13, 14, 15, 8, 9,
        ),
    )
}

#[inline]
#[target_feature(enable = "avx2")]
fn rotr63(x: __m256i) -> __m256i {
    _mm256_xor_si256(_mm256_srli_epi64::<63>(x), _mm256_add_epi64(x, x))
}

/// a + b + 2 * lo32(a) * lo32(b), lane-wise (BlaMka's multiplication).
#[inline]
#[target_feature(enable = "avx2")]
fn fbla(a: __m256i, b: __m256i) -> __m256i {
    let ml = _mm256_mul_epu32(a, b);
    _mm256_add_epi64(a, _mm256_add_epi64(b, _mm256_add_epi64(ml, ml)))
}

/// Half a G over two register pairs; `first` selects rotations 32/24
/// (first half) or 16/63 (second half).
#[inline]
#[target_feature(enable = "avx2")]
fn g_half(v: &mut [__m256i; 8], first: bool) {
    // v = [a0, a1, b0, b1, c0, c1, d0, d1]
    for k in 0..2 {
        let (a, b, c, d) = (k, 2 + k, 4 + k, 6 + k);
        v[a] = fbla(v[a], v[b]);
        let x = _mm256_xor_si256(v[d], v[a]);
        v[d] = if first { rotr32(x) } else { rotr16(x) };
        v[c] = fbla(v[c], v[d]);
        let x = _mm256_xor_si256(v[b], v[c]);
        v[b] = if first { rotr24(x) } else { rotr63(x) };
    }
}

#[inline]
#[target_feature(enable = "avx2")]
fn g(v: &mut [__m256i; 8]) {
    g_half(v, true);
    g_half(v, false);
}

/// `BLAKE2_ROUND_1` of `opt.c`: each register holds four words of one row.
#[inline]
#[target_feature(enable = "avx2")]
fn round_rows(v: &mut [__m256i; 8]) {
    g(v);
    // Diagonalise: b by one lane, c by two, d by three.
    for k in 0..2 {
        v[2 + k] = _mm256_permute4x64_epi64::<0b00_11_10_01>(v[2 + k]);
        v[4 + k] = _mm256_permute4x64_epi64::<0b01_00_11_10>(v[4 + k]);
        v[6 + k] = _mm256_permute4x64_epi64::<0b10_01_00_11>(v[6 + k]);
    }
    g(v);
    for k in 0..2 {
        v[2 + k] = _mm256_permute4x64_epi64::<0b10_01_00_11>(v[2 + k]);
        v[4 + k] = _mm256_permute4x64_epi64::<0b01_00_11_10>(v[4 + k]);
        v[6 + k] = _mm256_permute4x64_epi64::<0b00_11_10_01>(v[6 + k]);
    }
}

/// `BLAKE2_ROUND_2` of `opt.c`: columns, words interleaved over two registers.
#[inline]
#[target_feature(enable = "avx2")]
fn round_columns(v: &mut [__m256i; 8]) {
    g(v);
    // DIAGONALIZE_2
    let t1 = _mm256_blend_epi32::<0xCC>(v[2], v[3]);
    let t2 = _mm256_blend_epi32::<0x33>(v[2], v[3]);
    v[3] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t1);
    v[2] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t2);
    v.swap(4, 5);
    let t1 = _mm256_blend_epi32::<0xCC>(v[6], v[7]);
    let t2 = _mm256_blend_epi32::<0x33>(v[6], v[7]);
    v[6] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t1);
    v[7] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t2);
    g(v);
    // UNDIAGONALIZE_2
    let t1 = _mm256_blend_epi32::<0xCC>(v[2], v[3]);
    let t2 = _mm256_blend_epi32::<0x33>(v[2], v[3]);
    v[2] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t1);
    v[3] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t2);
    v.swap(4, 5);
    let t1 = _mm256_blend_epi32::<0x33>(v[6], v[7]);
    let t2 = _mm256_blend_epi32::<0xCC>(v[6], v[7]);
    v[6] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t1);
    v[7] = _mm256_permute4x64_epi64::<0b10_11_00_01>(t2);
}

/// G(X, Y) = P(X ^ Y) ^ X ^ Y for `scratch.x` and `scratch.y`, with the
/// result optionally XORed into `out` (passes after the first, version 1.3).
#[inline]
#[target_feature(enable = "avx2")]
fn compress(scratch: &mut Scratch, out: &mut [u64], xor_into: bool) {
    let Scratch { x, y, r, s, old } = scratch;
    for i in 0..32 {
        r[i] = _mm256_xor_si256(x[i], y[i]);
    }
    *s = *r;
    for i in 0..4 {
        let idx = [
            8 * i,
            8 * i + 4,
            8 * i + 1,
            8 * i + 5,
            8 * i + 2,
            8 * i + 6,
            8 * i + 3,
            8 * i + 7,
        ];
        let mut v = idx.map(|j| s[j]);
        round_rows(&mut v);
        for (k, j) in idx.into_iter().enumerate() {
            s[j] = v[k];
        }
    }
    for i in 0..4 {
        let idx = [i, 4 + i, 8 + i, 12 + i, 16 + i, 20 + i, 24 + i, 28 + i];
        let mut v = idx.map(|j| s[j]);
        round_columns(&mut v);
        for (k, j) in idx.into_iter().enumerate() {
            s[j] = v[k];
        }
    }
    if xor_into {
        load(out, old);
        for i in 0..32 {
            s[i] = _mm256_xor_si256(_mm256_xor_si256(s[i], r[i]), old[i]);
        }
    } else {
        for i in 0..32 {
            s[i] = _mm256_xor_si256(s[i], r[i]);
        }
    }
    store(out, s);
}

/// Two compressions of the counter block give the next 128 addresses.
#[target_feature(enable = "avx2")]
fn next_addresses(scratch: &mut Scratch, input: &mut [u64; WORDS], address: &mut [u64; WORDS]) {
    input[6] += 1;
    load(&[0u64; WORDS], &mut scratch.x);
    load(&input[..], &mut scratch.y);
    compress(scratch, &mut address[..], false);
    load(&address[..], &mut scratch.y);
    compress(scratch, &mut address[..], false);
}

#[target_feature(enable = "avx2")]
fn fill_blocks(blocks: &mut [Block], lanes: usize, passes: usize) {
    let block_count = blocks.len();
    let lane_length = block_count / lanes;
    let segment_length = lane_length / SYNC_POINTS;
    let mut scratch = Scratch::new();
    for pass in 0..passes {
        for slice in 0..SYNC_POINTS {
            for lane in 0..lanes {
                let independent = pass == 0 && slice < SYNC_POINTS / 2;
                let mut address = [0u64; WORDS];
                let mut input = [0u64; WORDS];
                if independent {
                    input[..6].copy_from_slice(&[
                        pass as u64,
                        lane as u64,
                        slice as u64,
                        block_count as u64,
                        passes as u64,
                        u64::from(ARGON2ID),
                    ]);
                }
                let first_block = if pass == 0 && slice == 0 {
                    if independent {
                        next_addresses(&mut scratch, &mut input, &mut address);
                    }
                    2
                } else {
                    0
                };
                let segment_start = lane * lane_length + slice * segment_length;
                for block in first_block..segment_length {
                    let cur = segment_start + block;
                    // The lane's first block follows its last one.
                    let prev = if slice == 0 && block == 0 {
                        cur + lane_length - 1
                    } else {
                        cur - 1
                    };
                    let rand = if independent {
                        let at = block % ADDRESSES_IN_BLOCK;
                        if at == 0 {
                            next_addresses(&mut scratch, &mut input, &mut address);
                        }
                        address[at]
                    } else {
                        blocks[prev].as_ref()[0]
                    };
                    let ref_lane = if pass == 0 && slice == 0 {
                        lane
                    } else {
                        (rand >> 32) as usize % lanes
                    };
                    let area = if pass == 0 {
                        if slice == 0 {
                            block - 1
                        } else if ref_lane == lane {
                            slice * segment_length + block - 1
                        } else {
                            slice * segment_length - usize::from(block == 0)
                        }
                    } else if ref_lane == lane {
                        lane_length - segment_length + block - 1
                    } else {
                        lane_length - segment_length - usize::from(block == 0)
                    };
                    let mut map = rand & 0xFFFF_FFFF;
                    map = (map * map) >> 32;
                    let relative = area - 1 - ((area as u64 * map) >> 32) as usize;
                    let start = if pass != 0 && slice != SYNC_POINTS - 1 {
                        (slice + 1) * segment_length
                    } else {
                        0
                    };
                    let reference = ref_lane * lane_length + (start + relative) % lane_length;
                    // `prev` and `reference` are never `cur` (Argon2's
                    // reference set excludes the block being computed).
                    load(blocks[prev].as_ref(), &mut scratch.x);
                    load(blocks[reference].as_ref(), &mut scratch.y);
                    compress(&mut scratch, blocks[cur].as_mut(), pass > 0);
                }
                address.zeroize();
                input.zeroize();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use argon2::{Algorithm, Argon2, Params, Version};

    use super::*;

    fn crate_hash(pwd: &[u8], salt: &[u8], m: u32, t: u32, p: u32) -> [u8; 32] {
        let params = Params::new(m, t, p, Some(32)).unwrap();
        let mut out = [0u8; 32];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(pwd, salt, &mut out)
            .unwrap();
        out
    }

    fn ours(pwd: &[u8], salt: &[u8], m: u32, t: u32, p: u32) -> [u8; 32] {
        let params = Params::new(m, t, p, Some(32)).unwrap();
        let n = params.block_count();
        let mut blocks = vec![Block::default(); n];
        let mut out = [0u8; 32];
        assert!(hash(pwd, salt, (m, t, p), n, &mut blocks, &mut out));
        out
    }

    #[test]
    fn matches_the_argon2_crate_across_memory_passes_lanes_and_inputs() {
        if !crate::require_avx2_for_tests() {
            return;
        }
        let cases: &[(u32, u32, u32)] = &[
            (8, 1, 1),
            (64, 1, 1),
            (64, 2, 1),
            (64, 3, 2),
            (96, 2, 3),
            (256, 1, 4),
            (1024, 2, 1),
            (1031, 3, 2),
            (4096, 2, 1),
        ];
        for &(m, t, p) in cases {
            for (pwd, salt) in [
                (&b"password"[..], &b"somesaltsomesalt"[..]),
                (b"", b"01234567"),
                (&[0xffu8; 200][..], &[7u8; 64][..]),
            ] {
                assert_eq!(
                    ours(pwd, salt, m, t, p),
                    crate_hash(pwd, salt, m, t, p),
                    "m={m} t={t} p={p}"
                );
            }
        }
    }

    /// The BLAKE2b hashers absorb the password (H0) and block material
    /// (H'). `Blake2b512`/`Blake2b256` hold exactly a state core and a block
    /// buffer; with the `zeroize` feature of `blake2` both wipe themselves
    /// on drop (the chaining state `h`, the counter `t` and the buffered
    /// input). Without the feature this does not compile.
    #[test]
    fn the_blake2b_hashers_wipe_their_state_on_drop() {
        use blake2::Blake2bVarCore;
        use blake2::digest::block_api::{Buffer, CtOutWrapper};
        use blake2::digest::typenum::{U32, U64};
        fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wipes_on_drop::<Blake2bVarCore>();
        wipes_on_drop::<CtOutWrapper<Blake2bVarCore, U64>>();
        wipes_on_drop::<CtOutWrapper<Blake2bVarCore, U32>>();
        wipes_on_drop::<Buffer<Blake2bVarCore>>();
    }

    /// Every block-sized temporary of `compress` holds data derived from
    /// the password; after a compression the wipe leaves all of it zero.
    #[test]
    fn the_compress_scratch_is_zero_after_the_wipe() {
        if !crate::require_avx2_for_tests() {
            return;
        }
        let input: Vec<u64> = (0..WORDS as u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
            .collect();
        let mut out = [0x5555_aaaa_0f0f_f0f0u64; WORDS];
        let mut words = [[0u64; WORDS]; 5];
        // SAFETY: `require_avx2_for_tests` confirmed AVX2, the only target
        // feature of `Scratch::new`, `load`, `compress` and `store`.
        #[allow(unsafe_code)]
        unsafe {
            let mut scratch = Scratch::new();
            load(&input, &mut scratch.x);
            load(&out, &mut scratch.y);
            compress(&mut scratch, &mut out, true);
            let Scratch { x, y, r, s, old } = &scratch;
            let before = [x, y, r, s, old].map(|state| {
                let mut w = [0u64; WORDS];
                store(&mut w, state);
                w
            });
            assert!(
                before.iter().all(|w| w.iter().any(|&v| v != 0)),
                "every temporary holds data before the wipe"
            );
            scratch.wipe();
            let Scratch { x, y, r, s, old } = &scratch;
            for (w, state) in words.iter_mut().zip([x, y, r, s, old]) {
                store(w, state);
            }
        }
        assert!(out.iter().any(|&v| v != 0));
        for (name, w) in ["x", "y", "r", "s", "old"].iter().zip(&words) {
            assert!(w.iter().all(|&v| v == 0), "scratch.{name} not wiped");
        }
    }

    #[test]
    fn refuses_memory_it_was_not_given() {
        let mut blocks = vec![Block::default(); 8];
        let mut out = [0u8; 32];
        assert!(!hash(
            b"pw",
            b"saltsalt",
            (16, 1, 1),
            16,
            &mut blocks,
            &mut out
        ));
        assert_eq!(out, [0u8; 32]);
    }
}

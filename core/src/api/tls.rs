//! TLS for the API client: rustls with the `ring` provider, the Mozilla root
//! store, and optional SPKI pinning.
//!
//! A pin is the SHA-256 of a certificate's DER `SubjectPublicKeyInfo`,
//! written `sha256/<base64>` (the HPKP / OkHttp notation). Pinning never
//! replaces normal verification: the chain must first verify against the
//! roots, then a key of the **verified path** (the leaf, an intermediate the
//! path uses, or the trust anchor) must match a pin. Certificates the server
//! merely presented do not count: a server with another CA's certificate for
//! the host could append the genuine, public certificates to its chain. A
//! [`PinSet`] needs a primary and a backup pin so that rotating the server
//! key never bricks installed apps.

use super::error::ApiError;
use base64::Engine;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;

/// SHA-256 of a DER-encoded SubjectPublicKeyInfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpkiPin([u8; 32]);

impl SpkiPin {
    /// Parses `sha256/<base64 of 32 bytes>`.
    pub fn parse(pin: &str) -> Result<SpkiPin, ApiError> {
        let encoded = pin
            .strip_prefix("sha256/")
            .ok_or(ApiError::InvalidConfig("pin must start with sha256/"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| ApiError::InvalidConfig("pin is not valid base64"))?;
        let hash: [u8; 32] = bytes
            .try_into()
            .map_err(|_| ApiError::InvalidConfig("pin must be a 32-byte SHA-256"))?;
        Ok(SpkiPin(hash))
    }

    /// The pin of a DER SubjectPublicKeyInfo.
    pub fn of_spki_der(spki_der: &[u8]) -> SpkiPin {
        let digest = ring::digest::digest(&ring::digest::SHA256, spki_der);
        let mut hash = [0u8; 32];
        hash.copy_from_slice(digest.as_ref());
        SpkiPin(hash)
    }

    /// The pin of a DER certificate, or `None` if it does not parse.
    pub fn of_certificate(cert: &CertificateDer<'_>) -> Option<SpkiPin> {
        let parsed = webpki::EndEntityCert::try_from(cert).ok()?;
        Some(SpkiPin::of_spki_der(
            parsed.subject_public_key_info().as_ref(),
        ))
    }

    /// The `sha256/<base64>` notation.
    pub fn to_pin_string(&self) -> String {
        format!(
            "sha256/{}",
            base64::engine::general_purpose::STANDARD.encode(self.0)
        )
    }
}

/// The accepted pins: a primary, a backup, and optionally more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinSet {
    pins: Vec<SpkiPin>,
}

impl PinSet {
    /// A pin set; the backup must differ from the primary.
    pub fn new(
        primary: SpkiPin,
        backup: SpkiPin,
        more: impl IntoIterator<Item = SpkiPin>,
    ) -> Result<PinSet, ApiError> {
        if primary == backup {
            return Err(ApiError::InvalidConfig(
                "backup pin must differ from the primary pin",
            ));
        }
        let mut pins = vec![primary, backup];
        pins.extend(more);
        Ok(PinSet { pins })
    }

    fn matches_any(&self, certs: impl IntoIterator<Item = SpkiPin>) -> bool {
        certs.into_iter().any(|pin| self.pins.contains(&pin))
    }
}

/// The rustls client configuration: Mozilla roots plus `extra_roots`
/// (e.g. a private CA for a staging backend), and the pins if any.
pub fn client_config(
    pins: Option<&PinSet>,
    extra_roots: &[CertificateDer<'static>],
) -> Result<rustls::ClientConfig, ApiError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for root in extra_roots {
        roots
            .add(root.clone())
            .map_err(|_| ApiError::InvalidConfig("extra root certificate does not parse"))?;
    }
    let roots = Arc::new(roots);
    let algorithms = provider.signature_verification_algorithms.all;
    let verifier = WebPkiServerVerifier::builder_with_provider(roots.clone(), provider.clone())
        .build()
        .map_err(|_| ApiError::InvalidConfig("cannot build the certificate verifier"))?;
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| ApiError::InvalidConfig("TLS provider lacks the default protocol versions"))?;
    let config = match pins {
        None => builder.with_webpki_verifier(verifier).with_no_client_auth(),
        Some(pins) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinningVerifier {
                inner: verifier,
                roots,
                algorithms,
                pins: pins.clone(),
            }))
            .with_no_client_auth(),
    };
    Ok(config)
}

/// Normal WebPKI verification followed by the pin check on a verified path.
#[derive(Debug)]
struct PinningVerifier {
    inner: Arc<WebPkiServerVerifier>,
    roots: Arc<rustls::RootCertStore>,
    algorithms: &'static [&'static dyn rustls::pki_types::SignatureVerificationAlgorithm],
    pins: PinSet,
}

/// The pins of every key on a verified path: leaf, used intermediates, anchor.
fn path_pins(path: &webpki::VerifiedPath<'_>) -> Vec<SpkiPin> {
    let mut pins = vec![SpkiPin::of_spki_der(
        path.end_entity().subject_public_key_info().as_ref(),
    )];
    pins.extend(
        path.intermediate_certificates()
            .map(|cert| SpkiPin::of_spki_der(cert.subject_public_key_info().as_ref())),
    );
    // A trust anchor keeps the SPKI's content only; pins hash the whole
    // DER SEQUENCE, so wrap it back.
    pins.push(SpkiPin::of_spki_der(&der_sequence(
        path.anchor().subject_public_key_info.as_ref(),
    )));
    pins
}

/// `content` as a DER SEQUENCE (tag 0x30, definite length).
fn der_sequence(content: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        // Build the path again with webpki, which exposes it, and accept
        // only a path (of possibly several) that carries a pinned key.
        let leaf = webpki::EndEntityCert::try_from(end_entity)
            .map_err(|_| rustls::Error::General("certificate does not parse".into()))?;
        let pinned = |path: &webpki::VerifiedPath<'_>| {
            if self.pins.matches_any(path_pins(path)) {
                Ok(())
            } else {
                Err(webpki::Error::UnknownIssuer)
            }
        };
        match leaf.verify_for_usage(
            self.algorithms,
            &self.roots.roots,
            intermediates,
            now,
            webpki::KeyUsage::server_auth(),
            None,
            Some(&pinned),
        ) {
            Ok(_) => Ok(verified),
            Err(_) => Err(rustls::Error::General("certificate pin mismatch".into())),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pin_notation_round_trips() {
        let pin = SpkiPin::of_spki_der(b"not really der");
        assert_eq!(SpkiPin::parse(&pin.to_pin_string()).unwrap(), pin);
    }

    #[test]
    fn malformed_pins_are_refused() {
        for bad in ["", "sha1/AAAA", "sha256/***", "sha256/AAAA"] {
            assert!(
                matches!(SpkiPin::parse(bad), Err(ApiError::InvalidConfig(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_pin_set_needs_a_distinct_backup() {
        let a = SpkiPin::of_spki_der(b"a");
        let b = SpkiPin::of_spki_der(b"b");
        assert!(PinSet::new(a, a, []).is_err());
        assert!(PinSet::new(a, b, []).unwrap().matches_any([b]));
        assert!(
            !PinSet::new(a, b, [])
                .unwrap()
                .matches_any([SpkiPin::of_spki_der(b"c")])
        );
    }

    #[test]
    fn der_sequence_encodes_short_and_long_lengths() {
        assert_eq!(der_sequence(&[1, 2]), vec![0x30, 2, 1, 2]);
        let long = der_sequence(&[0u8; 300]);
        assert_eq!(&long[..4], &[0x30, 0x82, 0x01, 0x2c]);
        assert_eq!(long.len(), 304);
    }

    #[test]
    fn client_config_builds_with_and_without_pins() {
        let pins = PinSet::new(SpkiPin::of_spki_der(b"a"), SpkiPin::of_spki_der(b"b"), []).unwrap();
        assert!(client_config(None, &[]).is_ok());
        assert!(client_config(Some(&pins), &[]).is_ok());
    }
}

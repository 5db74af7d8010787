//! End-to-end tests: the real sandbox on a loopback port, driven over HTTP.

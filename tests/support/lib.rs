//! Helpers shared by the end-to-end tests: start the real sandbox on an
//! ephemeral loopback port.

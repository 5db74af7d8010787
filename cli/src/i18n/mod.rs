//! What a person reads, in their language.
//!
//! - [`catalog`]: the Fluent message catalogs (`cli/locales/*.ftl`, files a
//!   translator edits), the active language and the [`tr!`](crate::tr)
//!   macro that looks a message up.
//! - [`choose`]: which language: `--lang`, then `IMWALLET_LANG`, then the
//!   POSIX locale variables.
//! - [`format`]: amounts and times as the language writes them.
//!
//! Machine output (`--json`, exit codes, error kinds) never goes through
//! this module: it stays language-neutral.

pub mod catalog;
pub mod choose;
pub mod format;
pub mod help;

pub use catalog::{current, set_current, text};

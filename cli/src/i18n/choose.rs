//! Which language the terminal wallet speaks.
//!
//! Order: the `--lang` flag, then `IMWALLET_LANG`, then the POSIX locale
//! variables `LC_ALL`, `LC_MESSAGES`, `LANG` (the first one set and not
//! empty decides, as POSIX says; `C`/`POSIX` mean English). Any `zh` tag is
//! Simplified Chinese, anything else English.

use std::ffi::OsString;

use imwallet_core::wallet::Locale;

/// The environment variables consulted after `--lang`, in order.
pub const LANGUAGE_VARIABLES: [&str; 4] = ["IMWALLET_LANG", "LC_ALL", "LC_MESSAGES", "LANG"];

/// The language from the flag, else from the environment read by `var`.
pub fn choose(flag: Option<&str>, var: impl Fn(&str) -> Option<String>) -> Locale {
    if let Some(tag) = flag.filter(|t| !t.trim().is_empty()) {
        return Locale::from_tag(tag);
    }
    LANGUAGE_VARIABLES
        .iter()
        .filter_map(|name| var(name))
        .find(|value| !value.trim().is_empty())
        .map_or(Locale::En, |value| Locale::from_tag(&value))
}

/// The language of this process: `--lang` found in `args` (before clap
/// parses them, so help and usage errors are translated too), else the
/// process environment.
pub fn from_process(args: &[OsString]) -> Locale {
    let flag = lang_flag(args);
    choose(flag.as_deref(), |name| std::env::var(name).ok())
}

/// The value of `--lang X` or `--lang=X` in `args`, if any (the last one
/// wins, as clap does; nothing after `--` counts).
pub fn lang_flag(args: &[OsString]) -> Option<String> {
    let mut found = None;
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            found = iter.next().map(|v| v.into_owned());
        } else if let Some(value) = arg.strip_prefix("--lang=") {
            found = Some(value.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_flag_wins_over_every_variable() {
        let vars = [("IMWALLET_LANG", "en"), ("LANG", "en_US.UTF-8")];
        assert_eq!(choose(Some("zh-CN"), env(&vars)), Locale::ZhCn);
        assert_eq!(
            choose(Some("en"), env(&[("LANG", "zh_CN.UTF-8")])),
            Locale::En
        );
    }

    #[test]
    fn variables_are_read_in_order_and_the_first_set_one_decides() {
        let vars = [("IMWALLET_LANG", "zh-CN"), ("LC_ALL", "en_US.UTF-8")];
        assert_eq!(choose(None, env(&vars)), Locale::ZhCn);
        let vars = [("LC_ALL", "C.UTF-8"), ("LANG", "zh_CN.UTF-8")];
        assert_eq!(
            choose(None, env(&vars)),
            Locale::En,
            "LC_ALL=C means English"
        );
        let vars = [("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")];
        assert_eq!(choose(None, env(&vars)), Locale::ZhCn, "empty means unset");
        assert_eq!(choose(None, env(&[])), Locale::En);
    }

    #[test]
    fn the_flag_is_found_in_either_spelling_before_parsing() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_flag(&args(&["imwallet", "--lang", "zh-CN", "balance"])).as_deref(),
            Some("zh-CN")
        );
        assert_eq!(
            lang_flag(&args(&["imwallet", "balance", "--lang=en"])).as_deref(),
            Some("en")
        );
        assert_eq!(
            lang_flag(&args(&["imwallet", "qr", "parse", "--", "--lang=en"])),
            None
        );
        assert_eq!(lang_flag(&args(&["imwallet", "--lang"])), None);
    }
}

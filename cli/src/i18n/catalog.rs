//! The message catalogs of the terminal wallet and the language in use.
//!
//! The catalogs are Fluent files under `cli/locales/` (`en.ftl`,
//! `zh-CN.ftl`), compiled into the binary. Every message exists in both
//! files with the same variables; the tests below fail otherwise, and fail
//! when the code asks for a message that neither file has.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use imwallet_core::wallet::Locale;

/// The English catalog, as a translator edits it.
pub const EN_FTL: &str = include_str!("../../locales/en.ftl");
/// The Simplified Chinese catalog, as a translator edits it.
pub const ZH_CN_FTL: &str = include_str!("../../locales/zh-CN.ftl");

type Bundle = FluentBundle<FluentResource>;

static CURRENT: AtomicU8 = AtomicU8::new(0);
static EN: OnceLock<Bundle> = OnceLock::new();
static ZH_CN: OnceLock<Bundle> = OnceLock::new();

/// Sets the language every later message is looked up in.
pub fn set_current(locale: Locale) {
    CURRENT.store(u8::from(locale == Locale::ZhCn), Ordering::Relaxed);
}

/// The language messages are looked up in (English until [`set_current`]).
pub fn current() -> Locale {
    if CURRENT.load(Ordering::Relaxed) == 1 {
        Locale::ZhCn
    } else {
        Locale::En
    }
}

/// The message `id` in the current language with `args` filled in; the
/// English one if the current catalog lacks it, and the id itself if both
/// do (a test keeps that from shipping).
pub fn text(id: &str, args: Option<&FluentArgs>) -> String {
    text_in(current(), id, args)
}

/// The message `id` in `locale` (see [`text`]).
pub fn text_in(locale: Locale, id: &str, args: Option<&FluentArgs>) -> String {
    format_message(bundle(locale), id, args)
        .or_else(|| format_message(bundle(Locale::En), id, args))
        .unwrap_or_else(|| id.to_owned())
}

/// Whether the English catalog has a message `id`.
pub fn has_message(id: &str) -> bool {
    bundle(Locale::En).has_message(id)
}

fn format_message(bundle: &Bundle, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    Some(text.into_owned())
}

fn bundle(locale: Locale) -> &'static Bundle {
    match locale {
        Locale::En => EN.get_or_init(|| build("en", EN_FTL)),
        Locale::ZhCn => ZH_CN.get_or_init(|| build("zh-CN", ZH_CN_FTL)),
    }
}

fn build(tag: &str, source: &'static str) -> Bundle {
    let langid: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // No Unicode isolation marks around placeables: a terminal shows them
    // as stray characters, and the values are ours (amounts, codes, names
    // the server already refused bidi controls in).
    bundle.set_use_isolating(false);
    // A syntax error keeps the entries that parsed; the tests refuse it.
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
    // Duplicate ids keep the first; the tests refuse them too.
    let _ = bundle.add_resource(resource);
    bundle
}

/// Looks a message up in the current language: `tr!("id")` or
/// `tr!("id", name = value, ...)` (values: strings or numbers).
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::i18n::text($id, None)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = fluent_bundle::FluentArgs::new();
        $( args.set(stringify!($name), $value); )+
        $crate::i18n::text($id, Some(&args))
    }};
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    /// Message id → the variables it uses, for one catalog file.
    fn messages(name: &str, source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(source)
            .unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
        let mut out = BTreeMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(m) = entry {
                let mut vars = BTreeSet::new();
                if let Some(p) = &m.value {
                    pattern_variables(p, &mut vars);
                }
                let id = m.id.name.to_owned();
                assert!(out.insert(id.clone(), vars).is_none(), "{name}: {id} twice");
            }
        }
        out
    }

    fn pattern_variables(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_variables(expression, vars);
            }
        }
    }

    fn expression_variables(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Inline(i) => inline_variables(i, vars),
            ast::Expression::Select { selector, variants } => {
                inline_variables(selector, vars);
                for v in variants {
                    pattern_variables(&v.value, vars);
                }
            }
        }
    }

    fn inline_variables(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => {
                expression_variables(expression, vars)
            }
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    inline_variables(a, vars);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_message_exists_in_both_languages_with_the_same_variables() {
        let en = messages("en.ftl", EN_FTL);
        let zh = messages("zh-CN.ftl", ZH_CN_FTL);
        let en_ids: BTreeSet<_> = en.keys().collect();
        let zh_ids: BTreeSet<_> = zh.keys().collect();
        let only_en: Vec<_> = en_ids.difference(&zh_ids).collect();
        let only_zh: Vec<_> = zh_ids.difference(&en_ids).collect();
        assert!(only_en.is_empty(), "missing in zh-CN.ftl: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en.ftl: {only_zh:?}");
        for (id, vars) in &en {
            assert_eq!(
                vars, &zh[id],
                "{id}: the two languages use different variables"
            );
        }
        assert!(en.len() > 50, "the catalogs look empty");
    }

    #[test]
    fn every_message_the_code_asks_for_exists() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut asked = BTreeSet::new();
        let mut dirs = vec![src];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let code = std::fs::read_to_string(&path).unwrap();
                    let pieces: Vec<&str> = code.split("tr!(\"").collect();
                    for pair in pieces.windows(2) {
                        // `tr!(` itself, not the end of `include_str!(`.
                        let before = pair[0].chars().last();
                        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                            continue;
                        }
                        if let Some((id, _)) = pair[1].split_once('"') {
                            asked.insert(id.to_owned());
                        }
                    }
                }
            }
        }
        // The macro's own doc example is not a real id.
        asked.remove("id");
        let missing: Vec<_> = asked.iter().filter(|id| !has_message(id)).collect();
        assert!(
            missing.is_empty(),
            "asked for but not in the catalogs: {missing:?}"
        );
        assert!(asked.len() > 20, "tr! is hardly used: {asked:?}");
    }

    #[test]
    fn messages_fill_in_their_values_without_isolation_marks() {
        let mut args = FluentArgs::new();
        args.set("url", "http://127.0.0.1:1");
        let en = text_in(Locale::En, "error-unreachable", Some(&args));
        let zh = text_in(Locale::ZhCn, "error-unreachable", Some(&args));
        assert!(en.contains("http://127.0.0.1:1"), "{en}");
        assert!(zh.contains("http://127.0.0.1:1"), "{zh}");
        assert_ne!(en, zh);
        assert!(!en.contains('\u{2068}') && !zh.contains('\u{2068}'));
        assert_eq!(
            text_in(Locale::En, "no-such-message", None),
            "no-such-message"
        );
    }
}

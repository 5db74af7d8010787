//! `imwallet --help` in the chosen language.
//!
//! The clap definitions keep their doc comments (rustdoc for developers);
//! what a person reads comes from the catalogs: `help-<path>` for a
//! command's summary (`help-imwallet`, `help-cards-add`) and
//! `arg-<path>-<id>` for an argument (`arg-cards-add-number`), plus the
//! headings and clap's own `--help`/`--version`/`help` entries. A test
//! walks the whole command tree and fails when a text is missing.

use clap::Command;

use super::catalog::{has_message, text};
use crate::tr;

/// The command tree with every summary, argument help and heading taken
/// from the catalog of the current language.
pub fn localise(mut cmd: Command) -> Command {
    cmd.build();
    let name = cmd.get_name().to_owned();
    walk(cmd, &name).after_help(crate::exit::exit_codes_help())
}

fn walk(mut cmd: Command, path: &str) -> Command {
    if let Some(about) = lookup(&format!("help-{path}")) {
        cmd = cmd.about(about).long_about(None);
    }
    let ids: Vec<(String, String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), arg_key(path, a), a.is_positional()))
        .collect();
    for (id, key, positional) in ids {
        let help = lookup(&key);
        let heading = if positional {
            tr!("heading-arguments")
        } else {
            tr!("heading-options")
        };
        cmd = cmd.mut_arg(id.as_str(), |a| {
            let a = a.help_heading(heading);
            match help {
                Some(h) => a.help(h).long_help(None),
                None => a,
            }
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let child = child_path(path, &name);
        cmd = cmd.mut_subcommand(name.as_str(), |s| walk(s, &child));
    }
    cmd.subcommand_help_heading(tr!("heading-commands"))
        .help_template(tr!("help-template"))
}

/// The catalog path of a subcommand: `cards-add` for `imwallet cards add`
/// (the root's name is left out), `help` for every `help` subcommand.
fn child_path(path: &str, name: &str) -> String {
    if name == "help" {
        "help".to_owned()
    } else if path == ROOT {
        name.to_owned()
    } else {
        format!("{path}-{name}")
    }
}

/// The root command's name, which is its catalog path too.
const ROOT: &str = "imwallet";

/// The catalog id of an argument's help: one shared id for clap's own
/// flags and the global options, else one per command.
fn arg_key(path: &str, arg: &clap::Arg) -> String {
    let id = arg.get_id().as_str();
    if matches!(id, "help" | "version") || arg.is_global_set() || path == "help" {
        format!("arg-{id}")
    } else {
        format!("arg-{path}-{id}")
    }
}

fn lookup(id: &str) -> Option<String> {
    has_message(id).then(|| text(id, None))
}

#[cfg(test)]
/// Every catalog id the command tree asks for: (id, the English text the
/// doc comment gives, for a translator adding it).
pub fn wanted_ids(mut cmd: Command) -> Vec<(String, String)> {
    cmd.build();
    let name = cmd.get_name().to_owned();
    let mut out = Vec::new();
    collect(&cmd, &name, &mut out);
    out
}

#[cfg(test)]
fn collect(cmd: &Command, path: &str, out: &mut Vec<(String, String)>) {
    if path != "help" {
        let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
        out.push((format!("help-{path}"), about));
    }
    for a in cmd.get_arguments() {
        let doc = a.get_help().map(ToString::to_string).unwrap_or_default();
        let key = arg_key(path, a);
        if !out.iter().any(|(k, _)| *k == key) {
            out.push((key, doc));
        }
    }
    for s in cmd.get_subcommands() {
        if s.get_name() == "help" {
            out.push(("help-help".to_owned(), String::new()));
            continue;
        }
        collect(s, &child_path(path, s.get_name()), out);
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_command_and_argument_has_its_help_in_the_catalogs() {
        let missing: Vec<String> = wanted_ids(crate::Cli::command())
            .into_iter()
            .filter(|(id, _)| !has_message(id))
            .map(|(id, doc)| format!("{id} = {}", doc.replace('\n', " ")))
            .collect();
        assert!(
            missing.is_empty(),
            "add to both catalogs:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn the_localised_tree_is_a_valid_command() {
        localise(crate::Cli::command()).debug_assert();
    }
}

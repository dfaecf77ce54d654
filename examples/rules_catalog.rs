//! Regenerates `core/src/catalog/data.rs` (the data of `sharesim_core::catalog`) from RULES.md:
//!
//! ```sh
//! cargo run --example rules_catalog -- ../shared/spec/RULES.md > core/src/catalog/data.rs
//! cargo fmt
//! ```
//!
//! The catalog is data the harness reads at run time (coverage reports, tidy tests) without a
//! copy of RULES.md in the repository, so it is generated rather than edited: every rule id
//! in catalog order, whether a seed document states it (`[SEED:` in its text), its first
//! sentence, and the exception names its text gives (the `*Err:*` of a rule, the error column
//! of a quota row). RULES.md writes a rule in one of four shapes, each read here:
//!
//! - `- **SC-20** — text` (services, with indented continuation lines);
//! - `- **A-13 Title.** text` (ambiguities: the bold part is the title);
//! - `1. **INV-01 Title.** text` (invariants: the bold part, without its full stop);
//! - `| Q-01 | limit | value | error | source |` (quotas: the limit is the title).

use std::fmt::Write as _;
use std::process::ExitCode;

/// The longest title kept whole; longer ones are cut to this length, `...` included.
const TITLE_CHARS: usize = 110;

struct Rule {
    id: String,
    /// The title the rule's first line gives (A-, INV-, Q- shapes); otherwise its first
    /// sentence, taken once the whole text is read.
    title: Option<String>,
    text: String,
}

impl Rule {
    fn title(&self) -> String {
        let title = match &self.title {
            Some(t) => t.clone(),
            None => first_sentence(&self.text),
        };
        title.replace('`', "")
    }
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run --example rules_catalog -- <path to RULES.md>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let rules = parse(&text);
    if rules.is_empty() {
        eprintln!("{path}: no rule found (is it RULES.md?)");
        return ExitCode::FAILURE;
    }
    let global = global_errors(&text);
    if global.is_empty() {
        eprintln!("{path}: no error-selection table (§0.4) found");
        return ExitCode::FAILURE;
    }
    print!("{}", render(&rules, &global));
    ExitCode::SUCCESS
}

/// Whether `s` is a rule id (`SC-20`, `Q-01`, `A-13`, `INV-01`; a letter suffix is allowed).
fn is_id(s: &str) -> bool {
    let Some((prefix, number)) = s.split_once('-') else {
        return false;
    };
    let digits = number.trim_end_matches(|c: char| c.is_ascii_lowercase());
    !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// The rule a line starts, with the rest of its first line and its title if the line gives it.
fn start(line: &str) -> Option<(String, Option<String>, String)> {
    if let Some(rest) = line.strip_prefix("| ") {
        let cells: Vec<&str> = rest.split(" | ").map(str::trim).collect();
        let id = *cells.first()?;
        return is_id(id).then(|| {
            (
                id.to_owned(),
                cells.get(1).map(|t| t.to_string()),
                rest.to_owned(),
            )
        });
    }
    let bold = if let Some(rest) = line.strip_prefix("- **") {
        rest
    } else {
        let (number, rest) = line.split_once(". **")?;
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        rest
    };
    let (inside, after) = bold.split_once("**")?;
    let (id, title) = match inside.split_once(' ') {
        Some((id, title)) => (id, Some(title)),
        None => (inside, None),
    };
    if !is_id(id) {
        return None;
    }
    let title = title.map(|t| {
        if id.starts_with("INV-") {
            t.trim_end_matches('.').to_owned()
        } else {
            t.to_owned()
        }
    });
    let after = after.trim_start().trim_start_matches('—').trim_start();
    Some((id.to_owned(), title, after.to_owned()))
}

fn parse(text: &str) -> Vec<Rule> {
    // A rule's text (its bold title included) may go on over indented lines: join them first.
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        match lines.last_mut() {
            Some(last) if line.starts_with("  ") && !line.trim().is_empty() && !last.is_empty() => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => lines.push(line.to_owned()),
        }
    }
    lines
        .iter()
        .filter_map(|line| start(line))
        .map(|(id, title, text)| Rule { id, title, text })
        .collect()
}

/// The text up to the first full stop followed by a space (or the end), without backticks and
/// emphasis,
/// cut to [`TITLE_CHARS`].
fn first_sentence(text: &str) -> String {
    let text = text.replace(['`', '*'], "");
    let text = text.as_str();
    let sentence = text.split(". ").next().unwrap_or(text);
    let sentence = sentence.strip_suffix('.').unwrap_or(sentence);
    if sentence.chars().count() <= TITLE_CHARS {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(TITLE_CHARS - 3).collect();
    format!("{}...", cut.trim_end())
}

/// The §0.4 table "Error per stage and service": for each service column (`SC`, `RAM`, `IB`,
/// `ORG`, `KMS`), the exception names of all its stages. `*NotFoundException of the entity`
/// is kept as the pattern `*NotFoundException`.
fn global_errors(text: &str) -> Vec<(String, Vec<String>)> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with("| stage |"));
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let services: Vec<String> = cells(header).skip(1).map(str::to_owned).collect();
    let mut out: Vec<(String, Vec<String>)> =
        services.iter().map(|s| (s.clone(), Vec::new())).collect();
    for row in lines.take_while(|l| l.starts_with('|')) {
        for (cell, (_, names)) in cells(row).skip(1).zip(out.iter_mut()) {
            if cell.contains("*NotFoundException")
                && !names.iter().any(|n| n == "*NotFoundException")
            {
                names.push("*NotFoundException".to_owned());
            }
            for e in errors(cell) {
                if !names.contains(&e) && !cell.contains(&format!("*{e}")) {
                    names.push(e);
                }
            }
        }
    }
    out
}

fn cells(row: &str) -> impl Iterator<Item = &str> {
    row.trim().trim_matches('|').split('|').map(str::trim)
}

/// The exception names a rule's text gives: words ending in `Exception` or `Fault`, in order
/// of first appearance.
fn errors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let named = word.len() > "Exception".len()
            && (word.ends_with("Exception") || word.ends_with("Fault"))
            && word.starts_with(|c: char| c.is_ascii_uppercase());
        if named && !out.iter().any(|w| w == word) {
            out.push(word.to_owned());
        }
    }
    out
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|e| format!("{e:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn render(rules: &[Rule], global: &[(String, Vec<String>)]) -> String {
    let mut out = String::from(HEADER);
    for r in rules {
        let seed = r.text.contains("[SEED:");
        let errors = quoted(&errors(&r.text));
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "    Rule {{\n        id: {:?},\n        seed: {seed},\n        title: {:?},\n        errors: &[{}],\n    }},\n",
            r.id,
            r.title(),
            errors
        );
    }
    out.push_str(MIDDLE);
    for (service, names) in global {
        let _ = writeln!(out, "    ({service:?}, &[{}]),", quoted(names));
    }
    out.push_str(FOOTER);
    out
}

const HEADER: &str = r#"//! Generated from RULES.md by `examples/rules_catalog.rs`; do not edit (see `catalog.rs`).

use super::Rule;

/// Every rule of RULES.md, in catalog order.
pub const RULES: &[Rule] = &[
"#;

const MIDDLE: &str = r#"];

/// RULES.md §0.4, "Error per stage and service": the exceptions any rule of a service may
/// answer with at some stage of the check order, by rule-id prefix. A leading `*` stands for
/// any prefix (`*NotFoundException`: the not-found exception of the entity).
pub const SERVICE_ERRORS: &[(&str, &[&str])] = &[
"#;

const FOOTER: &str = "];\n";

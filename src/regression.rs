//! Regressions: a shrunk failure as an ordinary scenario in scenarios/regressions/.
//!
//! The file is a scenario like any hand-written one (so it gets a snapshot and its own test),
//! with a comment header and a `found_by` section that say how it was found (driver, seed,
//! swarm profile, commit), which invariant failed, and why in one sentence. Files are named by
//! the failure's signature (invariant, op kind, outcome): a second finding of the same bug is a
//! duplicate and is not written. Writes are atomic (a temporary file hard-linked into place) and
//! never replace an existing file.

use crate::explore::signature;
use crate::scenario::{CallStep, FoundBy, Scenario, Step, WorldDef, load};
use crate::shrink::Shrunk;
use sharesim_core::op::Principal;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where regressions live, relative to the repository root.
pub const DIR: &str = "scenarios/regressions";

/// The scenario of a shrunk failure.
pub fn scenario(shrunk: &Shrunk, found_by: FoundBy) -> Scenario {
    let home = shrunk.spec.regions.first().cloned();
    let steps = shrunk
        .calls
        .iter()
        .map(|c| {
            let (user, role) = match &c.principal {
                Some(Principal::User(u)) => (Some(u.clone()), None),
                Some(Principal::Role(r)) => (None, Some(r.clone())),
                None => (None, None),
            };
            Step::Call(CallStep {
                account: c.account.clone(),
                user,
                role,
                region: (Some(&c.region) != home.as_ref()).then(|| c.region.clone()),
                op: c.op.clone(),
                expect: None,
                decided_by: Vec::new(),
            })
        })
        .collect();
    let kind = shrunk.calls.last().map_or("a call", |c| c.op.kind().name());
    let rules = if load::is_rule_id(&shrunk.invariant) {
        vec![shrunk.invariant.clone()]
    } else {
        Vec::new()
    };
    Scenario {
        description: format!(
            "Regression: {} must hold after {kind} ({}); a generated sequence of {} calls \
             violated it, shrunk to these {}.",
            shrunk.invariant,
            shrunk.outcome.exception().unwrap_or("ok"),
            shrunk.stats.original,
            shrunk.calls.len()
        ),
        rules,
        world: WorldDef {
            accounts: shrunk.spec.accounts.clone(),
            regions: shrunk.spec.regions.clone(),
            organization: None,
            iam: Default::default(),
            config: shrunk.spec.config.clone(),
        },
        steps,
        found_by: Some(found_by),
    }
}

/// The first sentence of a message, on one line.
pub fn first_sentence(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or_default();
    let one_line = first_line.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.find(". ") {
        Some(i) => one_line.get(..=i).unwrap_or(&one_line).to_owned(),
        None => one_line,
    }
}

/// The file name of a signature: `inv-03-deleteportfolio-ok.ron`.
pub fn file_name(signature: &str) -> String {
    let mut out = String::new();
    for c in signature.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    format!("{}.ron", out.trim_matches('-'))
}

/// What [`write()`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A new file.
    New(PathBuf),
    /// A regression with the same signature exists; nothing was written.
    Duplicate(PathBuf),
    /// Writing failed (an unwritable or missing directory, a full disk); nothing was written,
    /// and the caller prints the scenario instead so that the finding is not lost.
    Failed(String),
}

/// The text of a regression file: a comment header and the scenario.
pub fn render(scenario: &Scenario) -> Result<String, String> {
    let body = load::print(scenario).map_err(|e| e.to_string())?;
    let mut header = String::new();
    if let Some(f) = &scenario.found_by {
        header.push_str(&format!(
            "// Found by the {} (seed {}, swarm {}, commit {}).\n// Fails: {}.\n// Why: {}\n",
            f.driver,
            f.seed,
            if f.swarm.is_empty() { "-" } else { &f.swarm },
            if f.commit.is_empty() { "-" } else { &f.commit },
            f.failure,
            f.explanation
        ));
    }
    let text = format!("{header}{body}\n");
    // The file must read back as the same scenario, or it is no regression at all.
    match load::parse(&text, Path::new("<regression>")) {
        Ok(back) if &back == scenario => Ok(text),
        Ok(_) => Err("the printed scenario does not read back to the same value".to_owned()),
        Err(e) => Err(format!("the printed scenario does not parse: {e}")),
    }
}

/// Writes the scenario under `dir`, named by `signature`, unless one with that signature
/// exists. Atomic: the text goes to a temporary file that is then hard-linked to its name,
/// which fails rather than replaces if the name exists.
pub fn write(dir: &Path, scenario: &Scenario, signature: &str) -> Result<Written, String> {
    let path = dir.join(file_name(signature));
    if path.exists() {
        return Ok(Written::Duplicate(path));
    }
    let text = render(scenario)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the directory {}: {e}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        file_name(signature),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::hard_link(&tmp, &path)
    })();
    let _ = std::fs::remove_file(&tmp);
    match result {
        Ok(()) => Ok(Written::New(path)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Written::Duplicate(path)),
        Err(e) => Err(format!("cannot write {}: {e}", path.display())),
    }
}

/// Renders a shrunk failure as the regression scenario it would be written as, with its
/// `found_by` header (used where a finding is printed rather than written).
pub fn render_shrunk(shrunk: &Shrunk, provenance: &Provenance) -> Result<String, String> {
    let found_by = FoundBy {
        driver: provenance.driver.clone(),
        seed: provenance.seed.clone(),
        swarm: provenance.swarm.clone(),
        commit: commit(),
        failure: shrunk.invariant.clone(),
        explanation: first_sentence(&shrunk.message),
    };
    render(&scenario(shrunk, found_by))
}

/// The signature of a shrunk failure.
pub fn shrunk_signature(shrunk: &Shrunk) -> String {
    signature(
        &shrunk.invariant,
        shrunk.calls.last().map(|c| c.op.kind()),
        &shrunk.outcome,
    )
}

/// The commit of the working tree (`git rev-parse --short HEAD`), or `unknown`.
pub fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::shrink::Stats;
    use crate::step::StepOutcome;
    use sharesim_core::{Call, Name, Op, Region, WorldSpec};

    fn shrunk() -> Shrunk {
        Shrunk {
            spec: WorldSpec {
                accounts: vec![Name::from("a"), Name::from("b")],
                regions: vec![Region::from("us-east-1"), Region::from("us-west-2")],
                config: Default::default(),
            },
            calls: vec![
                Call {
                    account: Name::from("a"),
                    principal: None,
                    region: Region::from("us-west-2"),
                    op: Op::CreatePortfolio {
                        portfolio: Name::from("port1"),
                        display_name: None,
                        provider_name: None,
                    },
                },
                Call {
                    account: Name::from("b"),
                    principal: Some(Principal::User(Name::from("u1"))),
                    region: Region::from("us-east-1"),
                    op: Op::SearchProducts,
                },
            ],
            invariant: "INV-05".to_owned(),
            message: "A consumer sees it. More text.".to_owned(),
            outcome: StepOutcome::Err {
                exception: "ResourceNotFoundException".to_owned(),
            },
            stats: Stats::default(),
        }
    }

    fn found_by() -> FoundBy {
        FoundBy {
            driver: "explorer".to_owned(),
            seed: "7".to_owned(),
            swarm: "all".to_owned(),
            commit: "abc1234".to_owned(),
            failure: "INV-05".to_owned(),
            explanation: first_sentence("A consumer sees it.\n More text."),
        }
    }

    #[test]
    fn a_regression_reads_back_and_is_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("sharesim-regr-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = shrunk();
        let scenario = scenario(&s, found_by());
        let sig = shrunk_signature(&s);
        assert_eq!(sig, "INV-05 SearchProducts ResourceNotFoundException");
        let Written::New(path) = write(&dir, &scenario, &sig).unwrap() else {
            panic!("expected a new file");
        };
        assert!(path.ends_with("inv-05-searchproducts-resourcenotfoundexception.ron"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("// Found by the explorer (seed 7, swarm all, commit abc1234)."));
        assert!(text.contains("// Why: A consumer sees it."));
        let back = load::parse(&text, &path).unwrap();
        assert_eq!(back, scenario);
        assert_eq!(
            write(&dir, &scenario, &sig).unwrap(),
            Written::Duplicate(path.clone())
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Where a failing sequence came from, for the header.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// `explorer`, `libfuzzer`, `selftest`.
    pub driver: String,
    /// The seed or artifact name.
    pub seed: String,
    /// The swarm profile.
    pub swarm: String,
}

/// A failing sequence to shrink: the world, the calls and the invariant they fail.
#[derive(Debug, Clone, Copy)]
pub struct Failing<'a> {
    /// The world.
    pub spec: &'a sharesim_core::WorldSpec,
    /// The calls, the failing one last.
    pub calls: &'a [sharesim_core::Call],
    /// The invariant that must keep failing.
    pub invariant: &'a str,
}

/// Shrinks a failing sequence and, with a directory, writes it as a regression. Returns the
/// shrunk failure and what was written (a failed write is [`Written::Failed`], not an error, so
/// that the shrunk failure survives it); an error if the sequence does not fail its invariant.
pub fn shrink_and_write(
    failing: Failing,
    provenance: &Provenance,
    checker: &dyn crate::scenario::run::StepChecker,
    model: crate::explore::Model,
    budget: std::time::Duration,
    dir: Option<&Path>,
) -> Result<(Shrunk, Option<Written>), String> {
    let Failing {
        spec,
        calls,
        invariant,
    } = failing;
    let shrunk = crate::shrink::shrink(spec, calls, invariant, checker, model, budget)
        .ok_or_else(|| format!("the sequence does not fail {invariant} when replayed"))?;
    let Some(dir) = dir else {
        return Ok((shrunk, None));
    };
    let found_by = FoundBy {
        driver: provenance.driver.clone(),
        seed: provenance.seed.clone(),
        swarm: provenance.swarm.clone(),
        commit: commit(),
        failure: shrunk.invariant.clone(),
        explanation: first_sentence(&shrunk.message),
    };
    let scenario = scenario(&shrunk, found_by);
    let written = write(dir, &scenario, &shrunk_signature(&shrunk)).unwrap_or_else(Written::Failed);
    Ok((shrunk, Some(written)))
}

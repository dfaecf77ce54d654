//! RON scenarios: the readable specification and the regression gate.
//!
//! A scenario says why a behaviour matters, which rules it claims, the world it starts from, and
//! its steps: calls (with optional inline expectations) and assertions over the observation. The
//! format is documented field by field in docs/SCENARIOS.md; every struct here denies unknown
//! fields, so a typo is an error with a position, never a silently ignored line.
//!
//! Submodules: [`load`] parses and validates (errors carry file, line and column, and a
//! did-you-mean for near-miss names); [`run`] desugars the world into setup calls, runs the
//! steps against the reference model (the conformance runner drives other implementations),
//! checks expectations and renders the trace; [`matcher`] is the partial matcher used by
//! `Match` expectations and `Observe` assertions.

pub mod load;
pub mod matcher;
pub mod run;

use serde::{Deserialize, Serialize};
use sharesim_core::world::Config;
use sharesim_core::{Name, Op, Region};
use std::collections::BTreeMap;

/// A scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Why this behaviour matters, in a sentence or two.
    pub description: String,
    /// The rule ids of RULES.md the scenario claims to exercise.
    pub rules: Vec<String>,
    /// The world to start from.
    pub world: WorldDef,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// Provenance of a scenario written by the shrinker (scenarios/regressions/).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_by: Option<FoundBy>,
}

/// How a regression scenario was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoundBy {
    /// The driver: `explorer`, `libfuzzer`, `conform`.
    pub driver: String,
    /// The seed (explorer) or the artifact name (libFuzzer).
    pub seed: String,
    /// The swarm profile in force.
    #[serde(default)]
    pub swarm: String,
    /// The commit of the harness that found it.
    #[serde(default)]
    pub commit: String,
    /// The invariant or expectation that failed.
    pub failure: String,
    /// One sentence of explanation.
    #[serde(default)]
    pub explanation: String,
}

/// The world a scenario starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldDef {
    /// Account names (each gets a 12-digit id in order: 100000000001, 100000000002, ...).
    pub accounts: Vec<Name>,
    /// Enabled Regions; `["us-east-1"]` when absent. The first is the default Region of steps.
    #[serde(default = "default_regions")]
    pub regions: Vec<Region>,
    /// An organization and its tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrgDef>,
    /// IAM principals per account.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub iam: BTreeMap<Name, IamDef>,
    /// Quota overrides and model switches.
    #[serde(default, skip_serializing_if = "is_default_config")]
    pub config: Config,
}

fn is_default_config(c: &Config) -> bool {
    c == &Config::default()
}

/// The default Regions of a world.
pub fn default_regions() -> Vec<Region> {
    vec![Region::from("us-east-1")]
}

/// An organization at the start of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgDef {
    /// The organization's name.
    pub name: Name,
    /// Its management account.
    pub management: Name,
    /// OUs in creation order, each with its parent OU (the root when absent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ous: Vec<OuDef>,
    /// Member accounts besides the management account, each with the OU it sits in (the root
    /// when absent).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub members: BTreeMap<Name, Option<Name>>,
}

/// An OU at the start of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OuDef {
    /// The OU's name.
    pub name: Name,
    /// Its parent OU; the root when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Name>,
}

/// The IAM principals of one account at the start of a scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamDef {
    /// User names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<Name>,
    /// Role names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Name>,
    /// Groups and their member users.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<Name, Vec<Name>>,
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// An API call.
    Call(CallStep),
    /// An assertion over the current observation.
    Observe(ObserveStep),
}

/// An API call, as an account (administrator) or as one of its IAM users or roles (end user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallStep {
    /// The calling account.
    pub account: Name,
    /// Call as this IAM user of the account (an end user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Name>,
    /// Call as this IAM role of the account (an end user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Name>,
    /// The Region; the world's first Region when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// The operation.
    pub op: Op,
    /// What the call must return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// Rule ids that must be among the rules deciding the outcome.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decided_by: Vec<String>,
}

/// An inline expectation on a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Expect {
    /// The call succeeds.
    Ok,
    /// The call fails with this exact AWS exception name (a name of
    /// `sharesim_core::error::Exception`; the loader rejects others).
    Error(String),
    /// The call fails, whatever the exception: for a scenario written from a document that says
    /// an action is not possible without naming the error. The snapshot still pins the exception.
    Fails,
    /// The call succeeds and its response matches this value partially (see [`matcher`]).
    Match(ron::Value),
}

/// An assertion over the observation: select a value by path, then test it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObserveStep {
    /// Dot-separated path into the observation, e.g.
    /// `accounts.spoke.regions.us-east-1.sc.launch_paths`.
    pub path: String,
    /// The selected value contains (partially matches) this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<ron::Value>,
    /// The selected list has no element that partially matches this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lacks: Option<ron::Value>,
    /// The selected value equals this exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<ron::Value>,
    /// The selected list or map has this many entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// What the assertion shows, in a few words (printed in the trace).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Every scenario file under `dir`, sorted, with its name (the path under `dir` without `.ron`,
/// with `/` separators).
pub fn discover(dir: &std::path::Path) -> std::io::Result<Vec<(String, std::path::PathBuf)>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "ron") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    if dir.is_file() {
        files.push(dir.to_owned());
    } else {
        walk(dir, &mut files)?;
    }
    files.sort();
    Ok(files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(dir).unwrap_or(&path).with_extension("");
            let name = if rel.as_os_str().is_empty() {
                path.with_extension("").to_string_lossy().into_owned()
            } else {
                rel.to_string_lossy().replace('\\', "/")
            };
            (name, path)
        })
        .collect())
}

//! `sharesim import-crash <artifact>`: a libFuzzer crash artifact of the `ops` target becomes a
//! shrunk regression scenario, exactly like an explorer failure.

use super::Format;
use super::finding::{ShrinkReport, print_json};
use crate::regression;
use std::path::PathBuf;
use std::time::Duration;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim import-crash fuzz/artifacts/ops/crash-0123abcd
  sharesim import-crash fuzz/artifacts/ops/crash-0123abcd --no-write
  sharesim import-crash fuzz/artifacts/ops/crash-0123abcd --format json";

/// Arguments of `sharesim import-crash`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The artifact (bytes as libFuzzer wrote them).
    pub artifact: PathBuf,
    /// Where to write the regression.
    #[arg(long, default_value = regression::DIR)]
    pub out: PathBuf,
    /// Print the shrunk scenario instead of writing it.
    #[arg(long)]
    pub no_write: bool,
    /// Time budget for shrinking.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, allow_hyphen_values = true)]
    pub shrink_time: Duration,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Imports the artifact; exit code 0 when a regression was written (or printed), 1 when the
/// artifact does not fail, 2 when it cannot be read or its regression cannot be written.
pub fn main(args: &Args) -> i32 {
    let json = args.format == Format::Json;
    let artifact = args.artifact.display().to_string();
    let fail = |code: i32, error: String| {
        if json {
            print_json(&serde_json::json!({ "artifact": artifact, "error": error }));
        } else {
            eprintln!("error: {error}");
        }
        code
    };
    let data = match std::fs::read(&args.artifact) {
        Ok(d) => d,
        Err(e) => return fail(2, format!("cannot read the artifact {artifact}: {e}")),
    };
    let name = args.artifact.file_name().map_or_else(
        || "artifact".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let dir = (!args.no_write).then_some(args.out.as_path());
    let (shrunk, written) = match crate::fuzzing::import_crash(
        &name,
        &data,
        &crate::explore::reference,
        args.shrink_time,
        dir,
    ) {
        Ok(found) => found,
        Err(e) => return fail(1, e),
    };
    let provenance = regression::Provenance {
        driver: "libfuzzer".to_owned(),
        seed: name.clone(),
        swarm: String::new(),
    };
    let code = if matches!(written, Some(regression::Written::Failed(_))) {
        2
    } else {
        0
    };
    let shrink = ShrinkReport::new(&shrunk, written, &provenance);
    if json {
        print_json(&serde_json::json!({
            "artifact": artifact,
            "invariant": shrunk.invariant,
            "message": shrunk.message,
            "shrink": shrink,
        }));
    } else {
        println!("{name}: {} fails", shrunk.invariant);
        shrink.print_human();
    }
    code
}

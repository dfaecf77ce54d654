//! `sharesim fuzz`: the seeded explorer from the command line, with progress, shrinking of the
//! first failure into scenarios/regressions/, and the determinism audit.

use super::Format;
use super::finding::{FailureReport, ShrinkReport, print_json, reproduce};
use super::progress::Progress;
use crate::explore::{self, Budget, CampaignOptions, EPISODE};
use crate::generate::Swarm;
use crate::regression::{self, Provenance};
use serde::Serialize;
use sharesim_core::catalog::RULES;
use std::path::PathBuf;
use std::time::Duration;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim fuzz --seed 1 --time 60s            # seeds 1, 2, ... for a minute
  sharesim fuzz --seed 42 --steps 1000         # exactly the calls of seed 42
  sharesim fuzz --seed 7 --steps 20000 --swarm sc-only
  sharesim fuzz --seed 3 --steps 2000 --audit  # run seed 3 twice, compare every step
  sharesim fuzz --seed 4 --steps 1000 --fault reshare-imported --no-write --format json";

/// Arguments of `sharesim fuzz`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first seed; seeds run in order from it, one episode each.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Wall-time budget (30s, 2m, 1h).
    #[arg(long, value_parser = super::parse_duration, conflicts_with = "steps", allow_hyphen_values = true)]
    pub time: Option<Duration>,
    /// Step budget over all seeds (reproducible, unlike a time budget).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Pin a swarm profile for the whole run: a name (all, sc-only, ram-ib, no-reads, grow) or
    /// a hex mask of switched-off groups as printed by a run. When absent, each seed derives
    /// its own schedule: a new profile every 125 calls.
    #[arg(long, value_parser = Swarm::parse)]
    pub swarm: Option<Swarm>,
    /// Calls per seed (at least 1).
    #[arg(long, default_value_t = EPISODE, value_parser = super::at_least_one)]
    pub episode: usize,
    /// Run the first seed twice (for --steps, or one episode) and compare every step's
    /// outcome and observation; name the first step that differs.
    #[arg(long)]
    pub audit: bool,
    /// Where to write the shrunk regression of a failure.
    #[arg(long, default_value = regression::DIR)]
    pub out: PathBuf,
    /// Shrink a failure but write nothing.
    #[arg(long)]
    pub no_write: bool,
    /// Time budget for shrinking a failure.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, allow_hyphen_values = true)]
    pub shrink_time: Duration,
    /// Run against a broken model of the fault zoo (see `sharesim selftest --list`).
    #[cfg(feature = "faults")]
    #[arg(long, value_parser = super::selftest::parse_fault)]
    pub fault: Option<sharesim_core::fault::Fault>,
    /// Stop at the known open bugs of `explore::KNOWN_VIOLATIONS` too (by default they are
    /// reported by their own regressions and exploration goes on past them).
    #[arg(long)]
    pub strict: bool,
    /// How each step is checked: incremental (the default: rejected and read-only calls are
    /// not re-observed, with sampled and end-of-seed verification) or full (every step observed
    /// and checked in full). Both report the same failures; see `explore::CheckMode`.
    #[arg(long, value_enum, default_value_t = explore::CheckMode::Incremental)]
    pub check_mode: explore::CheckMode,
    /// Report format (JSON shows no progress).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs the explorer; exit code 1 on a failure or a divergence.
pub fn main(args: &Args) -> i32 {
    type Model = Box<dyn Fn(&sharesim_core::WorldSpec) -> sharesim_core::World>;
    #[cfg(feature = "faults")]
    let model: Model = match args.fault {
        Some(f) => Box::new(crate::selftest::model(f)),
        None => Box::new(explore::reference),
    };
    #[cfg(not(feature = "faults"))]
    let model: Model = Box::new(explore::reference);
    let strict = crate::checks(&explore::world_spec().config.quotas);
    let tolerant = explore::Tolerant::new(strict.as_ref());
    let checker: &dyn crate::scenario::run::StepChecker = if args.strict {
        strict.as_ref()
    } else {
        &tolerant
    };
    if args.audit {
        let steps = args.steps.unwrap_or(args.episode);
        // Determinism, not invariants: no checker, so neither run stops at a violation.
        let audit = explore::audit(
            args.seed,
            steps,
            &crate::scenario::run::NoChecks,
            model.as_ref(),
        );
        if args.format == Format::Json {
            print_json(&serde_json::json!({
                "audit": {
                    "seed": audit.seed,
                    "steps": audit.steps,
                    "first_divergence": audit.first_divergence,
                }
            }));
        } else {
            match audit.first_divergence {
                None => println!(
                    "audit seed {}: {} steps, identical outcomes and observations in both runs",
                    audit.seed, audit.steps
                ),
                Some(step) => println!(
                    "audit seed {}: the runs diverge at step {step}: its outcome or the \
                     observation after it differs (look for hash-map iteration, the wall clock \
                     or unseeded randomness in what that call touches)",
                    audit.seed
                ),
            }
        }
        return i32::from(audit.first_divergence.is_some());
    }
    let budget = match (args.steps, args.time) {
        (Some(n), _) => Budget::Steps(n),
        (None, Some(t)) => Budget::Time(t),
        (None, None) => Budget::Time(Duration::from_secs(60)),
    };
    let opts = CampaignOptions {
        first_seed: args.seed,
        budget,
        episode: args.episode,
        swarm: args.swarm,
        check: args.check_mode,
    };
    let json = args.format == Format::Json;
    let mut progress = Progress::new("fuzz", budget, args.quiet || json);
    let campaign = explore::campaign(&opts, checker, model.as_ref(), &mut |c| {
        progress.tick(c, budget)
    });
    progress.finish();
    let last_seed = args
        .seed
        .wrapping_add(campaign.seeds.saturating_sub(1) as u64);
    let mut report = Report {
        first_seed: args.seed,
        last_seed,
        steps: campaign.steps,
        rules_covered: RULES
            .iter()
            .filter(|r| campaign.rules_hit.contains(r.id))
            .count(),
        rules_total: RULES.len(),
        seconds: campaign.elapsed.as_secs_f64(),
        failure: None,
        shrink: None,
    };
    if !json {
        println!(
            "fuzz: seeds {}..={last_seed}, {} ({:.1} s)",
            args.seed,
            Progress::line(&campaign),
            campaign.elapsed.as_secs_f64()
        );
    }
    let Some(f) = campaign.failure else {
        if json {
            print_json(&report);
        } else {
            println!("ok");
        }
        return 0;
    };
    let failure = FailureReport::new(
        &f,
        reproduce(&f, opts.episode, fault_name(args), args.strict),
    );
    if !json {
        println!(
            "FAILED seed {} (swarm {}) step {}: {} on {} ({})\n  {}",
            failure.seed,
            failure.swarm,
            failure.step,
            failure.invariant,
            failure.op.unwrap_or("?"),
            failure.outcome,
            failure.message.replace('\n', "\n  ")
        );
        println!("reproduce: {}", failure.reproduce);
    }
    report.failure = Some(failure);
    let provenance = Provenance {
        driver: "explorer".to_owned(),
        seed: f.seed.to_string(),
        swarm: f.profile(),
    };
    let dir = (!args.no_write).then_some(args.out.as_path());
    let spec = explore::world_spec();
    let shrink = match regression::shrink_and_write(
        regression::Failing {
            spec: &spec,
            calls: &f.calls,
            invariant: &f.invariant,
        },
        &provenance,
        checker,
        model.as_ref(),
        args.shrink_time,
        dir,
    ) {
        Ok((shrunk, written)) => ShrinkReport::new(&shrunk, written, &provenance),
        Err(e) => ShrinkReport::failed(format!("shrinking failed: {e}")),
    };
    if json {
        report.shrink = Some(shrink);
        print_json(&report);
    } else {
        shrink.print_human();
    }
    1
}

/// The report of `sharesim fuzz --format json`.
#[derive(Debug, Serialize)]
struct Report {
    first_seed: u64,
    last_seed: u64,
    steps: usize,
    rules_covered: usize,
    rules_total: usize,
    seconds: f64,
    failure: Option<FailureReport>,
    shrink: Option<ShrinkReport>,
}

/// The name of the zoo fault explored, if any.
fn fault_name(args: &Args) -> Option<&'static str> {
    #[cfg(feature = "faults")]
    if let Some(f) = args.fault {
        return Some(f.name());
    }
    let _ = args;
    None
}

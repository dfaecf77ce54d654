//! `sharesim fuzz`: the seeded explorer from the command line, with progress, shrinking of the
//! first failure into scenarios/regressions/, and the determinism audit.

use super::progress::Progress;
use crate::explore::{self, Budget, CampaignOptions, EPISODE};
use crate::generate::Swarm;
use crate::regression::{self, Provenance, Written};
use std::path::PathBuf;
use std::time::Duration;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim fuzz --seed 1 --time 60s            # seeds 1, 2, ... for a minute
  sharesim fuzz --seed 42 --steps 1000         # exactly the calls of seed 42
  sharesim fuzz --seed 7 --steps 20000 --swarm sc-only
  sharesim fuzz --seed 3 --steps 2000 --audit  # run seed 3 twice, compare every step";

/// Arguments of `sharesim fuzz`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first seed; seeds run in order from it, one episode each.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Wall-time budget (30s, 2m, 1h).
    #[arg(long, value_parser = super::parse_duration, conflicts_with = "steps")]
    pub time: Option<Duration>,
    /// Step budget over all seeds (reproducible, unlike a time budget).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Pin a swarm profile: a name (all, sc-only, ram-ib, no-reads, grow) or a hex mask of
    /// switched-off groups as printed by a run. Each seed derives its own when absent.
    #[arg(long, value_parser = Swarm::parse)]
    pub swarm: Option<Swarm>,
    /// Calls per seed.
    #[arg(long, default_value_t = EPISODE)]
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
    #[arg(long, default_value = "60s", value_parser = super::parse_duration)]
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
        return match audit.first_divergence {
            None => {
                println!(
                    "audit seed {}: {} steps, identical outcomes and observations in both runs",
                    audit.seed, audit.steps
                );
                0
            }
            Some(step) => {
                println!(
                    "audit seed {}: the runs diverge at step {step}: its outcome or the \
                     observation after it differs (look for hash-map iteration, the wall clock \
                     or unseeded randomness in what that call touches)",
                    audit.seed
                );
                1
            }
        };
    }
    let budget = match (args.steps, args.time) {
        (Some(n), _) => Budget::Steps(n),
        (None, Some(t)) => Budget::Time(t),
        (None, None) => Budget::Time(Duration::from_secs(60)),
    };
    let opts = CampaignOptions {
        first_seed: args.seed,
        budget,
        episode: args.episode.max(1),
        swarm: args.swarm,
        check: args.check_mode,
    };
    let mut progress = Progress::new("fuzz", budget, args.quiet);
    let campaign = explore::campaign(&opts, checker, model.as_ref(), &mut |c| {
        progress.tick(c, budget)
    });
    progress.finish();
    let last_seed = args
        .seed
        .wrapping_add(campaign.seeds.saturating_sub(1) as u64);
    println!(
        "fuzz: seeds {}..={last_seed}, {} ({:.1} s)",
        args.seed,
        Progress::line(&campaign),
        campaign.elapsed.as_secs_f64()
    );
    let Some(f) = campaign.failure else {
        println!("ok");
        return 0;
    };
    println!(
        "FAILED seed {} swarm={} step {}: {} on {} ({})\n  {}",
        f.seed,
        f.swarm,
        f.step,
        f.invariant,
        f.kind().map_or("?", |k| k.name()),
        f.outcome.exception().unwrap_or("ok"),
        f.message.replace('\n', "\n  ")
    );
    println!(
        "reproduce: sharesim fuzz --seed {} --steps {} --swarm {}",
        f.seed, f.step, f.swarm
    );
    let provenance = Provenance {
        driver: "explorer".to_owned(),
        seed: f.seed.to_string(),
        swarm: f.swarm.to_string(),
    };
    let dir = (!args.no_write).then_some(args.out.as_path());
    let spec = explore::world_spec();
    match regression::shrink_and_write(
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
        Ok((shrunk, written)) => {
            println!(
                "shrunk: {} calls to {} in {:.2} s ({} tests{})",
                shrunk.stats.original,
                shrunk.calls.len(),
                shrunk.stats.elapsed.as_secs_f64(),
                shrunk.stats.tests,
                if shrunk.stats.out_of_time {
                    ", out of time"
                } else {
                    ""
                }
            );
            match written {
                Some(Written::New(p)) => println!("wrote {}", p.display()),
                Some(Written::Duplicate(p)) => {
                    println!("duplicate of {} (same signature), not written", p.display())
                }
                None => match regression::render_shrunk(&shrunk, &provenance) {
                    Ok(text) => println!("{text}"),
                    Err(e) => eprintln!("error: {e}"),
                },
            }
        }
        Err(e) => eprintln!("error: shrinking failed: {e}"),
    }
    1
}

//! Progress of long runs: steps, steps per second, rule coverage so far and failures. A bar on
//! a terminal (indicatif, on stderr); plain lines every few seconds otherwise, so that CI logs
//! show the run is alive without filling up.

use crate::explore::{Budget, Campaign};
use indicatif::{ProgressBar, ProgressStyle};
use sharesim_core::catalog::RULES;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Seconds between plain progress lines.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// A progress display for a campaign.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    last_line: Instant,
    quiet: bool,
}

impl Progress {
    /// A display for a campaign with this budget; `quiet` shows nothing.
    pub fn new(label: &str, budget: Budget, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let (len, template) = match budget {
                Budget::Steps(n) => (n as u64, "{prefix} [{bar:30}] {pos}/{len} steps  {msg}"),
                Budget::Time(t) => (
                    t.as_secs().max(1),
                    "{prefix} [{bar:30}] {elapsed}/{len}s  {msg}",
                ),
            };
            let bar = ProgressBar::new(len);
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(label.to_owned());
            bar
        });
        Progress {
            bar,
            label: label.to_owned(),
            last_line: Instant::now(),
            quiet,
        }
    }

    /// The one-line summary of the running totals.
    pub fn line(c: &Campaign) -> String {
        let secs = c.elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} steps, {:.0} steps/s, rules {}/{}, failures {}",
            c.steps,
            c.steps as f64 / secs,
            RULES.iter().filter(|r| c.rules_hit.contains(r.id)).count(),
            RULES.len(),
            usize::from(c.failure.is_some())
        )
    }

    /// Shows the running totals.
    pub fn tick(&mut self, c: &Campaign, budget: Budget) {
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(bar) => {
                match budget {
                    Budget::Steps(_) => bar.set_position(c.steps as u64),
                    Budget::Time(_) => bar.set_position(c.elapsed.as_secs()),
                }
                bar.set_message(Progress::line(c));
            }
            None if self.last_line.elapsed() >= PLAIN_EVERY => {
                self.last_line = Instant::now();
                eprintln!("{}: {}", self.label, Progress::line(c));
            }
            None => {}
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

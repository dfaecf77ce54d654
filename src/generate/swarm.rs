//! Swarm profiles: which groups of operations a run leaves out.
//!
//! Swarm testing (Groce et al., ISSTA 2012) runs many configurations that each omit a random
//! subset of features instead of one configuration with everything on: an omitted feature can no
//! longer suppress a bug (a `DeletePortfolio` that keeps undoing the state a bug needs), and the
//! remaining ones get more of the run's length. A profile is a bitmask of switched-off
//! [`Group`]s, printed as `swarm=<hex>` or as a name, and pinned with `--swarm`.

use super::weights::Group;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use std::fmt;
use strum::IntoEnumIterator;

/// A swarm profile: the set of [`Group`]s switched off, as a bitmask (bit `g as u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Swarm {
    off: u32,
}

/// Named profiles, pinnable with `--swarm NAME`.
pub const NAMED: &[(&str, &[Group])] = &[
    // Everything on.
    ("all", &[]),
    // Service Catalog with the Organizations and IAM it rests on.
    (
        "sc-only",
        &[
            Group::Kms,
            Group::RamShare,
            Group::RamInvite,
            Group::RamRead,
            Group::IbCreate,
            Group::IbDelete,
            Group::IbPolicy,
            Group::IbRead,
            Group::Clock,
        ],
    ),
    // RAM and Image Builder with Organizations, IAM and KMS.
    (
        "ram-ib",
        &[
            Group::ScPortfolio,
            Group::ScProduct,
            Group::ScConstraint,
            Group::ScPrincipal,
            Group::ScShare,
            Group::ScProvision,
            Group::ScRead,
        ],
    ),
    // Only calls that change the world (reads are left to the observation).
    ("no-reads", &[Group::ScRead, Group::RamRead, Group::IbRead]),
    // No deletions: state only grows, which favours bugs that need many entities.
    (
        "grow",
        &[Group::IbDelete, Group::Deletions, Group::OrgShrink],
    ),
];

/// The probability, in quarters, that a seed gets a random profile rather than `all`.
const RANDOM_PROFILE_QUARTERS: u64 = 3;

/// Calls per phase of a seed's own schedule ([`Swarm::of_seed_at`]).
///
/// Measured (docs/PERFORMANCE.md §3, "Swarm phases"): with one profile per 1,000-call episode,
/// a fault that needs several groups gets them only from a seed whose profile has all of them
/// on; with a new profile every 125 calls over a world that keeps its state, a fault needs each
/// group on in some phase, in the order its calls must come (build a share under one profile,
/// remove it under another). Of 100, 125, 150, 200 and 250 calls, 125 gave the fewest calls to
/// detection over the zoo (geometric mean 0.65 of the calls without phases) and the lowest
/// worst case.
pub const PHASE: usize = 125;

impl Swarm {
    /// Everything on.
    pub const ALL: Swarm = Swarm { off: 0 };

    /// Whether the group is switched on.
    pub fn enabled(self, group: Group) -> bool {
        self.off & group.bit() == 0
    }

    /// The profile with these groups switched off.
    pub fn without(groups: &[Group]) -> Swarm {
        Swarm {
            off: groups.iter().fold(0, |m, g| m | g.bit()),
        }
    }

    /// The bitmask of switched-off groups.
    pub fn bits(self) -> u32 {
        self.off
    }

    /// A profile from a raw bitmask (unknown bits are ignored).
    pub fn from_bits(bits: u32) -> Swarm {
        Swarm {
            off: bits & Group::mask(),
        }
    }

    /// The profile a seed explores with: `all` for a quarter of the seeds, otherwise each group
    /// off with probability 1/4, drawn from a generator of its own so that the profile does not
    /// shift the seed's call stream.
    pub fn from_seed(seed: u64) -> Swarm {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5357_4152_4d21_0001);
        if rng.next_u64() % 4 >= RANDOM_PROFILE_QUARTERS {
            return Swarm::ALL;
        }
        let mut off = 0;
        for g in Group::iter() {
            if rng.next_u64() % 4 == 0 {
                off |= g.bit();
            }
        }
        Swarm { off }
    }

    /// The profile of an unpinned seed at its 1-based `step`: the seed's schedule switches
    /// profile every [`PHASE`] calls. Phase 0 is [`Swarm::from_seed`]; phase `k` draws from
    /// the seed mixed with `k`, by the same rule (a quarter `all`, otherwise each group off
    /// with probability 1/4).
    pub fn of_seed_at(seed: u64, step: usize) -> Swarm {
        let phase = (step.max(1) - 1) / PHASE;
        Swarm::from_seed(seed ^ (phase as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    /// The phase of a 1-based step in a seed's schedule.
    pub fn phase_of(step: usize) -> usize {
        (step.max(1) - 1) / PHASE
    }

    /// Whether a 1-based step is the first of a phase after the first one: where an unpinned
    /// run switches to [`Swarm::of_seed_at`] of that step.
    pub fn switches_at(step: usize) -> bool {
        step > 1 && Swarm::phase_of(step) != Swarm::phase_of(step - 1)
    }

    /// Parses a profile: a name of [`NAMED`], or a hex bitmask with or without `swarm=` / `0x`.
    pub fn parse(s: &str) -> Result<Swarm, String> {
        let s = s.trim();
        let s = s.strip_prefix("swarm=").unwrap_or(s);
        if let Some((_, groups)) = NAMED.iter().find(|(n, _)| *n == s) {
            return Ok(Swarm::without(groups));
        }
        let hex = s.strip_prefix("0x").unwrap_or(s);
        u32::from_str_radix(hex, 16)
            .map(Swarm::from_bits)
            .map_err(|_| {
                let names: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
                format!(
                    "invalid swarm profile {s:?}: use a name ({}) or a hex mask of groups to \
                     switch off",
                    names.join(", ")
                )
            })
    }

    /// The profile's name, if it is a named one.
    pub fn name(self) -> Option<&'static str> {
        NAMED
            .iter()
            .find(|(_, groups)| Swarm::without(groups) == self)
            .map(|(n, _)| *n)
    }

    /// The groups switched off, for people.
    pub fn off_groups(self) -> Vec<Group> {
        Group::iter().filter(|g| !self.enabled(*g)).collect()
    }
}

impl fmt::Display for Swarm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "{:05x}", self.off),
        }
    }
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn printed_profiles_parse_back() {
        for seed in 0..64 {
            let s = Swarm::from_seed(seed);
            assert_eq!(Swarm::parse(&s.to_string()).unwrap(), s, "seed {seed}");
            assert_eq!(Swarm::parse(&format!("swarm={s}")).unwrap(), s);
        }
        for (name, _) in NAMED {
            assert_eq!(Swarm::parse(name).unwrap().to_string(), *name);
        }
    }

    #[test]
    fn seeds_get_varied_profiles() {
        let profiles: std::collections::BTreeSet<Swarm> = (0..64).map(Swarm::from_seed).collect();
        assert!(profiles.contains(&Swarm::ALL));
        assert!(profiles.len() > 20, "{profiles:?}");
    }

    #[test]
    fn a_seed_switches_profile_only_at_phase_boundaries() {
        assert!(!Swarm::switches_at(1));
        for seed in 0..32 {
            assert_eq!(Swarm::of_seed_at(seed, 1), Swarm::from_seed(seed));
            assert_eq!(Swarm::of_seed_at(seed, PHASE), Swarm::from_seed(seed));
            for k in 1..8 {
                let first = Swarm::of_seed_at(seed, k * PHASE + 1);
                assert_eq!(
                    Swarm::of_seed_at(seed, (k + 1) * PHASE),
                    first,
                    "seed {seed}"
                );
                assert_eq!(Swarm::phase_of(k * PHASE + 1), k);
                assert_eq!(Swarm::phase_of(k * PHASE), k - 1);
                assert!(Swarm::switches_at(k * PHASE + 1));
                assert!(!Swarm::switches_at(k * PHASE) && !Swarm::switches_at(k * PHASE + 2));
            }
        }
        // The phases of one seed differ: a schedule is not one profile repeated.
        let phases: std::collections::BTreeSet<Swarm> = (0..8)
            .map(|k| Swarm::of_seed_at(3, k * PHASE + 1))
            .collect();
        assert!(phases.len() > 3, "{phases:?}");
    }

    #[test]
    fn garbage_is_refused_with_the_names() {
        let err = Swarm::parse("sc-onyl").unwrap_err();
        assert!(err.contains("sc-only"), "{err}");
    }
}

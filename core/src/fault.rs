//! The fault zoo: deliberately broken variants of the model, for measuring the oracle.
//!
//! A harness is only as good as what it catches. Each [`Fault`] is a small, realistic bug
//! planted at one place in a rule module (marked `// FAULT ZOO:` there), switched on for one
//! world by [`crate::World::with_fault`]. `sharesim selftest` explores each broken world until
//! the checker reports a violation, and reports the steps and seconds it took and the length of
//! the shrunk scenario; a fault that is never caught means the oracle has a blind spot.
//!
//! The enum always exists, so that the insertions compile either way; a world can only be
//! built with a fault under the `faults` feature, and without it `World::faulty` is a constant
//! `false` that the checks compile away with.

use serde::{Deserialize, Serialize};

/// A planted bug.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Fault {
    /// AcceptPortfolioShare copies the owner's portfolio instead of referencing it: later
    /// products and versions of the owner never reach the importer (SC-02, SC-49).
    ImportCopies,
    /// Removing a product from a shared portfolio does not cascade to the consumers' local
    /// portfolios that hold it through the import (SC-07).
    RemovalNoCascadeLocal,
    /// Removing a product from a portfolio (or the share) terminates the consumers'
    /// provisioned products (SC-08).
    RemovalTerminatesProvisioned,
    /// Accepting a share charges the portfolio to the consumer's quota usage (Q-01, INV-quota).
    QuotaChargedToConsumer,
    /// RAM lets the owner unshare a resource that a consumer's recipe depends on (IB-15).
    UnshareWithDependents,
    /// Image Builder lets the owner delete a resource that is still shared (IB-16).
    DeleteWhileShared,
    /// An imported portfolio can be shared onward by the importer (SC-03).
    ReshareImported,
    /// A local role name of a LAUNCH constraint resolves in the portfolio owner's account instead
    /// of the end user's (IAM-05, SC-60).
    LocalRoleInOwnerAccount,
    /// RAM invitations are required even inside an organization with sharing enabled
    /// (RAM-09, RAM-25).
    NoOrgAutoAccept,
    /// A portfolio share is visible to the recipient in every Region, not only the portfolio's
    /// (INV-01).
    ShareLeaksRegion,
    /// A consumer's recipe built on a shared component is visible to the other consumers of
    /// that component (IB-23).
    ConsumerSeesOtherConsumersRecipe,
}

impl Fault {
    /// Every fault, in declaration order.
    pub fn all() -> impl Iterator<Item = Fault> {
        <Fault as strum::IntoEnumIterator>::iter()
    }

    /// The kebab-case name (`import-copies`).
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// Whether a world's planted bug has acted: set by `World::faulty` when it answers `true`, read
/// by `World::fault_fired`. An atomic only because the observation code asks `faulty` through
/// `&World` and `World` must stay `Sync`; it is never shared between threads while it changes
/// (`Relaxed` suffices). Cloning a world copies the flag.
#[cfg(feature = "faults")]
#[derive(Debug, Default)]
pub(crate) struct Fired(std::sync::atomic::AtomicBool);

#[cfg(feature = "faults")]
impl Fired {
    pub(crate) fn set(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(feature = "faults")]
impl Clone for Fired {
    fn clone(&self) -> Fired {
        Fired(std::sync::atomic::AtomicBool::new(self.get()))
    }
}

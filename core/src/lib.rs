//! `sharesim-core`: a deterministic reference model of cross-account resource sharing.
//!
//! What is modelled: AWS Service Catalog portfolio sharing (share, import, local portfolios,
//! constraint inheritance and override, launch roles, provisioned products), EC2 Image Builder
//! sharing through AWS RAM (resource shares, invitations, organization auto-acceptance, resource
//! policies and promotion, dependencies that block unsharing), and the parts of AWS Organizations,
//! IAM and KMS they rest on. Every behaviour cites a rule id of `../shared/spec/RULES.md`.
//!
//! What is deliberately not modelled: IAM policy evaluation beyond "the principal exists"
//! (RULES.md §0.2), asynchrony (every operation completes synchronously, `[MODEL]`), networks and
//! wall-clock time (a logical clock advances only through [`op::Op::AdvanceTime`]).
//!
//! The API is small: build a [`World`] from a [`WorldSpec`], [`World::apply`] [`Call`]s, read the
//! [`Observation`] with [`World::observe`].
//!
//! Module map:
//! - [`name`]: symbolic names and Regions;
//! - [`op`]: the call vocabulary;
//! - [`catalog`]: the rule ids of RULES.md as data;
//! - [`error`]: AWS exceptions as data; `display`: how their messages print parameters;
//! - [`fault`]: the fault zoo, deliberately broken variants for `selftest` (feature `faults`);
//! - [`response`]: what successful calls return;
//! - [`observe`]: the canonical observation;
//! - [`world`]: state, ids, quotas and the dispatcher;
//! - `services`: one rule module per service.
//!
//! Invariants of this crate: no IO, no clock, no randomness; no `HashMap` in anything observable;
//! `World` is not serialisable (only the vocabulary and the observation are).

#![deny(missing_docs)]

pub mod catalog;
mod display;
pub mod error;
pub mod fault;
pub mod name;
pub mod observe;
pub mod op;
pub mod response;
mod services;
pub mod world;

pub use error::{ApiError, Exception, RuleId};
pub use name::{Name, Region};
pub use observe::Observation;
pub use op::{Call, Op, OpKind};
pub use response::Response;
pub use world::{Config, ObservedParts, Outcome, Quotas, World, WorldSpec};

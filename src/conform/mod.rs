//! Conformance: run the suite against other implementations, in any language, in lockstep with
//! the reference model.
//!
//! An implementation is anything that can answer calls of the model's vocabulary: an in-process
//! [`Implementation`], or a program speaking the JSON-lines protocol of docs/PROTOCOL.md on
//! stdin/stdout ([`subprocess`]). The reference model itself is served over that protocol
//! (`sharesim serve`), so the protocol path is tested end to end by `cargo test`. Outcomes and
//! observations are compared after the normalisation rules of [`normalize`] (ids up to renaming,
//! sets as sets, documented implementation-defined cases as sets of allowed outcomes); the first
//! divergence is reported with both sides and a RON reproduction.
//!
//! Module map:
//! - [`protocol`]: the messages and the JSON Schema;
//! - [`implementation`]: the trait and [`ImplError`];
//! - [`mod@reference`]: the reference model as an implementation;
//! - [`serve`]: the reference model over the protocol;
//! - [`subprocess`]: a program over the protocol, with time limits;
//! - [`normalize`]: the comparison rules;
//! - [`runner`]: the lockstep runner and the report;
//! - [`runs`]: built-in and generated runs;
//! - [`report`]: human, JSON, JUnit and Markdown renderings;
//! - [`cli`]: the `serve` and `conform` subcommands.

pub mod cli;
pub mod implementation;
pub mod normalize;
pub mod protocol;
pub mod reference;
pub mod report;
pub mod runner;
pub mod runs;
pub mod serve;
pub mod subprocess;

pub use implementation::{ImplError, Implementation, PartialObservation};
pub use protocol::{Capabilities, PROTOCOL_VERSION};
pub use reference::ReferenceImpl;
pub use runner::{Report, Run, RunResult};
pub use subprocess::SubprocessImpl;

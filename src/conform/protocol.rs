//! The wire format of the conformance protocol: one JSON object per line, request from the
//! runner, answer from the implementation, strictly alternating (docs/PROTOCOL.md is the
//! normative text; this module is its executable form and the source of
//! docs/protocol.schema.json).
//!
//! The vocabulary ([`Call`], [`WorldSpec`], [`Response`], the observation) is the reference
//! model's own, so there is one parser and one printer for scenarios, traces and the protocol.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sharesim_core::{Call, Observation, OpKind, Response, WorldSpec};
use std::collections::BTreeSet;

/// The protocol version this runner speaks. It is bumped whenever a message shape, the fields of
/// an existing operation or the observation's shape change incompatibly; new operation kinds do
/// not bump it (capabilities list them).
pub const PROTOCOL_VERSION: u32 = 1;

/// A message from the runner to the implementation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// The first message: the runner's protocol version. Answered by [`Reply::Hello`].
    Hello {
        /// The runner's protocol version.
        protocol: u32,
    },
    /// Discard all state and start a fresh world. Answered by [`Reply::Ok`] or
    /// [`Reply::Unsupported`].
    Reset {
        /// The accounts, Regions and parameters of the new world.
        spec: WorldSpec,
    },
    /// Apply one call. Answered by [`Reply::Response`], [`Reply::Error`] or
    /// [`Reply::Unsupported`].
    Call {
        /// The call.
        call: Call,
    },
    /// Report the observation of the current world. Answered by [`Reply::Observation`].
    Observe,
    /// The last message: the implementation exits with status 0 without answering.
    Bye,
}

/// A message from the implementation to the runner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    /// The answer to [`Request::Hello`].
    Hello {
        /// The implementation's protocol version; must equal the runner's.
        protocol: u32,
        /// Who is answering (for reports).
        #[serde(default)]
        implementation: ImplInfo,
        /// What it supports.
        capabilities: Capabilities,
    },
    /// The answer to a successful [`Request::Reset`].
    Ok,
    /// A call succeeded with this response.
    Response {
        /// The response, in the reference model's shape.
        response: Response,
    },
    /// A call was rejected with this AWS exception.
    Error {
        /// The exact AWS exception name (compared exactly).
        exception: String,
        /// A message for people; never compared.
        #[serde(default)]
        message: String,
    },
    /// The implementation cannot take part in this run (a parameter or configuration it does
    /// not support): the run is "not applicable" from here on, not failed.
    Unsupported {
        /// Why, for the report.
        reason: String,
    },
    /// The answer to [`Request::Observe`]: the canonical observation, or the members of the
    /// parts declared in [`Capabilities::observe`] (others may be omitted and are ignored).
    Observation {
        /// The observation.
        #[schemars(with = "Observation")]
        observation: serde_json::Value,
    },
}

/// The implementation's name and version, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ImplInfo {
    /// A short name.
    #[serde(default)]
    pub name: String,
    /// Its version.
    #[serde(default)]
    pub version: String,
}

/// What an implementation supports: runs that need more are "not applicable".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Capabilities {
    /// The operation kinds (`Op` variant names, e.g. `CreatePortfolio`) it implements.
    pub ops: Vec<String>,
    /// The parts of the observation it reports, as dotted paths into the observation with `*`
    /// matching any one member (`accounts.*.iam`, `organizations`); `*` alone is the whole
    /// observation; empty (the default) means it does not support `observe`.
    #[serde(default)]
    pub observe: Vec<String>,
    /// Whether it honours a non-default `WorldSpec.config` (quotas and model switches); when
    /// false, runs whose spec changes the configuration are not applicable.
    #[serde(default)]
    pub config: bool,
}

impl Capabilities {
    /// Every operation kind, the whole observation and any configuration: the reference model's
    /// capabilities.
    pub fn everything() -> Capabilities {
        Capabilities {
            ops: OpKind::all().map(|k| k.name().to_owned()).collect(),
            observe: vec!["*".to_owned()],
            config: true,
        }
    }

    /// The declared operation kinds this runner knows.
    pub fn op_kinds(&self) -> BTreeSet<OpKind> {
        self.ops
            .iter()
            .filter_map(|name| name.parse::<OpKind>().ok())
            .collect()
    }

    /// Declared operation names this runner does not know (reported, otherwise ignored).
    pub fn unknown_ops(&self) -> Vec<String> {
        self.ops
            .iter()
            .filter(|name| name.parse::<OpKind>().is_err())
            .cloned()
            .collect()
    }

    /// Whether the implementation supports `observe` at all.
    pub fn observes(&self) -> bool {
        !self.observe.is_empty()
    }
}

/// The whole protocol, for the JSON Schema: every line is either a request or a reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(
    title = "sharesim conformance protocol",
    description = "One JSON object per line; requests from the runner, replies from the implementation (docs/PROTOCOL.md)."
)]
pub enum Message {
    /// Runner to implementation.
    Request(Request),
    /// Implementation to runner.
    Reply(Reply),
}

/// The JSON Schema of the protocol (docs/protocol.schema.json), pretty-printed with a final
/// newline.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Message);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Serialises one message as a single line (no trailing newline).
pub fn to_line<T: Serialize>(message: &T) -> String {
    // Serialising these types cannot fail: they contain no maps with non-string keys and no
    // fallible Serialize impls. An empty line would be rejected by the peer, never hidden.
    serde_json::to_string(message).unwrap_or_default()
}

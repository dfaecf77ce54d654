//! The reference model as an [`Implementation`]: the runner's oracle, and what `sharesim serve`
//! puts on the wire.

use crate::conform::implementation::{ImplError, Implementation, PartialObservation};
use crate::conform::protocol::Capabilities;
use crate::step::StepOutcome;
use sharesim_core::{Call, RuleId, World, WorldSpec};

/// The reference model in process.
#[derive(Debug, Default)]
pub struct ReferenceImpl {
    world: Option<World>,
    last_rules: Vec<RuleId>,
}

impl ReferenceImpl {
    /// A reference implementation with no world yet (call [`Implementation::reset`] first).
    pub fn new() -> ReferenceImpl {
        ReferenceImpl::default()
    }

    /// The rules that decided the last call's outcome (the allowed-outcome cases key on them).
    pub fn last_rules(&self) -> &[RuleId] {
        &self.last_rules
    }

    /// The world, once reset.
    pub fn world(&self) -> Option<&World> {
        self.world.as_ref()
    }

    fn world_mut(&mut self, request: &str) -> Result<&mut World, ImplError> {
        self.world.as_mut().ok_or_else(|| ImplError::State {
            request: request.to_owned(),
            reason: "no world yet: reset must come first".to_owned(),
        })
    }
}

impl Implementation for ReferenceImpl {
    fn capabilities(&self) -> Capabilities {
        Capabilities::everything()
    }

    fn reset(&mut self, spec: &WorldSpec) -> Result<(), ImplError> {
        self.world = Some(World::new(spec));
        self.last_rules.clear();
        Ok(())
    }

    fn call(&mut self, call: &Call) -> Result<StepOutcome, ImplError> {
        let outcome = self.world_mut("call")?.apply(call);
        self.last_rules = outcome.rules.clone();
        Ok(StepOutcome::from(&outcome))
    }

    fn observe(&mut self) -> Result<PartialObservation, ImplError> {
        let observation = self.world_mut("observe")?.observe();
        let value = serde_json::to_value(&observation).map_err(|e| ImplError::State {
            request: "observe".to_owned(),
            reason: format!("the observation does not serialise: {e}"),
        })?;
        Ok(PartialObservation(value))
    }
}

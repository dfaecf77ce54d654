//! The fault zoo against the checker, with small reproducible budgets: every planted bug is
//! caught by the invariant written for it (issue #5: each of the four named invariants catches
//! a broken core), and `sharesim check --fault F` fails with the shrunk scenario (issue #9).
//! `sharesim selftest` measures the same with a real budget.

use sharesim::explore::{
    self, CheckMode, Options, first_violation, first_violation_from, first_violation_with,
    reference,
};
use sharesim::selftest::model;
use sharesim_core::OpKind;
use sharesim_core::fault::Fault;
use std::process::Command;

/// Calls explored for each fault, from its seed.
const STEPS: usize = 300;

/// The explorer seed that catches each fault within a few dozen calls (found with
/// `for s in $(seq 0 40); do sharesim fuzz --fault F --seed $s --steps 300 --no-write; done`).
/// Pinned so that the test stays fast in a debug build; when the generator changes, a fault
/// may need another seed (`sharesim selftest --fault F` shows it is still caught).
fn seed(fault: Fault) -> u64 {
    match fault {
        Fault::ImportCopies => 36,
        Fault::RemovalNoCascadeLocal | Fault::RemovalTerminatesProvisioned => 7,
        Fault::QuotaChargedToConsumer | Fault::ShareLeaksRegion => 2,
        Fault::UnshareWithDependents => 32,
        Fault::DeleteWhileShared => 10,
        Fault::ReshareImported => 14,
        Fault::LocalRoleInOwnerAccount => 4,
        Fault::NoOrgAutoAccept => 29,
        Fault::ConsumerSeesOtherConsumersRecipe => 28,
    }
}

/// The invariant that must catch each fault, and the kinds of call that may reveal it.
fn expected(fault: Fault) -> (&'static str, &'static [OpKind]) {
    use OpKind as K;
    match fault {
        // SC-02, SC-49: a copied import misses later products and versions.
        Fault::ImportCopies => (
            "IMPORTS-IN-SYNC",
            &[
                K::AssociateProductWithPortfolio,
                K::CreateProvisioningArtifact,
                K::DisassociateProductFromPortfolio,
                K::DeleteProvisioningArtifact,
                K::CreateConstraint,
                K::UpdateConstraint,
                K::DeleteConstraint,
            ],
        ),
        // SC-07: the removal must reach local portfolios holding the product.
        Fault::RemovalNoCascadeLocal => ("IMPORTS-IN-SYNC", &[K::DisassociateProductFromPortfolio]),
        // SC-08: removal never terminates a provisioned product.
        Fault::RemovalTerminatesProvisioned => (
            "PROVISIONED-SURVIVE",
            &[K::DisassociateProductFromPortfolio],
        ),
        // a share charges no consumer.
        Fault::QuotaChargedToConsumer => ("QUOTA-OWNER-ONLY", &[K::AcceptPortfolioShare]),
        // IB-15: no unshare while a consumer's recipe depends on the resource.
        Fault::UnshareWithDependents => (
            "NO-UNSHARE-WITH-DEPENDENTS",
            &[
                K::DisassociateResourceShare,
                K::DeleteResourceShare,
                K::UpdateResourceShare,
            ],
        ),
        // IB-16: no deletion while shared.
        Fault::DeleteWhileShared => (
            "NO-UNSHARE-WITH-DEPENDENTS",
            &[
                K::DeleteComponent,
                K::DeleteImage,
                K::DeleteImageRecipe,
                K::DeleteContainerRecipe,
            ],
        ),
        // SC-13: an import cannot be shared onward.
        Fault::ReshareImported => ("INV-02", &[K::CreatePortfolioShare]),
        // IAM-05, SC-60: a local role name resolves in the end user's account.
        Fault::LocalRoleInOwnerAccount => (
            "INV-09",
            &[
                K::AssociatePrincipalWithPortfolio,
                K::AssociateProductWithPortfolio,
                K::CreateConstraint,
                K::UpdateConstraint,
                K::AcceptPortfolioShare,
                K::CreateRole,
                K::CreateUser,
            ],
        ),
        // RAM-09, RAM-25: inside an organization with sharing enabled, no invitation.
        Fault::NoOrgAutoAccept => (
            "INV-15",
            &[K::CreateResourceShare, K::AssociateResourceShare],
        ),
        // INV-01: a share stays in the portfolio's Region.
        Fault::ShareLeaksRegion => ("INV-01", &[K::AcceptPortfolioShare]),
        // IB-23: a consumer never sees another consumer's recipe.
        Fault::ConsumerSeesOtherConsumersRecipe => (
            "INV-17",
            &[
                K::CreateImageRecipe,
                K::CreateContainerRecipe,
                K::AcceptResourceShareInvitation,
                K::CreateResourceShare,
                K::AssociateResourceShare,
                K::PutComponentPolicy,
            ],
        ),
    }
}

#[test]
fn every_fault_is_caught_by_its_invariant() {
    let spec = explore::world_spec();
    let checker = sharesim::checks(&spec.config.quotas);
    let mut missed = Vec::new();
    for fault in Fault::all() {
        let (invariant, kinds) = expected(fault);
        let broken = model(fault);
        let report =
            explore::explore_with(&Options::new(seed(fault), STEPS), checker.as_ref(), &broken);
        // A failure the correct model shows too is not this fault's.
        let failure = report
            .failure
            .filter(|f| first_violation(&spec, &f.calls, checker.as_ref(), &reference).is_none());
        let Some(f) = failure else {
            missed.push(format!(
                "{}: not caught in {STEPS} calls of seed {}",
                fault.name(),
                seed(fault)
            ));
            continue;
        };
        let kind = f.kind();
        if f.invariant != invariant || !kind.is_some_and(|k| kinds.contains(&k)) {
            missed.push(format!(
                "{}: caught by {} on {:?} (seed {}, step {}), expected {invariant} on one of {kinds:?}: {}",
                fault.name(),
                f.invariant,
                kind,
                f.seed,
                f.step,
                f.message
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

#[test]
fn check_with_a_fault_fails_and_prints_the_shrunk_scenario() {
    // One small scenario: `check` runs the scenarios against the correct model, which this test
    // is not about.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("one-scenario");
    std::fs::create_dir_all(&dir).unwrap();
    let one = "sc/rejecting_a_share_that_does_not_exist_is_not_found.ron";
    std::fs::copy(
        super::scenarios::root().join("scenarios").join(one),
        dir.join("one.ron"),
    )
    .unwrap();
    let scenarios = &dir;
    let faults: Vec<Fault> = Fault::all().collect();
    let outputs: Vec<(Fault, std::process::Output)> = std::thread::scope(|s| {
        let handles: Vec<_> = faults
            .iter()
            .map(|&fault| {
                s.spawn(move || {
                    let out = Command::new(env!("CARGO_BIN_EXE_sharesim"))
                        .args(["check", "--quiet", "--shrink-time", "20s"])
                        .args(["--steps", &STEPS.to_string()])
                        .args(["--steps-per-seed", &STEPS.to_string()])
                        .args(["--seed", &seed(fault).to_string()])
                        .arg("--scenarios")
                        .arg(scenarios)
                        .args(["--fault", fault.name()])
                        .env("NO_COLOR", "1")
                        .output()
                        .unwrap();
                    (fault, out)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (fault, out) in outputs {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let (invariant, _) = expected(fault);
        assert_eq!(out.status.code(), Some(1), "{}:\n{stdout}", fault.name());
        assert!(
            stdout.contains("the scenario:") && stdout.contains("Scenario("),
            "{}: no shrunk scenario:\n{stdout}",
            fault.name()
        );
        assert!(
            stdout.contains(&format!("// Fails: {invariant}.")),
            "{}: not {invariant}:\n{stdout}",
            fault.name()
        );
    }
}

/// `Report::fault_at` is what lets the self-test check a detection on the correct model only
/// from the call at which the planted bug first acted. That is sound only if the broken world
/// did exactly what the correct one does until then: the same outcome of every call and the same
/// observation after it. This replays each fault's failing calls on both worlds side by side,
/// observing every step in full, and also shows that the bug has acted once that call is applied
/// and that checking from there reaches the same verdict as checking from the start.
#[test]
fn a_planted_bug_changes_nothing_before_it_acts() {
    let spec = explore::world_spec();
    let checker = sharesim::checks(&spec.config.quotas);
    for fault in Fault::all() {
        let broken = model(fault);
        let report =
            explore::explore_with(&Options::new(seed(fault), STEPS), checker.as_ref(), &broken);
        let Some(f) = report.failure else {
            panic!("{}: seed {} finds nothing", fault.name(), seed(fault));
        };
        let Some(at) = report.fault_at else {
            panic!("{}: caught, but the bug never acted", fault.name());
        };
        assert!(
            at < f.calls.len(),
            "{}: acted after the failure",
            fault.name()
        );
        let mut bad = broken(&spec);
        let mut good = reference(&spec);
        for (i, call) in f.calls.iter().enumerate().take(at) {
            assert_eq!(
                bad.apply(call),
                good.apply(call),
                "{}: call {i} answered differently before the bug acted",
                fault.name()
            );
            assert!(
                bad.observe() == good.observe(),
                "{}: the observations after call {i} differ before the bug acted",
                fault.name()
            );
            assert!(!bad.fault_fired(), "{}: acted at call {i}", fault.name());
        }
        if let Some(call) = f.calls.get(at) {
            bad.apply(call);
            bad.observe();
        }
        assert!(
            bad.fault_fired(),
            "{}: did not act at call {at}",
            fault.name()
        );
        for mode in [CheckMode::Full, CheckMode::Incremental] {
            assert_eq!(
                first_violation_from(&spec, &f.calls, at, checker.as_ref(), &reference, mode),
                first_violation_with(&spec, &f.calls, checker.as_ref(), &reference, mode),
                "{}: the correct model's verdict depends on where its check starts",
                fault.name()
            );
        }
    }
}

/// The correct model has no planted bug, so it never reports one acting.
#[test]
fn the_correct_model_never_reports_a_fault_acting() {
    let checker = sharesim::checks(&explore::world_spec().config.quotas);
    for seed in 0..3 {
        let report = explore::explore(seed, STEPS, checker.as_ref());
        assert_eq!(report.fault_at, None, "seed {seed}");
    }
}

//! The loader's error messages: every kind of mistake an author can make is reported with the
//! file, the line and column of the mistake, and a message that says what is wrong (with a
//! did-you-mean when a known name is close). Each test parses an inline scenario.

use sharesim::scenario::load::{ScenarioError, parse};
use std::path::Path;

/// Parses `text` as `x.ron` and returns the error's display, which must start with the location.
fn error(text: &str) -> String {
    match parse(text, Path::new("x.ron")) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Asserts that the error is at `x.ron:line:col` and mentions every one of `words`.
fn assert_error(text: &str, line: usize, col: usize, words: &[&str]) {
    let msg = error(text);
    let at = format!("x.ron:{line}:{col}: ");
    assert!(
        msg.starts_with(&at),
        "expected the error at {at}, got: {msg}"
    );
    for w in words {
        assert!(msg.contains(w), "expected {w:?} in: {msg}");
    }
}

#[test]
fn a_valid_scenario_parses() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-20"],
    world: (accounts: ["hub"]),
    steps: [Call(account: "hub", op: CreatePortfolio(portfolio: "base"), expect: Ok)],
)"#;
    assert!(parse(text, Path::new("x.ron")).is_ok());
}

#[test]
fn a_ron_syntax_error_names_its_position() {
    // The comma after the description is missing.
    let text = r#"Scenario(
    description: "ok"
    rules: ["SC-20"],
    world: (accounts: ["hub"]),
    steps: [],
)"#;
    let msg = error(text);
    assert!(msg.starts_with("x.ron:3:5: "), "{msg}");
    assert!(
        matches!(
            parse(text, Path::new("x.ron")),
            Err(ScenarioError::Syntax { .. })
        ),
        "{msg}"
    );
}

#[test]
fn an_unknown_field_is_named_with_the_fields_expected() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-20"],
    world: (accounts: ["hub"], regoins: ["us-east-1"]),
    steps: [],
)"#;
    assert_error(text, 4, 32, &["regoins", "regions"]);
}

#[test]
fn an_unknown_field_of_a_step_is_reported_on_its_line() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-20"],
    world: (accounts: ["hub"]),
    steps: [
        Call(account: "hub", op: CreatePortfolio(portfolio: "base"), expcet: Ok),
    ],
)"#;
    assert_error(text, 6, 70, &["expcet", "expect"]);
}

#[test]
fn a_wrong_type_says_what_was_expected() {
    let text = r#"Scenario(
    description: "ok",
    rules: "SC-20",
    world: (accounts: ["hub"]),
    steps: [],
)"#;
    assert_error(text, 3, 12, &["Expected opening `[`"]);
}

#[test]
fn an_unknown_account_in_a_step_suggests_the_closest_one() {
    let text = r#"Scenario(
    description: "hbu is a typo of hub",
    rules: ["SC-20"],
    world: (accounts: ["hub", "spoke"]),
    steps: [
        Call(account: "hub", op: CreatePortfolio(portfolio: "base")),
        Call(account: "hbu", op: CreatePortfolio(portfolio: "other")),
    ],
)"#;
    assert_error(
        text,
        7,
        23,
        &["unknown account \"hbu\"", "did you mean \"hub\"?"],
    );
}

#[test]
fn an_unknown_account_without_a_close_name_gets_no_suggestion() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-20"],
    world: (accounts: ["hub"]),
    steps: [Call(account: "elsewhere", op: ListPortfolios)],
)"#;
    let msg = error(text);
    assert!(msg.starts_with("x.ron:5:27: "), "{msg}");
    assert!(msg.contains("unknown account \"elsewhere\""), "{msg}");
    assert!(!msg.contains("did you mean"), "{msg}");
}

#[test]
fn an_unknown_management_account_is_reported_in_the_organization() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["ORG-01"],
    world: (
        accounts: ["mgmt", "dev"],
        organization: (name: "acme", management: "mgnt"),
    ),
    steps: [],
)"#;
    assert_error(
        text,
        6,
        50,
        &["unknown account \"mgnt\"", "did you mean \"mgmt\"?"],
    );
}

#[test]
fn an_unknown_ou_of_a_member_suggests_the_closest_ou() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["ORG-05"],
    world: (
        accounts: ["mgmt", "dev"],
        organization: (
            name: "acme",
            management: "mgmt",
            ous: [(name: "sandbox")],
            members: {"dev": "sandbx"},
        ),
    ),
    steps: [],
)"#;
    assert_error(
        text,
        10,
        30,
        &[
            "unknown OU \"sandbx\"",
            "member \"dev\"",
            "did you mean \"sandbox\"?",
        ],
    );
}

#[test]
fn an_ou_declared_before_its_parent_is_reported_at_the_parent_reference() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["ORG-03"],
    world: (
        accounts: ["mgmt"],
        organization: (
            name: "acme",
            management: "mgmt",
            ous: [(name: "team", parent: "dev"), (name: "dev")],
        ),
    ),
    steps: [],
)"#;
    assert_error(
        text,
        9,
        42,
        &["unknown parent OU \"dev\"", "declared after their parent"],
    );
}

#[test]
fn a_duplicate_account_is_reported_at_its_second_declaration() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-20"],
    world: (accounts: ["hub", "spoke", "hub"]),
    steps: [],
)"#;
    assert_error(text, 4, 40, &["account \"hub\" is declared twice"]);
}

#[test]
fn a_duplicate_ou_is_reported_at_its_second_declaration() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["ORG-03"],
    world: (
        accounts: ["mgmt"],
        organization: (name: "acme", management: "mgmt", ous: [(name: "dev"), (name: "dev")]),
    ),
    steps: [],
)"#;
    assert_error(text, 6, 86, &["OU \"dev\" is declared twice"]);
}

#[test]
fn a_call_as_both_user_and_role_is_reported_at_the_role() {
    // The world declares roles too: the error must point at the step, not at `roles`.
    let text = r#"Scenario(
    description: "a role and a user",
    rules: ["SC-58"],
    world: (
        accounts: ["spoke"],
        iam: {"spoke": (users: ["alice"], roles: ["Ops"])},
    ),
    steps: [
        Call(account: "spoke", op: ListPortfolios),
        Call(account: "spoke", user: "alice", role: "Ops", op: ListLaunchPaths(product: "vpc")),
    ],
)"#;
    assert_error(text, 10, 47, &["a user or as a role, not both"]);
}

#[test]
fn an_unknown_region_suggests_the_closest_world_region() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-37"],
    world: (accounts: ["hub"], regions: ["us-east-1", "eu-west-1"]),
    steps: [
        Call(account: "hub", region: "eu-west-2", op: CreatePortfolio(portfolio: "base")),
    ],
)"#;
    assert_error(
        text,
        6,
        38,
        &[
            "Region \"eu-west-2\" is not in the world's regions",
            "did you mean \"eu-west-1\"?",
        ],
    );
}

#[test]
fn a_bad_rule_id_shows_the_expected_shape() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-20", "SC20", "INV-05"],
    world: (accounts: ["hub"]),
    steps: [],
)"#;
    assert_error(text, 3, 22, &["\"SC20\" is not a rule id", "\"SC-20\""]);
}

#[test]
fn a_group_naming_an_unknown_user_is_reported_in_the_group() {
    // "bob" is a user of another account: the error must point at the group's member list.
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-58"],
    world: (
        accounts: ["hub", "spoke"],
        iam: {
            "hub": (users: ["bob"]),
            "spoke": (users: ["alice", "bobby"], groups: {"devs": ["alice", "bob"]}),
        },
    ),
    steps: [],
)"#;
    assert_error(
        text,
        8,
        77,
        &[
            "group \"devs\" of account \"spoke\" names unknown user \"bob\"",
            "did you mean \"bobby\"?",
        ],
    );
}

#[test]
fn an_unknown_account_in_the_iam_section_is_reported() {
    let text = r#"Scenario(
    description: "ok",
    rules: ["SC-58"],
    world: (accounts: ["hub", "spoke"], iam: {"spoek": (users: ["alice"])}),
    steps: [],
)"#;
    assert_error(
        text,
        4,
        47,
        &["unknown account \"spoek\"", "did you mean \"spoke\"?"],
    );
}

#[test]
fn a_world_without_accounts_is_refused() {
    let text = r#"Scenario(
    description: "no accounts",
    rules: [],
    world: (accounts: []),
    steps: [],
)"#;
    assert_error(text, 4, 13, &["at least one account"]);
}

/// A one-step scenario whose step is `step`, on line 5.
fn with_step(step: &str) -> String {
    format!(
        "Scenario(\n    description: \"x\",\n    rules: [\"IB-01\"],\n    world: (accounts: [\"owner\"]),\n    steps: [{step}],\n)"
    )
}

#[test]
fn a_misspelt_operation_gets_a_suggestion_not_every_name() {
    let text = with_step(r#"Call(account: "owner", op: ListComponent())"#);
    assert_error(
        &text,
        5,
        40,
        &[
            "unknown operation `ListComponent`",
            "did you mean \"ListComponents\"?",
        ],
    );
    assert!(
        !error(&text).contains("CreateOrganization"),
        "{}",
        error(&text)
    );
}

#[test]
fn parentheses_on_an_operation_without_parameters_are_explained() {
    let text = with_step(r#"Call(account: "owner", op: ListPortfolios())"#);
    assert_error(
        &text,
        5,
        54,
        &["ListPortfolios takes no parameters", "`op: ListPortfolios`"],
    );
}

#[test]
fn missing_parentheses_on_an_operation_with_parameters_are_explained() {
    let text = with_step(r#"Call(account: "owner", op: ListComponents)"#);
    assert_error(
        &text,
        5,
        54,
        &["ListComponents takes parameters", "`op: ListComponents()`"],
    );
}

#[test]
fn an_unknown_exception_name_is_refused_at_load_with_a_suggestion() {
    let text = with_step(
        r#"Call(account: "owner", op: ListComponents(), expect: Error("ResourceNotFound"))"#,
    );
    assert_error(
        &text,
        5,
        72,
        &[
            "\"ResourceNotFound\" is not an exception",
            "did you mean \"ResourceNotFoundException\"?",
            "expect: Fails",
        ],
    );
    let text = with_step(
        r#"Call(account: "owner", op: ListComponents(), expect: Error("ForbidenException"))"#,
    );
    assert_error(&text, 5, 72, &["did you mean \"ForbiddenException\"?"]);
}

#[test]
fn expect_fails_accepts_any_exception() {
    let text = with_step(
        r#"Call(account: "owner", op: DeleteComponent(component: (name: "none", version: "1.0.0", build: 1)), expect: Fails)"#,
    );
    let scenario = parse(&text, Path::new("x.ron")).unwrap();
    let report = sharesim::scenario::run::run(&scenario, "x", &sharesim::scenario::run::NoChecks);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let text = with_step(r#"Call(account: "owner", op: ListComponents(), expect: Fails)"#);
    let scenario = parse(&text, Path::new("x.ron")).unwrap();
    let report = sharesim::scenario::run::run(&scenario, "x", &sharesim::scenario::run::NoChecks);
    assert_eq!(
        report.failures,
        vec!["step 1: expected the call to fail, got success".to_owned()]
    );
}

#[test]
fn a_rule_id_that_rules_md_does_not_have_is_refused() {
    let text = r#"Scenario(
    description: "x",
    rules: ["IB-99"],
    world: (accounts: ["owner"]),
    steps: [],
)"#;
    assert_error(text, 3, 13, &["RULES.md has no rule \"IB-99\""]);
    let text =
        with_step(r#"Call(account: "owner", op: ListComponents(), decided_by: ["IB-23", "IB-6"])"#);
    assert_error(&text, 5, 80, &["\"IB-6\" is not a rule id", "did you mean"]);
}

//! Partial matching of responses and observations.
//!
//! Scenarios state only the part of a response or observation that matters for their claim, so
//! a snapshot can change elsewhere without breaking them. Expected values are written in RON as
//! maps, lists and scalars (`{"portfolio": "base", "launch_role": "arn:..."}`) and compared with
//! the JSON form of the actual value:
//! - a map matches when each expected key is present and its value matches;
//! - a list matches when each expected element matches some actual element; an empty expected
//!   list matches only an empty list (`"Portfolios": []` says there are none, which is what a
//!   reader takes it to mean, rather than nothing at all);
//! - scalars match when equal (numbers by value).

use serde_json::Value;

/// Converts an expected RON value to JSON for comparison.
pub fn to_json(value: &ron::Value) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| format!("expected value cannot be compared: {e}"))
}

/// Whether `actual` contains `expected` in the partial sense of this module.
pub fn partial(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| partial(ev, av))),
        (Value::Array(e), Value::Array(a)) if e.is_empty() => a.is_empty(),
        (Value::Array(e), Value::Array(a)) => e.iter().all(|ev| a.iter().any(|av| partial(ev, av))),
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (e, a) => e == a,
    }
}

/// Selects the value at a dot-separated path (`accounts.hub.regions.us-east-1.sc`).
pub fn select<'v>(root: &'v Value, path: &str) -> Result<&'v Value, String> {
    let mut cur = root;
    let mut walked = Vec::new();
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        let next = match cur {
            Value::Object(map) => map.get(seg),
            Value::Array(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let Some(next) = next else {
            let keys = match cur {
                Value::Object(map) => map.keys().cloned().collect::<Vec<_>>().join(", "),
                Value::Array(items) => format!("indices 0..{}", items.len()),
                other => format!("a scalar ({other})"),
            };
            return Err(format!(
                "path {path}: no {seg:?} under {:?} (has: {keys})",
                walked.join(".")
            ));
        };
        walked.push(seg);
        cur = next;
    }
    Ok(cur)
}

/// The number of entries of a list or map (scalars count as one, null as zero).
pub fn count(value: &Value) -> usize {
    match value {
        Value::Array(a) => a.len(),
        Value::Object(m) => m.len(),
        Value::Null => 0,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_match_by_subset_and_lists_by_membership() {
        let actual = json!({"a": 1, "b": [{"x": "p", "y": 2}, {"x": "q"}]});
        assert!(partial(&json!({"b": [{"x": "q"}]}), &actual));
        assert!(partial(&json!({"a": 1.0}), &actual));
        assert!(!partial(&json!({"b": [{"x": "r"}]}), &actual));
        assert!(!partial(&json!({"c": 1}), &actual));
    }

    #[test]
    fn an_empty_expected_list_means_none() {
        assert!(partial(&json!({"b": []}), &json!({"b": []})));
        assert!(!partial(&json!({"b": []}), &json!({"b": [1]})));
        // A list that is absent is not an empty one in a response.
        assert!(!partial(&json!({"b": []}), &json!({})));
    }

    #[test]
    fn select_reports_what_is_there_when_a_segment_is_missing() {
        let root = json!({"accounts": {"hub": {}}});
        assert!(select(&root, "accounts.hub").is_ok());
        let err = select(&root, "accounts.hbu").err().unwrap_or_default();
        assert!(err.contains("has: hub"), "{err}");
    }
}

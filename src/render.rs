//! Compact, stable text renderings for traces and snapshots.
//!
//! Reviewers read these in pull-request diffs, so they are line-oriented (a change touches the
//! lines it changes), sorted (the observation is canonical), and leave out empty sections.

use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// One-line RON of a value (a call's operation, a response).
pub fn one_line<T: Serialize>(value: &T) -> String {
    crate::scenario::load::ron_options()
        .to_string(value)
        .unwrap_or_else(|e| format!("<unprintable: {e}>"))
}

/// Renders a JSON value as an indented tree, without nulls and empty lists or maps.
pub fn tree(value: &Value) -> String {
    let mut out = String::new();
    let pruned = prune(value).unwrap_or(Value::Null);
    write_tree(&mut out, &pruned, 0);
    out
}

fn prune(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Array(items) => {
            let items: Vec<Value> = items.iter().filter_map(prune).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(map) => {
            let map: serde_json::Map<String, Value> = map
                .iter()
                .filter_map(|(k, v)| prune(v).map(|v| (k.clone(), v)))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        other => Some(other.clone()),
    }
}

fn is_flat(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(|v| !v.is_array() && !v.is_object()),
        Value::Object(map) => {
            map.len() <= 2 && map.values().all(|v| !v.is_array() && !v.is_object())
        }
        _ => true,
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", inline(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn write_tree(out: &mut String, value: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if is_flat(v) {
                    let _ = writeln!(out, "{pad}{k}: {}", inline(v));
                } else {
                    let _ = writeln!(out, "{pad}{k}:");
                    write_tree(out, v, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                if is_flat(item) {
                    let _ = writeln!(out, "{pad}- {}", inline(item));
                } else {
                    let _ = writeln!(out, "{pad}-");
                    write_tree(out, item, depth + 1);
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", inline(other));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tree_leaves_out_empty_sections_and_keeps_false() {
        let v = json!({"a": [], "b": {"c": null}, "d": {"accepted": false, "x": [1, 2]}});
        assert_eq!(tree(&v), "d:\n  accepted: false\n  x: [1, 2]\n");
    }
}

//! Short renderings of observation excerpts for violation reports: compact RON, cut at a
//! readable length, so a report shows the relevant part and never a dump.

use serde::Serialize;

/// The longest excerpt kept, in characters.
const MAX: usize = 600;

/// Compact RON of `value`, cut at [`MAX`] characters.
pub(crate) fn ron<T: Serialize + ?Sized>(value: &T) -> String {
    let s = ron::to_string(value).unwrap_or_else(|e| format!("<unrenderable: {e}>"));
    cut(s)
}

/// Cuts a string at [`MAX`] characters.
pub(crate) fn cut(s: String) -> String {
    if s.chars().count() <= MAX {
        s
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

/// A list of displayable items, `[a, b]`.
pub(crate) fn list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let v: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    format!("[{}]", v.join(", "))
}
